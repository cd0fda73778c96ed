import { describe, expect, it } from 'vitest'
import { inferGraph } from '../graph/infer'
import { chain } from '../graph/test-doc'

/** Analyses one block fed by an Input of h×w×c. */
function block(kind: string, params: Record<string, unknown>, [h, w, c]: [number, number, number]) {
  const a = inferGraph(
    chain([
      ['in', 'Input', { height: h, width: w, channels: c }],
      ['b', kind, params],
    ]),
  )
  return { node: a.nodes.b, inner: Object.keys(a.inner).map((k) => k.slice(2)), analysis: a }
}

describe('ResidualBasic', () => {
  it('keeps an identity shortcut when shape is unchanged (ResNet-18 layer1)', () => {
    const { node, inner } = block('ResidualBasic', { filters: 64 }, [56, 56, 64])
    expect(node.outputShape).toEqual([null, 56, 56, 64])
    // two 3×3×64×64 convs without bias + two BNs (γ, β trainable; mean, var not)
    expect(node.params).toEqual({ trainable: 2 * 3 * 3 * 64 * 64 + 2 * 128, nonTrainable: 256 })
    expect(node.macs).toBe(2 * 56 * 56 * 64 * 3 * 3 * 64)
    expect(inner).not.toContain('proj')
    expect(inner).toContain('add')
  })

  it('adds a 1×1 projection with BN when the stride and channels change (ResNet-18 layer2.0)', () => {
    const { node, inner } = block('ResidualBasic', { filters: 128, strides: 2 }, [56, 56, 64])
    expect(node.outputShape).toEqual([null, 28, 28, 128])
    // torchvision layer2[0]: 73,728 + 147,456 + 8,192 conv weights, 3 BNs of 128 → 230,144
    expect(node.params).toEqual({ trainable: 230_144, nonTrainable: 768 })
    expect(inner).toEqual(expect.arrayContaining(['proj', 'proj_bn']))
  })
})

describe('ResidualBottleneck', () => {
  it('matches torchvision ResNet-50 layer1.0 with its projection', () => {
    const { node } = block('ResidualBottleneck', { filters: 64 }, [56, 56, 64])
    expect(node.outputShape).toEqual([null, 56, 56, 256])
    // convs 4,096 + 36,864 + 16,384 + projection 16,384; BN γβ 128 + 128 + 512 + 512
    expect(node.params).toEqual({ trainable: 75_008, nonTrainable: 1_280 })
  })

  it('puts the stride on the 3×3 convolution (v1.5)', () => {
    const { analysis } = block('ResidualBottleneck', { filters: 128, strides: 2 }, [56, 56, 256])
    expect(analysis.inner['b/conv1'].outputShape).toEqual([null, 56, 56, 128])
    expect(analysis.inner['b/conv2'].outputShape).toEqual([null, 28, 28, 128])
    expect(analysis.nodes.b.outputShape).toEqual([null, 28, 28, 512])
  })
})

describe('SeparableBlock', () => {
  it('matches a Keras MobileNet v1 block (conv_dw_2 / conv_pw_2)', () => {
    const { node } = block('SeparableBlock', { filters: 128, strides: 2 }, [112, 112, 64])
    expect(node.outputShape).toEqual([null, 56, 56, 128])
    // depthwise 3·3·64 = 576, pointwise 64·128 = 8,192, BN γβ 128 + 256
    expect(node.params).toEqual({ trainable: 576 + 8192 + 128 + 256, nonTrainable: 128 + 256 })
    expect(node.macs).toBe(56 * 56 * 64 * 9 + 56 * 56 * 64 * 128)
  })
})

describe('InvertedResidual', () => {
  it('has no expansion conv for t = 1 and no residual when channels change', () => {
    const { node, inner } = block('InvertedResidual', { filters: 16, expansion: 1 }, [112, 112, 32])
    expect(node.outputShape).toEqual([null, 112, 112, 16])
    expect(node.params).toEqual({ trainable: 288 + 64 + 512 + 32, nonTrainable: 64 + 32 })
    expect(inner).not.toContain('expand')
    expect(inner).not.toContain('add')
  })

  it('adds the input back only when the stride is 1 and the channels match', () => {
    expect(block('InvertedResidual', { filters: 24 }, [56, 56, 24]).inner).toContain('add')
    expect(block('InvertedResidual', { filters: 24, strides: 2 }, [56, 56, 24]).inner).not.toContain('add')
    const { node } = block('InvertedResidual', { filters: 24, strides: 2 }, [112, 112, 16])
    // torchvision features[2]: expand 16→96, dw 3×3 on 96, project 96→24, three BNs
    expect(node.params!.trainable).toBe(16 * 96 + 192 + 9 * 96 + 192 + 96 * 24 + 48)
    expect(node.outputShape).toEqual([null, 56, 56, 24])
  })
})

describe('Inception', () => {
  it('concatenates four branches (GoogLeNet 3a)', () => {
    const { node, analysis } = block('Inception', {}, [28, 28, 192])
    expect(node.outputShape).toEqual([null, 28, 28, 256])
    // convs: 192·64 + 192·96 + 9·96·128 + 192·16 + 25·16·32 + 192·32 = 163,328; BN γβ over 64+96+128+16+32+32
    expect(node.params).toEqual({ trainable: 163_328 + 2 * 368, nonTrainable: 2 * 368 })
    expect(analysis.inner['b/b3'].outputShape).toEqual([null, 28, 28, 32])
  })

  it('uses biased convolutions with ReLU when batchNorm is off', () => {
    const { node } = block('Inception', { batchNorm: false }, [28, 28, 192])
    expect(node.params).toEqual({ trainable: 163_328 + 368, nonTrainable: 0 })
  })
})

describe('blocks on a flat input', () => {
  it('explain that they need a feature map, and mark what follows unknown', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 8, width: 8, channels: 3 }],
        ['f', 'Flatten'],
        ['b', 'ResidualBasic'],
        ['after', 'Dense'],
      ]),
    )
    expect(a.nodes.b.error!.message).toMatch(
      /^Residual basic block needs a 4-D feature map .* but its input is 192 \(1-D\)/,
    )
    expect(a.nodes.after.status).toBe('unknown')
  })

  it('report a bad block parameter on the block, naming it', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 1, width: 1, channels: 3 }],
        ['b', 'Inception', { c1x1: 0 }],
      ]),
    )
    expect(a.nodes.b.error!.param).toBe('c1x1')
  })
})
