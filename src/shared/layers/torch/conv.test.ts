import { describe, expect, it } from 'vitest'
import { LAYERS } from '../registry'
import { pyModule } from './py'

function fragment(
  kind: 'Conv2D' | 'DepthwiseConv2D' | 'SeparableConv2D',
  params: Record<string, unknown>,
  input: number[],
) {
  const spec = LAYERS[kind]
  const p = spec.params.parse(params)
  const inputShapes = [[null, ...input]]
  const out = spec.inferShape(p as never, inputShapes)
  const f = spec.toTorch(p as never, { self: 'self.c', inputs: ['x'], inputShapes, outputShape: out.shape! })
  return { ...f, code: f.module && pyModule(f.module) }
}

describe('convolutions in PyTorch', () => {
  it("writes 'same' padding PyTorch can take as padding (LeNet's 5×5, pad 2)", () => {
    const f = fragment(
      'Conv2D',
      { filters: 6, kernelSize: 5, padding: 'same', activation: 'tanh' },
      [28, 28, 1],
    )
    expect(f.code).toBe('nn.Conv2d(1, 6, kernel_size=5, padding=2)')
    expect(f.forward).toBe('torch.tanh(self.c(x))')
  })

  it("pads TensorFlow's uneven 'same' by F.pad: the odd pixel at the bottom and right", () => {
    const f = fragment('Conv2D', { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, [224, 224, 3])
    expect(f.code).toBe('nn.Conv2d(3, 4, kernel_size=3, stride=2)')
    expect(f.forward).toBe('self.c(F.pad(x, (0, 1, 0, 1)))')
    const even = fragment('Conv2D', { filters: 4, kernelSize: [4, 2], padding: 'same' }, [9, 9, 1])
    expect(even.forward).toBe('self.c(F.pad(x, (0, 1, 1, 2)))')
  })

  it('keeps per-axis symmetric explicit pads as padding, dilation as dilation', () => {
    const f = fragment(
      'Conv2D',
      { filters: 2, kernelSize: 3, padding: { top: 1, bottom: 1, left: 2, right: 2 }, dilation: 2 },
      [9, 9, 1],
    )
    expect(f.code).toBe('nn.Conv2d(1, 2, kernel_size=3, padding=(1, 2), dilation=2)')
  })

  it('makes a depthwise convolution a grouped one, its kernel [c·m, 1, kh, kw]', () => {
    const f = fragment(
      'DepthwiseConv2D',
      { depthMultiplier: 2, kernelSize: 3, useBias: false, activation: 'relu6' },
      [8, 8, 3],
    )
    expect(f.code).toBe('nn.Conv2d(3, 6, kernel_size=3, groups=3, bias=False)')
    expect(f.forward).toBe('F.relu6(self.c(x))')
    expect(f.state).toEqual([
      { key: 'weight', shape: [6, 1, 3, 3], from: { tfjs: 'depthwise_kernel', layout: 'kernel' } },
    ])
  })

  it('makes a separable convolution the SeparableConv2d helper: depthwise, then pointwise with the bias', () => {
    const f = fragment('SeparableConv2D', { filters: 5, depthMultiplier: 2, kernelSize: 3 }, [8, 8, 3])
    expect(f.code).toBe('SeparableConv2d(3, 5, kernel_size=3, depth_multiplier=2)')
    expect(f.helpers).toEqual(['SeparableConv2d'])
    expect(f.state.map((s) => [s.key, s.shape])).toEqual([
      ['depthwise.weight', [6, 1, 3, 3]],
      ['pointwise.weight', [5, 6, 1, 1]],
      ['pointwise.bias', [5]],
    ])
  })
})
