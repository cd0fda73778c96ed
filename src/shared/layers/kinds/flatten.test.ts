import { describe, expect, it } from 'vitest'
import { inferGraph } from '../../graph/infer'
import { chain } from '../../graph/test-kit'
import { one } from '../test-kit'

describe('Flatten', () => {
  it('unrolls H×W×C into one vector, without parameters', () => {
    const n = one('Flatten', {}, [5, 3, 16])
    expect(n.outputShape).toEqual([null, 240])
    expect(n.params).toEqual({ trainable: 0, nonTrainable: 0 })
    expect(n.macs).toBe(0)
    expect(one('Flatten', {}, [7, 7, 512]).outputShape).toEqual([null, 25_088]) // VGG-16
  })

  it('passes a flat vector through unchanged', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 2, width: 2, channels: 3 }],
        ['f1', 'Flatten'],
        ['f2', 'Flatten'],
      ]),
    )
    expect(a.nodes.f2.outputShape).toEqual([null, 12])
    expect(a.errors).toEqual([])
  })
})
