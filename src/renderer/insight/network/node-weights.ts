import type { NodeWeights } from '../../../shared/api/insight'
import { base64ToFloat32 } from '../../../shared/tensor/base64'
import type { KernelHWIO } from './conv-window'

/** A convolution's kernel (the 4-D tensor, HWIO) and bias (1-D, absent with useBias off). */
export function convWeights(
  w: NodeWeights,
): { kernel: KernelHWIO; bias: Float32Array | null } | { error: string } {
  const k = w.tensors.find((t) => t.shape.length === 4)
  if (!k)
    return {
      error: `${w.nodeId} (${w.kind}) has no 4-D kernel among its weights (${w.tensors.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ') || 'none'}).`,
    }
  const [kh, kw, cin, cout] = k.shape as [number, number, number, number]
  const values = base64ToFloat32(k.values)
  if (values.length !== kh * kw * cin * cout)
    return {
      error: `The kernel [${k.shape.join(', ')}] should hold ${kh * kw * cin * cout} values; it holds ${values.length}.`,
    }
  const b = w.tensors.find((t) => t.shape.length === 1 && t.shape[0] === cout)
  return { kernel: { kh, kw, cin, cout, values }, bias: b ? base64ToFloat32(b.values) : null }
}
