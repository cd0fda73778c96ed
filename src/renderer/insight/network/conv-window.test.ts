import { describe, expect, it } from 'vitest'
import type { Padding } from '../../../shared/layers/params'
import { convWindow, type ConvParams, type KernelHWIO } from './conv-window'
import type { Tensor3 } from './tensor3'

// Deterministic values in −1…1, so the sums are not symmetric by accident.
function values(n: number, seed: number): Float32Array {
  let s = seed
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return (s / 2147483648) * 2 - 1
  })
}

/** A direct convolution written independently: zero-pad the input first, then slide. */
function directConv(input: Tensor3, k: KernelHWIO, bias: Float32Array, p: ConvParams) {
  const [sh, sw] = p.strides
  const [dh, dw] = p.dilation
  const ekh = dh * (k.kh - 1) + 1
  const ekw = dw * (k.kw - 1) + 1
  let top = 0
  let bottom = 0
  let left = 0
  let right = 0
  if (p.padding === 'same') {
    const oh = Math.ceil(input.h / sh)
    const ow = Math.ceil(input.w / sw)
    const th = Math.max((oh - 1) * sh + ekh - input.h, 0)
    const tw = Math.max((ow - 1) * sw + ekw - input.w, 0)
    top = Math.floor(th / 2)
    bottom = th - top
    left = Math.floor(tw / 2)
    right = tw - left
  } else if (p.padding !== 'valid') ({ top, bottom, left, right } = p.padding)
  const ph = input.h + top + bottom
  const pw = input.w + left + right
  const padded = (y: number, x: number, c: number) => {
    const iy = y - top
    const ix = x - left
    return iy < 0 || ix < 0 || iy >= input.h || ix >= input.w
      ? 0
      : input.values[(iy * input.w + ix) * input.c + c]!
  }
  const oh = Math.floor((ph - ekh) / sh) + 1
  const ow = Math.floor((pw - ekw) / sw) + 1
  const out: number[][][] = []
  for (let y = 0; y < oh; y++) {
    out.push([])
    for (let x = 0; x < ow; x++) {
      out[y]!.push([])
      for (let co = 0; co < k.cout; co++) {
        let s = bias[co]!
        for (let ky = 0; ky < k.kh; ky++)
          for (let kx = 0; kx < k.kw; kx++)
            for (let ci = 0; ci < k.cin; ci++)
              s +=
                padded(y * sh + ky * dh, x * sw + kx * dw, ci) *
                k.values[((ky * k.kw + kx) * k.cin + ci) * k.cout + co]!
        out[y]![x]!.push(s)
      }
    }
  }
  return out
}

function setUp(h: number, w: number, cin: number, kh: number, kw: number, cout: number) {
  const input: Tensor3 = { h, w, c: cin, values: values(h * w * cin, 7) }
  const kernel: KernelHWIO = { kh, kw, cin, cout, values: values(kh * kw * cin * cout, 11) }
  const bias = values(cout, 13)
  return { input, kernel, bias }
}

const params = (over: Partial<ConvParams>): ConvParams => ({
  kernelSize: [3, 3],
  strides: [1, 1],
  dilation: [1, 1],
  padding: 'valid',
  activation: 'linear',
  ...over,
})

const cases: [string, Partial<ConvParams>, [number, number]][] = [
  ['valid', {}, [3, 3]],
  ["'same'", { padding: 'same' }, [3, 3]],
  [
    "'same' with an even kernel (odd pixel at the bottom and right)",
    { padding: 'same', kernelSize: [2, 4] },
    [2, 4],
  ],
  ['strided', { strides: [2, 3] }, [3, 3]],
  ["strided 'same'", { strides: [2, 2], padding: 'same' }, [3, 3]],
  ['dilated', { dilation: [2, 2] }, [3, 3]],
  ["dilated 'same'", { dilation: [2, 1], padding: 'same' }, [3, 3]],
  ['explicit padding', { padding: { top: 2, bottom: 0, left: 1, right: 3 } as Padding }, [3, 3]],
]

