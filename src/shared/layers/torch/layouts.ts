import { hwioToOihw } from '../onnx/helpers'
import type { TorchLayout } from './types'

/** [rows, cols] → [cols, rows]. */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]
  return out
}

/** PyTorch's OIHW [out, in, kh, kw] back to TF.js's HWIO [kh, kw, in, out]. */
function oihwToHwio(w: Float32Array, [o, i, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length)
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = w[((a * i + b) * kh + y) * kw + x]
  return out
}

function checkSize(w: Float32Array, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1)
  if (w.length !== n)
    throw new Error(`A tensor of shape [${shape.join(', ')}] needs ${n} values, got ${w.length}.`)
}

/**
 * A TF.js weight's values in PyTorch's layout (types.ts's TorchLayout), given PyTorch's shape: a
 * kernel [O, I, kh, kw] is read from TF.js as [kh, kw, I, O] (a depthwise [kh, kw, c, m] is the same
 * memory as [kh, kw, 1, c·m]), a Linear weight [out, in] from TF.js's [in, out].
 */
export function toTorchLayout(
  layout: TorchLayout,
  w: Float32Array,
  torchShape: readonly number[],
): Float32Array {
  checkSize(w, torchShape)
  if (layout === 'kernel') {
    const [o, i, kh, kw] = torchShape
    return hwioToOihw(w, [kh, kw, i, o])
  }
  if (layout === 'transpose') return transpose(w, torchShape[1], torchShape[0])
  return w.slice()
}

/** The inverse of toTorchLayout: PyTorch's values (of `torchShape`) in TF.js's layout. */
export function fromTorchLayout(
  layout: TorchLayout,
  w: Float32Array,
  torchShape: readonly number[],
): Float32Array {
  checkSize(w, torchShape)
  if (layout === 'kernel') return oihwToHwio(w, torchShape)
  if (layout === 'transpose') return transpose(w, torchShape[0], torchShape[1])
  return w.slice()
}
