import * as ort from 'onnxruntime-node'
import type { InputLayout, Verification } from '../../../shared/api/export'
import { nhwcToNchw, verificationOf } from '../compare'
import { ONNX_NAMES } from './emit-graph'

export interface VerifyBatch {
  /** NHWC float32 images, preprocessed as the model expects. */
  images: Float32Array
  shape: [number, number, number, number]
  data: Verification['data']
}

/**
 * Runs ONNX model bytes in onnxruntime on `batch` and compares its logits with `expected` (TF.js's
 * on the same images). Fails loudly in the report, never silently: NaN counts as infinitely far.
 */
export async function verifyOnnx(
  bytes: Uint8Array,
  batch: VerifyBatch,
  expected: Float32Array,
  options: { layout: InputLayout; tolerance: number; classes: number },
): Promise<Verification> {
  const session = await ort.InferenceSession.create(bytes)
  try {
    const [n, h, w, c] = batch.shape
    const input =
      options.layout === 'NCHW'
        ? new ort.Tensor('float32', nhwcToNchw(batch.images, batch.shape), [n, c, h, w])
        : new ort.Tensor('float32', batch.images, [n, h, w, c])
    const result = await session.run({ [ONNX_NAMES.input]: input })
    const logits = result[ONNX_NAMES.logits].data as Float32Array
    return verificationOf('onnxruntime', { data: batch.data, samples: n }, logits, expected, options)
  } finally {
    await session.release()
  }
}
