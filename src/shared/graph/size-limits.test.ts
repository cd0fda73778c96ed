import { describe, expect, it } from 'vitest'
import { TEMPLATES } from '../templates'
import { inferGraph } from './infer'
import { approxCount, layerSizeWarning, MAX_TENSOR_ELEMENTS, totalsSizeWarning } from './size-limits'
import { chain } from './test-kit'

describe('size warnings', () => {
  it('fire just past 2^31 elements in an output at batch 1 or in one layer’s weights, not at it', () => {
    const none = { trainable: 0, nonTrainable: 0 }
    expect(layerSizeWarning([null, 2 ** 16, 2 ** 15], none, 0)).toBeNull()
    expect(layerSizeWarning([null, 2 ** 16, 2 ** 15 + 1], none, 0)?.short).toBe('output 2.15 G > 2^31')
    expect(layerSizeWarning([null, 10], { trainable: MAX_TENSOR_ELEMENTS, nonTrainable: 0 }, 0)).toBeNull()
    expect(
      layerSizeWarning([null, 10], { trainable: MAX_TENSOR_ELEMENTS, nonTrainable: 1 }, 0)?.message,
    ).toMatch(/^Its weights hold 2.15 G parameters, more than 2\^31 \(2.15 G\) elements/)
    expect(layerSizeWarning([null, 10], none, Infinity)?.short).toBe('sizes overflow')
  })

  it('fire on totals beyond 2^53 or not finite, naming them', () => {
    expect(totalsSizeWarning({ trainable: 2 ** 53 - 1, macs: 1 })).toBeNull()
    expect(totalsSizeWarning({ trainable: 2 ** 60, macs: 1 })).toMatch(
      /beyond 2\^53 and only approximate \(1.15e\+18 trainable parameters\)/,
    )
    expect(totalsSizeWarning({ macs: NaN })).toMatch(/overflow \(MACs are not finite numbers\)/)
    expect(approxCount(676e9)).toBe('676 G')
  })

  it('are part of the analysis: on the node, in the list, and never on the templates', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 28, width: 28, channels: 1 }],
        ['conv', 'Conv2D', { filters: 1e9, kernelSize: 3 }],
        ['gap', 'GlobalAvgPool2D'],
      ]),
    )
    expect(a.nodes.conv.status).toBe('ok')
    expect(a.nodes.conv.outputShape).toEqual([null, 26, 26, 1e9])
    expect(a.nodes.conv.warning?.short).toBe('output 676 G > 2^31')
    expect(a.nodes.gap.warning).toBeNull()
    expect(a.warnings).toEqual([{ nodeId: 'conv', message: a.nodes.conv.warning!.message }])
    expect(a.errors).toEqual([])
    for (const t of TEMPLATES) expect([t.name, inferGraph(t.document).warnings]).toEqual([t.name, []])
  })

  it('a block carries its first layer’s warning, named', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 256, width: 256, channels: 3 }],
        ['res', 'ResidualBasic', { filters: 4e4 }],
      ]),
    )
    expect(a.nodes.res.warning?.message).toMatch(/^conv1: Its output holds 2.62 G elements/)
    expect(a.warnings.map((w) => w.nodeId)).toEqual(['res'])
  })

  it('the totals’ own warning has no node', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 2 ** 40, width: 2 ** 40, channels: 1 }],
        ['pool', 'GlobalAvgPool2D'],
      ]),
    )
    expect(a.warnings.at(-1)).toEqual({
      nodeId: null,
      message: expect.stringMatching(/^The totals are beyond 2\^53/),
    })
  })
})
