import { describe, expect, it } from 'vitest'
import { one } from '../test-kit'

describe('Input', () => {
  it('gives an NHWC shape with an open batch', () => {
    const n = one('Input', { height: 32, width: 24, channels: 3 })
    expect(n.outputShape).toEqual([null, 32, 24, 3])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.summary).toBe('32×24×3')
    expect(one('Input', {}).outputShape).toEqual([null, 28, 28, 1])
  })

  it('refuses an empty image', () => {
    expect(one('Input', { channels: 0 }).error!.param).toBe('channels')
  })
})
