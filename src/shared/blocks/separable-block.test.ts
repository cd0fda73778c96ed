import { describe, expect, it } from 'vitest'
import type { Subgraph } from './define-block'
import { analyseBlock } from './test-kit'
import { separableBlock } from './separable-block'

const analyse = (params: Record<string, unknown>, input: [number, number, number]) =>
  analyseBlock('SeparableBlock', params, input)

function expand(params: Record<string, unknown>): Subgraph {
  const sub = separableBlock.expand(separableBlock.params.parse(params), [null, 112, 112, 32])
  if ('error' in sub) throw new Error(sub.error.message)
  return sub
}

describe('SeparableBlock', () => {
  it('matches Keras MobileNet v1 conv_dw_1 / conv_pw_1 (112×112×32 → 64)', () => {
    const { node, inner } = analyse({ filters: 64 }, [112, 112, 32])
    expect(node.outputShape).toEqual([null, 112, 112, 64])
    // depthwise 3·3·32 = 288; pointwise 32·64 = 2,048; BN γβ 64 + 128 → 2,528; mean/var 192
    // (Keras: 288 + 128 + 2,048 + 256 = 2,720 in all)
    expect(node.params).toEqual({ trainable: 2_528, nonTrainable: 192 })
    // 112·112 · 32 · (9 + 64) = 12,544 · 2,336
    expect(node.macs).toBe(29_302_784)
    expect(inner).toEqual(['dw', 'dw_bn', 'dw_relu6', 'pw', 'pw_bn', 'pw_relu6'])
  })

  it('matches conv_dw_2 / conv_pw_2, with the stride on the depthwise conv', () => {
    const { node, analysis } = analyse({ filters: 128, strides: 2 }, [112, 112, 64])
    expect(analysis.inner['b/dw'].outputShape).toEqual([null, 56, 56, 64])
    expect(node.outputShape).toEqual([null, 56, 56, 128])
    // depthwise 3·3·64 = 576; pointwise 64·128 = 8,192; BN γβ 128 + 256 → 9,152; mean/var 384
    expect(node.params).toEqual({ trainable: 9_152, nonTrainable: 384 })
    // depthwise 56·56·64·9 = 1,806,336; pointwise 56·56·64·128 = 25,690,112
    expect(node.macs).toBe(27_496_448)
  })

  it("pads 'same', so an odd size halves rounding up (7×7 /2 → 4×4)", () => {
    expect(analyse({ filters: 32, strides: 2 }, [7, 7, 16]).node.outputShape).toEqual([null, 4, 4, 32])
  })

  it('builds depthwise (no bias) → BN → act → 1×1 (no bias) → BN → act with Keras’ BN defaults', () => {
    const sub = expand({})
    const params = (id: string) => sub.nodes.find((n) => n.id === id)!
    expect(params('dw').kind).toBe('DepthwiseConv2D')
    expect(params('dw').params).toEqual({ kernelSize: 3, strides: 1, padding: 'same', useBias: false })
    expect(params('pw').kind).toBe('Conv2D')
    expect(params('pw').params).toEqual({ filters: 64, kernelSize: 1, useBias: false })
    expect(params('dw_bn').params).toEqual({ epsilon: 0.001, momentum: 0.99 })
    expect(params('pw_relu6').params).toEqual({ fn: 'relu6' })
    expect(sub.output).toBe('pw_relu6')
    for (const n of sub.nodes) expect(n.name).toBeTruthy()
  })

  it('can use ReLU instead of ReLU6', () => {
    const sub = expand({ activation: 'relu' })
    expect(sub.nodes.filter((n) => n.kind === 'Activation').map((n) => [n.id, n.params.fn])).toEqual([
      ['dw_relu', 'relu'],
      ['pw_relu', 'relu'],
    ])
    expect(separableBlock.params.safeParse({ activation: 'tanh' }).success).toBe(false)
  })

  it('has defaults and a short summary', () => {
    const p = separableBlock.params.parse({})
    expect(p).toEqual({ filters: 64, strides: 1, activation: 'relu6', epsilon: 0.001, momentum: 0.99 })
    expect(separableBlock.palette.summary(p)).toBe('64')
    expect(separableBlock.palette.summary({ ...p, filters: 128, strides: 2 })).toBe('128 · /2')
  })

  it('refuses a flat input', () => {
    const r = separableBlock.expand(separableBlock.params.parse({}), [null, 10])
    expect('error' in r && r.error.message).toMatch(/^Depthwise separable block needs a 4-D feature map/)
  })
})
