import { describe, expect, it } from 'vitest'
import { depthwiseToOnnx, hwioToOihw, onnxPads } from './helpers'

describe('kernel layouts', () => {
  it('HWIO [kh, kw, in, out] becomes OIHW [out, in, kh, kw]', () => {
    // Each value encodes its HWIO index: y·1000 + x·100 + i·10 + o.
    const [kh, kw, ci, co] = [2, 3, 2, 4]
    const hwio = new Float32Array(kh * kw * ci * co)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++)
            hwio[((y * kw + x) * ci + i) * co + o] = y * 1000 + x * 100 + i * 10 + o
    const oihw = hwioToOihw(hwio, [kh, kw, ci, co])
    expect(oihw[0]).toBe(0)
    // [o=3, i=1, y=1, x=2]
    expect(oihw[((3 * ci + 1) * kh + 1) * kw + 2]).toBe(1000 + 200 + 10 + 3)
    expect(oihw[((2 * ci + 0) * kh + 0) * kw + 1]).toBe(100 + 2)
  })

  it('a depthwise kernel [kh, kw, c, m] becomes grouped [c·m, 1, kh, kw], channel c·m + j', () => {
    const [kh, kw, c, m] = [1, 2, 3, 2]
    const tf = Float32Array.from({ length: kh * kw * c * m }, (_, k) => k)
    const onnx = depthwiseToOnnx(tf, [kh, kw, c, m])
    // Output channel 2·2 + 1 = 5 (input channel 2, multiplier 1) at x = 1: TF index (1·3 + 2)·2 + 1.
    expect(onnx[5 * kw + 1]).toBe((1 * c + 2) * m + 1)
  })

  it('refuses a kernel of the wrong size', () => {
    expect(() => hwioToOihw(new Float32Array(5), [1, 1, 2, 3])).toThrow(
      'A 1×1×2×3 kernel needs 6 weights, got 5.',
    )
  })
})

describe('onnxPads', () => {
  it("gives 'same' padding's odd pixel to the bottom and right, as TensorFlow does", () => {
    const win = { kernel: [4, 2] as const, strides: [1, 1] as const, dilation: [1, 1] as const }
    expect(onnxPads({ ...win, padding: 'same' }, [null, 9, 9, 1])).toEqual([1, 0, 2, 1])
    expect(onnxPads({ ...win, padding: 'valid' }, [null, 9, 9, 1])).toEqual([0, 0, 0, 0])
    expect(onnxPads({ ...win, padding: { top: 1, bottom: 2, left: 3, right: 4 } }, [null, 9, 9, 1])).toEqual([
      1, 3, 2, 4,
    ])
  })
})
