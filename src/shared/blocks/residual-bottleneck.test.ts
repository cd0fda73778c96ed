import { describe, expect, it } from 'vitest'
import type { Subgraph } from './define-block'
import { analyseBlock, expandBlock, feeds } from './test-kit'
import { residualBottleneck } from './residual-bottleneck'

const analyse = (params: Record<string, unknown>, input: [number, number, number]) =>
  analyseBlock('ResidualBottleneck', params, input)

const expand = (params: Record<string, unknown>, c: number): Subgraph =>
  expandBlock(residualBottleneck, params, c)

describe('ResidualBottleneck', () => {
  it('matches torchvision ResNet-50 layer1.0, projection included', () => {
    const { node, inner } = analyse({ filters: 64 }, [56, 56, 64])
    expect(node.outputShape).toEqual([null, 56, 56, 256])
    // conv1 64·64 = 4,096; conv2 3·3·64·64 = 36,864; conv3 64·256 = 16,384; proj 64·256 = 16,384
    // → 73,728. BN γβ: 2·64 + 2·64 + 2·256 + 2·256 = 1,280 → 75,008 (= torchvision layer1[0]);
    // mean/var: the same 1,280.
    expect(node.params).toEqual({ trainable: 75_008, nonTrainable: 1_280 })
    // all four convs at 56×56: 3,136 · 73,728
    expect(node.macs).toBe(231_211_008)
    expect(inner).toEqual([
      'conv1',
      'conv1_bn',
      'conv1_relu',
      'conv2',
      'conv2_bn',
      'conv2_relu',
      'conv3',
      'conv3_bn',
      'proj',
      'proj_bn',
      'add',
      'out_relu',
    ])
  })

  it('keeps the identity shortcut inside a stage (ResNet-50 layer1.1)', () => {
    const { node, inner } = analyse({ filters: 64 }, [56, 56, 256])
    // 256·64 + 3·3·64·64 + 64·256 = 16,384 + 36,864 + 16,384 = 69,632; BN 128 + 128 + 512 = 768
    // → 70,400 (layer1 = 75,008 + 2 · 70,400 = 215,808, torchvision's)
    expect(node.params).toEqual({ trainable: 70_400, nonTrainable: 768 })
    expect(inner).not.toContain('proj')
    expect(node.outputShape).toEqual([null, 56, 56, 256])
  })

  it('puts the stride on the 3×3 convolution and the projection (v1.5, ResNet-50 layer2.0)', () => {
    const { node, analysis } = analyse({ filters: 128, strides: 2 }, [56, 56, 256])
    expect(analysis.inner['b/conv1'].outputShape).toEqual([null, 56, 56, 128])
    expect(analysis.inner['b/conv2'].outputShape).toEqual([null, 28, 28, 128])
    expect(analysis.inner['b/proj'].outputShape).toEqual([null, 28, 28, 512])
    expect(node.outputShape).toEqual([null, 28, 28, 512])
    // conv1 256·128 = 32,768; conv2 9·128·128 = 147,456; conv3 128·512 = 65,536;
    // proj 256·512 = 131,072 → 376,832; BN γβ 256 + 256 + 1,024 + 1,024 = 2,560 → 379,392
    expect(node.params).toEqual({ trainable: 379_392, nonTrainable: 2_560 })
    // conv1 at 56×56: 3,136·32,768 = 102,760,448; at 28×28 (784): conv2 115,605,504,
    // conv3 51,380,224, proj 102,760,448 → 372,506,624
    expect(node.macs).toBe(372_506_624)
  })

  it('wires conv3_bn to Add port 0 and the shortcut to port 1, then ReLU', () => {
    const identity = expand({ filters: 64 }, 256)
    expect(feeds(identity, 'add')).toEqual(['conv3_bn', '@in'])
    expect(feeds(identity, 'out_relu')).toEqual(['add'])
    expect(identity.output).toBe('out_relu')
    const projected = expand({ filters: 64 }, 64)
    expect(feeds(projected, 'add')).toEqual(['conv3_bn', 'proj_bn'])
    expect(feeds(projected, 'proj')).toEqual(['@in'])
    const params = (id: string) => projected.nodes.find((n) => n.id === id)!.params
    expect(params('conv1')).toEqual({ filters: 64, kernelSize: 1, useBias: false })
    expect(params('conv2')).toEqual({ filters: 64, kernelSize: 3, strides: 1, padding: 1, useBias: false })
    expect(params('conv3')).toEqual({ filters: 256, kernelSize: 1, useBias: false })
    expect(params('conv3_bn')).toEqual({ epsilon: 1e-5, momentum: 0.9 })
    for (const n of projected.nodes) expect(n.name).toBeTruthy()
  })

  it('follows the expansion factor', () => {
    const { node, inner } = analyse({ filters: 32, expansion: 2 }, [14, 14, 64])
    expect(node.outputShape).toEqual([null, 14, 14, 64])
    expect(inner).not.toContain('proj') // 64 in = 32·2 out
  })

  it('has torchvision’s defaults and a short summary', () => {
    const p = residualBottleneck.params.parse({})
    expect(p).toEqual({ filters: 64, expansion: 4, strides: 1, epsilon: 1e-5, momentum: 0.9 })
    expect(residualBottleneck.palette.summary(p)).toBe('64→256')
    expect(residualBottleneck.palette.summary({ ...p, filters: 128, strides: 2 })).toBe('128→512 · /2')
    expect(residualBottleneck.params.safeParse({ expansion: 0 }).success).toBe(false)
  })

  it('refuses a flat input', () => {
    const r = residualBottleneck.expand(residualBottleneck.params.parse({}), [null, 10])
    expect('error' in r && r.error.message).toMatch(/^Residual bottleneck block needs a 4-D feature map/)
  })
})
