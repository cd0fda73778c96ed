import { spawnSync } from 'node:child_process'
import type * as tfjsModule from '@tensorflow/tfjs'
import type { Tfjs } from '../src/shared/layers/tfjs/types'
import type { GraphDocument } from '../src/shared/graph/document'
import { mulberry32 } from '../src/main/datasets/random'
import { buildModel } from '../src/main/model/build-model'
import { onnxBytes } from '../src/main/export/onnx/build-onnx'
import { verifyOnnx } from '../src/main/export/onnx/verify-onnx'
import type { InputLayout, Verification } from '../src/shared/api/export'

/**
 * Gives every bias, BatchNorm γ/β and moving statistic random values (fresh layers have zeros and
 * ones there, which would hide a swapped or misplaced tensor).
 */
export function perturbWeights(tf: Tfjs, model: tfjsModule.LayersModel, seed: number): void {
  const random = mulberry32(seed)
  for (const w of model.weights) {
    const name = w.originalName
    if (!/bias|gamma|beta|moving_mean|moving_variance/.test(name)) continue
    const n = w.shape.reduce((a, b) => a! * b!, 1)!
    const values = Float32Array.from({ length: n }, () =>
      name.includes('variance') ? 0.5 + random() : name.includes('gamma') ? 0.5 + random() : random() - 0.5,
    )
    w.write(tf.tensor(values, w.shape as number[]))
  }
}

/**
 * Builds the graph in TF.js (seeded weights, perturbed), exports it to ONNX, and runs both on the
 * same random images: the verification report and the ONNX bytes.
 */
export async function exportAndRun(
  tf: Tfjs,
  doc: GraphDocument,
  options: { layout?: InputLayout; samples?: number; seed?: number } = {},
): Promise<{ verification: Verification; bytes: Uint8Array }> {
  const layout = options.layout ?? 'NCHW'
  const built = buildModel(tf, doc, { seed: options.seed ?? 3, purpose: 'export' })
  try {
    perturbWeights(tf, built.model, options.seed ?? 3)
    const { height: h, width: w, channels: c } = built.input
    const n = options.samples ?? 3
    const random = mulberry32(99)
    const images = Float32Array.from({ length: n * h * w * c }, () => random() * 2 - 1)
    const expected = tf.tidy(
      () =>
        (
          built.model.predict(tf.tensor4d(images, [n, h, w, c])) as tfjsModule.Tensor
        ).dataSync() as Float32Array,
    )
    const bytes = onnxBytes(built, {
      projectName: 'test',
      classes: Array.from({ length: built.classes }, (_, i) => String(i)),
      preprocess: { scale: 1 / 255, mean: Array(c).fill(0), std: Array(c).fill(1), layout },
      opset: 17,
      layout,
      provenance: 'test',
    })
    const verification = await verifyOnnx(bytes, { images, shape: [n, h, w, c], data: 'random' }, expected, {
      layout,
      tolerance: 1e-4,
      classes: built.classes,
    })
    return { verification, bytes }
  } finally {
    built.model.dispose()
  }
}

/** Float32 agreement at any logit scale: the difference relative to the largest logit. */
export const relativeDiff = (v: Verification) => v.maxAbsDiff / Math.max(v.maxAbsLogit, 1e-30)

/**
 * The reference ONNX checker: `onnx.checker.check_model(full_check=True)` from Debian's python3-onnx
 * (which belongs to /usr/bin/python3, not to other interpreters on PATH). Where it is missing the
 * checks are skipped, unless CNN_STUDIO_REQUIRE_ONNX_CHECKER=1 (CI) makes that a failure.
 */
const PYTHONS = ['/usr/bin/python3', 'python3']

export function findOnnxChecker(): string | null {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' })
    if (r.status === 0) return python
  }
  if (process.env.CNN_STUDIO_REQUIRE_ONNX_CHECKER === '1')
    throw new Error(
      'python3-onnx is required here (CNN_STUDIO_REQUIRE_ONNX_CHECKER=1): apt-get install python3-onnx',
    )
  return null
}

const SCRIPT = `
import json, sys, onnx
out = {}
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        out[path] = None
    except Exception as e:
        out[path] = str(e)
print(json.dumps(out))
`

/** Each file's checker error, or null when it passes. */
export function checkOnnxFiles(python: string, paths: string[]): Record<string, string | null> {
  const r = spawnSync(python, ['-c', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (r.status !== 0) throw new Error(`The ONNX checker did not run: ${r.stderr}`)
  return JSON.parse(r.stdout) as Record<string, string | null>
}
