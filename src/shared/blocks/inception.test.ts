import { describe, expect, it } from 'vitest'
import { inferGraph } from '../graph/infer'
import { chain } from '../graph/test-kit'
import type { Subgraph } from './define-block'
import { analyseBlock, feeds } from './test-kit'
import { inception } from './inception'

const analyse = (params: Record<string, unknown>, input: [number, number, number]) =>
  analyseBlock('Inception', params, input)

function expand(params: Record<string, unknown>): Subgraph {
  const sub = inception.expand(inception.params.parse(params), [null, 28, 28, 192])
  if ('error' in sub) throw new Error(sub.error.message)
  return sub
}

describe('Inception', () => {
  it('concatenates four branches (GoogLeNet 3a, 28×28×192 → 28×28×256)', () => {
    const { node, analysis } = analyse({}, [28, 28, 192])
    expect(node.outputShape).toEqual([null, 28, 28, 256])
    // convs: 192·64 = 12,288; 192·96 = 18,432; 3·3·96·128 = 110,592; 192·16 = 3,072;
    // 5·5·16·32 = 12,800; 192·32 = 6,144 → 163,328. BN over 64+96+128+16+32+32 = 368 channels:
    // γβ 736 trainable, mean/var 736.
    expect(node.params).toEqual({ trainable: 164_064, nonTrainable: 736 })
    // every conv at 28×28: 784 · 163,328
    expect(node.macs).toBe(128_049_152)
    expect(analysis.inner['b/b1'].outputShape).toEqual([null, 28, 28, 64])
    expect(analysis.inner['b/b2'].outputShape).toEqual([null, 28, 28, 128])
    expect(analysis.inner['b/b3'].outputShape).toEqual([null, 28, 28, 32])
    expect(analysis.inner['b/b4_pool'].outputShape).toEqual([null, 28, 28, 192])
    expect(analysis.inner['b/b4'].outputShape).toEqual([null, 28, 28, 32])
  })

  it('matches GoogLeNet 3b (28×28×256 → 480)', () => {
    const p = { c1x1: 128, c3x3Reduce: 128, c3x3: 192, c5x5Reduce: 32, c5x5: 96, poolProj: 64 }
    const { node } = analyse(p, [28, 28, 256])
    expect(node.outputShape).toEqual([null, 28, 28, 480])
    // 256·128 + 256·128 + 9·128·192 + 256·32 + 25·32·96 + 256·64
    // = 32,768 + 32,768 + 221,184 + 8,192 + 76,800 + 16,384 = 388,096; BN channels 640
    expect(node.params).toEqual({ trainable: 388_096 + 1_280, nonTrainable: 1_280 })
  })

  it('uses biased convolutions with ReLU and no BatchNorm when batchNorm is off', () => {
    const { node, inner } = analyse({ batchNorm: false }, [28, 28, 192])
    // 163,328 weights + 368 biases (the original GoogLeNet)
    expect(node.params).toEqual({ trainable: 163_696, nonTrainable: 0 })
    expect(inner).toEqual(['b1', 'b2_reduce', 'b2', 'b3_reduce', 'b3', 'b4_pool', 'b4', 'concat'])
    const sub = expand({ batchNorm: false })
    expect(sub.nodes.find((n) => n.id === 'b3')!.params).toEqual({
      filters: 32,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
    })
    expect(feeds(sub, 'concat')).toEqual(['b1', 'b2', 'b3', 'b4'])
  })

  it('orders the concat inputs 1×1, 3×3, 5×5, pool projection', () => {
    const sub = expand({})
    expect(sub.output).toBe('concat')
    expect(sub.nodes.find((n) => n.id === 'concat')!.params).toEqual({ inputs: 4 })
    expect(feeds(sub, 'concat')).toEqual(['b1_relu', 'b2_relu', 'b3_relu', 'b4_relu'])
    expect(feeds(sub, 'b2')).toEqual(['b2_reduce_relu'])
    expect(feeds(sub, 'b3')).toEqual(['b3_reduce_relu'])
    expect(feeds(sub, 'b4')).toEqual(['b4_pool'])
    expect(feeds(sub, 'b4_pool')).toEqual(['@in'])
    const node = (id: string) => sub.nodes.find((n) => n.id === id)!
    expect(node('b4_pool').params).toEqual({ poolSize: 3, strides: 1, padding: 'same' })
    expect(node('b2').params).toEqual({ filters: 128, kernelSize: 3, padding: 'same', useBias: false })
    expect(node('b2_bn').params).toEqual({ epsilon: 0.001, momentum: 0.9 })
    for (const n of sub.nodes) expect(n.name).toBeTruthy()
  })

  it('keeps odd spatial sizes (7×7 stays 7×7)', () => {
    expect(analyse({}, [7, 7, 832]).node.outputShape).toEqual([null, 7, 7, 256])
  })

  it('has GoogLeNet 3a’s defaults and a short summary', () => {
    const p = inception.params.parse({})
    expect(p).toEqual({
      c1x1: 64,
      c3x3Reduce: 96,
      c3x3: 128,
      c5x5Reduce: 16,
      c5x5: 32,
      poolProj: 32,
      batchNorm: true,
      epsilon: 0.001,
    })
    expect(inception.palette.summary(p)).toBe('64 · 96→128 · 16→32 · 32')
  })

  it('refuses a flat input and reports a bad parameter on the block', () => {
    const r = inception.expand(inception.params.parse({}), [null, 10])
    expect('error' in r && r.error.message).toMatch(/^Inception module needs a 4-D feature map/)
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 1, width: 1, channels: 3 }],
        ['b', 'Inception', { c1x1: 0 }],
      ]),
    )
    expect(a.nodes.b.error!.param).toBe('c1x1')
  })
})
