import { describe, expect, it } from 'vitest'
import { poolWindow, type PoolParams } from './pool-window'
import type { Tensor3 } from './tensor3'

// 4×4, one channel, values 0…15 row-major; a second channel holds their negatives.
const input: Tensor3 = {
  h: 4,
  w: 4,
  c: 2,
  values: Float32Array.from({ length: 32 }, (_, i) => (i % 2 ? -(i >> 1) : i >> 1)),
}
const p = (over: Partial<PoolParams> = {}): PoolParams => ({
  poolSize: [2, 2],
  strides: [2, 2],
  padding: 'valid',
  ceilMode: false,
  ...over,
})

describe('the pooling window', () => {
  it('takes the max of a 2×2 window and says which cell holds it', () => {
    const r = poolWindow(input, p(), 'max', { y: 1, x: 0, c: 0 })
    if (!r.ok) throw new Error(r.error)
    expect(r.value.values).toEqual([8, 9, 12, 13])
    expect(r.value.value).toBe(13)
    expect(r.value.argmax).toBe(3)
    const neg = poolWindow(input, p(), 'max', { y: 0, x: 0, c: 1 })
    expect(neg.ok && neg.value.value).toBe(-0)
    expect(neg.ok && neg.value.argmax).toBe(0)
  })

  it('averages without counting padding (TF same, 3×3 stride 1 at a corner: 4 cells)', () => {
    const r = poolWindow(input, p({ poolSize: [3, 3], strides: [1, 1], padding: 'same' }), 'avg', {
      y: 0,
      x: 0,
      c: 0,
    })
    if (!r.ok) throw new Error(r.error)
    expect(r.value.values).toEqual([null, null, null, null, 0, 1, null, 4, 5])
    expect(r.value.count).toBe(4)
    expect(r.value.value).toBe(2.5)
  })

  it("leaves ceil mode's partial last window's outside cells out", () => {
    const r = poolWindow(input, p({ poolSize: [3, 3], strides: [2, 2], ceilMode: true }), 'max', {
      y: 1,
      x: 1,
      c: 0,
    })
    if (!r.ok) throw new Error(r.error)
    expect(r.value.values).toEqual([10, 11, null, 14, 15, null, null, null, null])
    expect(r.value.value).toBe(15)
  })

  it('refuses a pixel outside the pooled map or a channel that does not exist', () => {
    expect(poolWindow(input, p(), 'max', { y: 2, x: 0, c: 0 })).toEqual({
      ok: false,
      error: 'Output pixel (2, 0) is outside the 2×2 pooled map.',
    })
    expect(poolWindow(input, p(), 'avg', { y: 0, x: 0, c: 2 })).toMatchObject({
      ok: false,
      error: /Channel 2/,
    })
  })
})
