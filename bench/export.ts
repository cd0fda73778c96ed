/**
 * ONNX export of ResNet-50 (fresh weights, as `cnn-studio export resnet50` does it): the time of
 * each phase (build the TF.js model, emit and serialise, verify in onnxruntime against TF.js,
 * write), the file size against 4 bytes per parameter, and, as the same-run reference, the time to
 * write the same number of raw bytes to the same disk.
 *
 *   npm run bench:export [-- --template NAME]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportRequestSchema } from '../src/shared/api/export'
import { inferGraph } from '../src/shared/graph/infer'
import { getTemplate } from '../src/shared/templates'
import { buildModel } from '../src/main/model/build-model'
import { loadBackend } from '../src/main/tfjs/backends'
import { exportModel } from '../src/main/export/export-model'
import { onnxBytes } from '../src/main/export/onnx/build-onnx'

const args = process.argv.slice(2)
const name = args.includes('--template') ? args[args.indexOf('--template') + 1] : 'resnet50'
const template = getTemplate(name)
if (!template) throw new Error(`No template '${name}'.`)
const { tf, name: backend } = await loadBackend()
const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-bench-export-'))
const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(2)} s`

try {
  const { trainable, nonTrainable } = inferGraph(template.document).totals
  const params = trainable + nonTrainable
  console.log(`${template.title}: ${params.toLocaleString('en')} parameters · TF.js ${backend}`)

  // The phases one by one.
  let t = performance.now()
  const built = buildModel(tf, template.document, { seed: 1, purpose: 'export' })
  console.log(`build TF.js model       ${seconds(t)}`)
  t = performance.now()
  const bytes = onnxBytes(built, {
    projectName: template.title,
    classes: [],
    preprocess: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], layout: 'NCHW' },
    opset: 17,
    layout: 'NCHW',
    provenance: 'bench',
  })
  console.log(`emit + serialise ONNX   ${seconds(t)}`)
  built.model.dispose()

  // The whole export, verification and atomic write included.
  t = performance.now()
  const out = join(dir, `${name}.onnx`)
  const report = await exportModel(
    tf,
    { document: template.document, projectName: template.title, trained: null },
    exportRequestSchema.parse({ source: { template: name }, path: out }),
    dir,
  )
  const whole = performance.now() - t
  console.log(
    `whole export            ${(whole / 1000).toFixed(2)} s (verified on ${report.verification!.samples} images, max |Δ logit| ${report.verification!.maxAbsDiff.toExponential(1)})`,
  )

  // Reference: the same number of bytes written raw.
  t = performance.now()
  writeFileSync(join(dir, 'raw.bin'), new Uint8Array(report.bytes))
  const raw = performance.now() - t
  console.log(
    `reference: raw write    ${(raw / 1000).toFixed(2)} s → export takes ${(whole / raw).toFixed(1)}× a raw write`,
  )

  const size = statSync(out).size
  const weights = 4 * params
  const overhead = size - weights
  console.log(
    `file ${size.toLocaleString('en')} bytes = 4 × parameters (${weights.toLocaleString('en')}) + ${overhead.toLocaleString('en')} bytes of graph ` +
      `(${((100 * overhead) / weights).toFixed(3)}%; in-memory serialisation ${bytes.length.toLocaleString('en')} bytes)`,
  )
  if (Math.abs(overhead) > 0.01 * weights) {
    console.error('FAIL: the file is not within 1% of 4 bytes per parameter.')
    process.exitCode = 1
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
