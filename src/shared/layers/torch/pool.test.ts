import { describe, expect, it } from 'vitest'
import { LAYERS } from '../registry'
import { nativePool } from './pool'

const pads = (top: number, bottom: number, left: number, right: number) => ({ top, bottom, left, right })

describe('nativePool: PyTorch pooling settings that compute ours', () => {
  it('takes symmetric pads as padding (torchvision ResNet stem: 3×3 /2 pad 1 on 112 → 56)', () => {
    expect(nativePool([3, 3], [2, 2], pads(1, 1, 1, 1), [112, 112], [56, 56])).toEqual({
      padding: [1, 1],
      ceilMode: false,
    })
  })

  it('takes the extra bottom and right rows of ceil mode and of uneven same pads as ceil_mode', () => {
    // GoogLeNet: 3×3 /2 ceil on 112 → 56 (our pads: 1 extra row at the bottom)
    expect(nativePool([3, 3], [2, 2], pads(0, 1, 0, 1), [112, 112], [56, 56])).toEqual({
      padding: [0, 0],
      ceilMode: true,
    })
    // 'same' 2×2 /2 on 9×10: TensorFlow pads 0 before, 1 after on the height
    expect(nativePool([2, 2], [2, 2], pads(0, 1, 0, 0), [9, 10], [5, 5])).toEqual({
      padding: [0, 0],
      ceilMode: true,
    })
  })

  it('keeps a pad on top that the bottom lacks when the window count agrees', () => {
    // top 1, bottom 0 on 6 with 3×3 /2: windows start at −1, 1 (ours: floor((6+1−3)/2)+1 = 3 → −1, 1, 3)
    expect(nativePool([3, 3], [2, 2], pads(1, 0, 1, 0), [6, 6], [3, 3])).toEqual({
      padding: [1, 1],
      ceilMode: false,
    })
  })

  it('refuses pads over half the window (PyTorch rejects them) and uneven pads at stride 1', () => {
    expect(nativePool([3, 3], [1, 1], pads(2, 2, 2, 2), [8, 8], [10, 10])).toBeNull()
    // A row after at stride 1: a window more than either of PyTorch's output sizes.
    expect(nativePool([2, 2], [1, 1], pads(0, 1, 1, 0), [5, 5], [5, 5])).toBeNull()
  })
})

describe('pooling fragments', () => {
  const fragment = (kind: 'MaxPool2D' | 'AvgPool2D', params: Record<string, unknown>, input: number[]) => {
    const spec = LAYERS[kind]
    const p = spec.params.parse(params)
    const inputShapes = [[null, ...input]]
    const out = spec.inferShape(p, inputShapes)
    return spec.toTorch(p, { self: 'self.p', inputs: ['x'], inputShapes, outputShape: out.shape! })
  }

  it('pads with −∞ before a max pool PyTorch cannot pad itself', () => {
    const f = fragment('MaxPool2D', { poolSize: 3, strides: 1, padding: 2 }, [8, 8, 2])
    expect(f.forward).toBe('self.p(F.pad(x, (2, 2, 2, 2), value=float("-inf")))')
    expect(f.module).toEqual({
      type: 'nn.MaxPool2d',
      args: [
        { keyword: 'kernel_size', value: [3, 3] },
        { keyword: 'stride', value: [1, 1], role: 'stride' },
      ],
    })
  })

  it('divides a padded average by the real pixels of each window', () => {
    const f = fragment('AvgPool2D', { poolSize: 3, strides: 1, padding: 2 }, [8, 8, 2])
    expect(f.forward).toBe(
      'self.p(F.pad(x, (2, 2, 2, 2))) / self.p(F.pad(torch.ones_like(x[:, :1]), (2, 2, 2, 2)))',
    )
  })

  it('leaves padded cells out of a native average (count_include_pad=False)', () => {
    const f = fragment('AvgPool2D', { poolSize: 3, strides: 2, padding: 1 }, [8, 8, 2])
    expect(f.forward).toBe('self.p(x)')
    expect(f.module!.args).toContainEqual({ keyword: 'count_include_pad', value: false })
  })
})
