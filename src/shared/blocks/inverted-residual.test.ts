import { describe, expect, it } from 'vitest'
import type { Subgraph } from './define-block'
import { analyseBlock, expandBlock, feeds } from './test-kit'
import { invertedResidual } from './inverted-residual'

const analyse = (params: Record<string, unknown>, input: [number, number, number]) =>
  analyseBlock('InvertedResidual', params, input)

const expand = (params: Record<string, unknown>, c: number): Subgraph =>
  expandBlock(invertedResidual, params, c)

describe('InvertedResidual', () => {
  it('has no expansion conv for t = 1 and no residual when channels change (torchvision features[1])', () => {
    const { node, inner } = analyse({ filters: 16, expansion: 1 }, [112, 112, 32])
    expect(node.outputShape).toEqual([null, 112, 112, 16])
    // depthwise 3·3·32 = 288; project 32·16 = 512; BN γβ 64 + 32 → 896; mean/var 96
    expect(node.params).toEqual({ trainable: 896, nonTrainable: 96 })
    expect(inner).toEqual(['dw', 'dw_bn', 'dw_relu6', 'project', 'project_bn'])
  })

  it('has no residual when strided (torchvision features[2], 16 → 24 /2)', () => {
    const { node, inner, analysis } = analyse({ filters: 24, strides: 2 }, [112, 112, 16])
    expect(node.outputShape).toEqual([null, 56, 56, 24])
    expect(analysis.inner['b/expand'].outputShape).toEqual([null, 112, 112, 96])
    expect(analysis.inner['b/dw'].outputShape).toEqual([null, 56, 56, 96])
    // expand 16·96 = 1,536; dw 3·3·96 = 864; project 96·24 = 2,304 → 4,704;
    // BN γβ 192 + 192 + 48 = 432 → 5,136; mean/var 432
    expect(node.params).toEqual({ trainable: 5_136, nonTrainable: 432 })
    // expand at 112×112: 12,544·1,536 = 19,267,584; dw at 56×56: 3,136·96·9 = 2,709,504;
    // project 3,136·2,304 = 7,225,344 → 29,202,432
    expect(node.macs).toBe(29_202_432)
    expect(inner).not.toContain('add')
  })

  it('adds the input back when the stride is 1 and the channels match (torchvision features[3])', () => {
    const { node, inner, analysis } = analyse({ filters: 24 }, [56, 56, 24])
    expect(node.outputShape).toEqual([null, 56, 56, 24])
    // expand 24·144 = 3,456; dw 9·144 = 1,296; project 144·24 = 3,456 → 8,208;
    // BN γβ 288 + 288 + 48 = 624 → 8,832; mean/var 624
    expect(node.params).toEqual({ trainable: 8_832, nonTrainable: 624 })
    expect(inner).toEqual([
      'expand',
      'expand_bn',
      'expand_relu6',
      'dw',
      'dw_bn',
      'dw_relu6',
      'project',
      'project_bn',
      'add',
    ])
    expect(analysis.inner['b/add'].inputShapes).toEqual([
      [null, 56, 56, 24],
      [null, 56, 56, 24],
    ])
  })

  it('has no residual when strided even with matching channels', () => {
    expect(analyse({ filters: 24, strides: 2 }, [56, 56, 24]).inner).not.toContain('add')
    expect(analyse({ filters: 32 }, [56, 56, 24]).inner).not.toContain('add')
  })

  it('wires project_bn to Add port 0 and the input to port 1; linear bottleneck output', () => {
    const residual = expand({ filters: 24 }, 24)
    expect(feeds(residual, 'add')).toEqual(['project_bn', '@in'])
    expect(feeds(residual, 'expand')).toEqual(['@in'])
    expect(residual.output).toBe('add')
    const plain = expand({ filters: 32 }, 24)
    expect(plain.output).toBe('project_bn')
    const t1 = expand({ filters: 32, expansion: 1 }, 24)
    expect(feeds(t1, 'dw')).toEqual(['@in'])
  })

  it('pads the depthwise conv explicitly by 1, as torchvision, with no biases', () => {
    const sub = expand({ filters: 24, strides: 2 }, 16)
    const node = (id: string) => sub.nodes.find((n) => n.id === id)!
    expect(node('expand').params).toEqual({ filters: 96, kernelSize: 1, useBias: false })
    expect(node('dw').kind).toBe('DepthwiseConv2D')
    expect(node('dw').params).toEqual({ kernelSize: 3, strides: 2, padding: 1, useBias: false })
    expect(node('project').params).toEqual({ filters: 24, kernelSize: 1, useBias: false })
    expect(node('dw_relu6').params).toEqual({ fn: 'relu6' })
    expect(sub.nodes.some((n) => n.id.startsWith('project_relu'))).toBe(false)
    for (const n of sub.nodes) expect(n.name).toBeTruthy()
  })

  it('halves odd sizes rounding up (7×7 /2 → 4×4)', () => {
    expect(analyse({ filters: 160, strides: 2 }, [7, 7, 96]).node.outputShape).toEqual([null, 4, 4, 160])
  })

  it('has torchvision’s defaults and a short summary', () => {
    const p = invertedResidual.params.parse({})
    expect(p).toEqual({ filters: 16, strides: 1, expansion: 6, epsilon: 1e-5, momentum: 0.9 })
    expect(invertedResidual.palette.summary(p)).toBe('t6 · 16')
    expect(invertedResidual.palette.summary({ ...p, filters: 24, strides: 2 })).toBe('t6 · 24 · /2')
  })

  it('refuses a flat input', () => {
    const r = invertedResidual.expand(invertedResidual.params.parse({}), [null, 10])
    expect('error' in r && r.error.message).toMatch(/^Inverted residual block needs a 4-D feature map/)
  })
})