describe('the convolution window', () => {
  for (const [name, over, [kh, kw]] of cases)
    it(`sums to a direct convolution at every output pixel and channel: ${name}`, () => {
      const p = params({ kernelSize: [kh, kw], ...over })
      const { input, kernel, bias } = setUp(7, 8, 3, kh, kw, 2)
      const direct = directConv(input, kernel, bias, p)
      expect(direct.length).toBeGreaterThan(0)
      for (let y = 0; y < direct.length; y++)
        for (let x = 0; x < direct[0]!.length; x++)
          for (let c = 0; c < 2; c++) {
            const r = convWindow(input, kernel, bias, p, { y, x, c })
            if (!r.ok) throw new Error(r.error)
            expect(r.value.z).toBeCloseTo(direct[y]![x]![c]!, 10)
            const products = r.value.products.flat().reduce((a, b) => a + b, 0)
            expect(r.value.sum).toBeCloseTo(products, 10)
            expect(r.value.z).toBeCloseTo(r.value.sum + r.value.bias, 12)
          }
      // One past the last output pixel is refused.
      const beyond = convWindow(input, kernel, bias, p, { y: direct.length, x: 0, c: 0 })
      expect(beyond).toMatchObject({
        ok: false,
        error: expect.stringMatching(/outside the \d+×\d+ feature map/),
      })
    })

  it("marks padding cells: 'same' 3×3 at the corner has five", () => {
    const { input, kernel, bias } = setUp(4, 4, 1, 3, 3, 1)
    const r = convWindow(input, kernel, bias, params({ padding: 'same' }), { y: 0, x: 0, c: 0 })
    if (!r.ok) throw new Error(r.error)
    expect(r.value.cells.filter((c) => c.padded).length).toBe(5)
    expect(r.value.pads).toEqual({ top: 1, left: 1 })
    r.value.cells.forEach((c, i) => c.padded && expect(r.value.products[i]).toEqual([0]))
  })

  it('applies the activation to z: relu, and softmax over the channels of the pixel', () => {
    const { input, kernel, bias } = setUp(5, 5, 2, 3, 3, 3)
    const relu = convWindow(input, kernel, bias, params({ activation: 'relu' }), { y: 1, x: 1, c: 0 })
    if (!relu.ok) throw new Error(relu.error)
    expect(relu.value.activated).toBe(Math.max(0, relu.value.z))
    const zs = [0, 1, 2].map((c) => {
      const r = convWindow(input, kernel, bias, params({}), { y: 1, x: 1, c })
      return r.ok ? r.value.z : NaN
    })
    const soft = convWindow(input, kernel, bias, params({ activation: 'softmax' }), { y: 1, x: 1, c: 2 })
    if (!soft.ok) throw new Error(soft.error)
    expect(soft.value.activated).toBeCloseTo(Math.exp(zs[2]!) / zs.reduce((a, z) => a + Math.exp(z), 0), 10)
  })

  it('says what is wrong with a kernel of another graph version or a bad channel', () => {
    const { input, kernel, bias } = setUp(5, 5, 2, 3, 3, 3)
    expect(
      convWindow(input, kernel, bias, params({ kernelSize: [5, 5] }), { y: 0, x: 0, c: 0 }),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining("kernel is 3×3 but the layer's kernelSize is 5×5"),
    })
    expect(
      convWindow({ ...input, c: 4, values: new Float32Array(100) }, kernel, bias, params({}), {
        y: 0,
        x: 0,
        c: 0,
      }),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('2 input channels but the input map has 4'),
    })
    expect(convWindow(input, kernel, bias, params({}), { y: 0, x: 0, c: 3 })).toMatchObject({
      ok: false,
      error: 'Output channel 3 does not exist: the layer has 3 (0…2).',
    })
  })
})
