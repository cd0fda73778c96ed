import { describe, expect, it } from 'vitest'
import { inferGraph } from '../../graph/infer'
import { testDoc } from '../../graph/test-kit'
import { one } from '../test-kit'

describe('Add', () => {
  it('adds equal shapes, without parameters', () => {
    const n = one('Add', {}, [8, 8, 4], [8, 8, 4])
    expect(n.outputShape).toEqual([null, 8, 8, 4])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(n.summary).toBe('2 inputs')
    expect(one('Add', { inputs: 3 }, [5], [5], [5]).outputShape).toEqual([null, 5])
  })

  it('suggests a strided 1×1 projection on the larger input', () => {
    const e = one('Add', {}, [56, 56, 64], [28, 28, 128]).error!
    expect(e.message).toBe(
      'Add needs equal shapes, but input 1 is 56×56×64 and input 2 is 28×28×128. Insert a 1×1 Conv2D with 128 filters and stride 2 on input 1 (a projection shortcut).',
    )
    expect(e.port).toBe(0)
    expect(e.fix).toEqual({
      type: 'insertBefore',
      label: 'Insert 1×1 projection (128 filters and stride 2)',
      port: 0,
      kind: 'Conv2D',
      params: { filters: 128, kernelSize: 1, strides: 2, useBias: false },
    })
    const swapped = one('Add', {}, [28, 28, 128], [56, 56, 64]).error!
    expect(swapped.port).toBe(1)
    expect(swapped.message).toMatch(/with 128 filters and stride 2 on input 2 \(a projection shortcut\)\.$/)
    // the larger map is projected even when it has more channels
    expect(one('Add', {}, [56, 56, 256], [28, 28, 128]).error!.fix).toMatchObject({
      port: 0,
      params: { filters: 128, strides: 2 },
    })
  })

  it('at equal size, projects the narrower input without a stride', () => {
    const e = one('Add', {}, [8, 8, 32], [8, 8, 16]).error!
    expect(e.message).toBe(
      'Add needs equal shapes, but input 1 is 8×8×32 and input 2 is 8×8×16. Insert a 1×1 Conv2D with 32 filters on input 2 (a projection shortcut).',
    )
    expect(e.port).toBe(1)
    expect(e.fix).toMatchObject({ port: 1, params: { filters: 32, kernelSize: 1, strides: 1 } })
    // the third input is the one that differs
    expect(one('Add', { inputs: 3 }, [4, 4, 8], [4, 4, 8], [4, 4, 2]).error!.port).toBe(2)
  })

  it('gives no fix when no strided projection can match', () => {
    const e = one('Add', {}, [7, 7, 8], [4, 4, 8]).error!
    expect(e.message).toBe(
      'Add needs equal shapes, but input 1 is 7×7×8 and input 2 is 4×4×8. Give both branches the same strides and padding.',
    )
    expect(e.fix).toBeUndefined()
    expect(e.port).toBe(0)
  })

  it('quotes feature counts of vectors, and differing ranks', () => {
    expect(one('Add', {}, [10], [12]).error).toEqual({
      message:
        'Add needs equal shapes, but input 1 has 10 features and input 2 has 12. Give both branches the same number of units.',
      port: 1,
    })
    expect(one('Add', {}, [2, 2, 1], [4]).error).toEqual({
      message:
        'Add needs equal shapes, but input 1 is 2×2×1 and input 2 is 4. Flatten or pool the 4-D input first.',
      port: 0,
    })
  })

  it('reports a port left unconnected and a bad input count', () => {
    const a = inferGraph(
      testDoc(
        [
          ['in', 'Input'],
          ['add', 'Add', { inputs: 3 }],
        ],
        [
          ['in', 'add', 0],
          ['in', 'add', 2],
        ],
      ),
    )
    expect(a.nodes.add.error).toMatchObject({
      message: "Input 2 of 3 of 'add' (Add) is not connected. Connect a layer to it or lower 'inputs' to 2.",
      port: 1,
    })
    expect(one('Add', { inputs: 17 }, [4], [4]).error!.param).toBe('inputs')
  })
})
