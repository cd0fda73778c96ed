import { describe, expect, it } from 'vitest'
import { inferGraph } from '../../graph/infer'
import { testDoc } from '../../graph/test-doc'
import { one } from '../test-util'

describe('Add', () => {
  it('adds equal shapes', () => {
    expect(one('Add', {}, [8, 8, 4], [8, 8, 4]).outputShape).toEqual([null, 8, 8, 4])
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
    expect(swapped.message).toMatch(/on input 2 \(a projection shortcut\)\.$/)
    expect(one('Add', {}, [8, 8, 16], [8, 8, 32]).error!.message).toMatch(
      /1×1 Conv2D with 32 filters on input 1/,
    )
    expect(one('Add', {}, [10], [12]).error!.message).toBe(
      'Add needs equal shapes, but input 1 is 10 and input 2 is 12. Make both branches produce the same shape.',
    )
  })

  it('reports a port left unconnected, with the fix', () => {
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
  })
})

describe('Concat', () => {
  it('joins channels in input order', () => {
    expect(
      one('Concat', { inputs: 4 }, [28, 28, 64], [28, 28, 128], [28, 28, 32], [28, 28, 32]).outputShape,
    ).toEqual([null, 28, 28, 256])
    expect(one('Concat', {}, [3], [4]).outputShape).toEqual([null, 7])
  })

  it('quotes differing heights and widths, and differing ranks', () => {
    expect(one('Concat', {}, [28, 28, 8], [14, 14, 8]).error).toMatchObject({
      message:
        "Concat joins along channels, so heights and widths must match, but input 1 is 28×28 and input 2 is 14×14. Give the branches the same strides and padding 'same'.",
      port: 1,
    })
    expect(one('Concat', {}, [2, 2, 8], [4]).error!.message).toMatch(/same rank/)
  })
})

describe('ZeroPadding2D', () => {
  it('pads each side', () => {
    expect(one('ZeroPadding2D', {}, [5, 5, 3]).outputShape).toEqual([null, 7, 7, 3])
    expect(
      one('ZeroPadding2D', { padding: { top: 0, bottom: 1, left: 0, right: 1 } }, [112, 112, 3]).outputShape,
    ).toEqual([null, 113, 113, 3])
    expect(one('ZeroPadding2D', { padding: 3 }, [2, 4, 1]).outputShape).toEqual([null, 8, 10, 1])
  })
})
