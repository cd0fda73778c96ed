import { ApiError } from '../../shared/api/contract'
import {
  ENGINE_NAMES,
  EXPORT_FORMATS,
  exportRequestSchema,
  ONNX_OPSET,
  ONNX_OPSETS,
  reportLine,
  type ExportReport,
  type ExportSource,
} from '../../shared/api/export'
import { formatIssues } from '../../shared/graph/document'
import { getTemplate } from '../../shared/templates'
import { resolveDataDir } from '../data-dir'
import { DatabaseOpenError } from '../db/connection'
import { openDataDatabase } from '../db/open'
import { createServices, type Services } from '../services'
import { findRun } from './find-run'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'

const help = `Usage: cnn-studio export <project | run id | template> --out PATH [options]

Exports a trained model. A run id exports that run's best checkpoint; a project (id or exact name)
exports its newest run that saved weights (finished runs first), or its latest version untrained
when it has none; a template exports freshly initialised weights. Every export is run in
onnxruntime (ONNX), reloaded in TF.js (TF.js) or run in PyTorch (PyTorch) next to TF.js on the
run's test images (random ones when untrained) and written only when their logits agree within
the tolerance. A PyTorch folder is written unverified, and says so, when no python with torch is
found ($CNN_STUDIO_PYTHON, else python3).

  --out PATH          the .onnx file to write; for --format tfjs, the folder for model.json + weights.bin;
                      for --format pytorch, the folder for model.py, weights.safetensors,
                      safetensors_io.py, train.py, config.json and README.md
  --format NAME       ${EXPORT_FORMATS.join(', ')} (default onnx)
  --nhwc              ONNX input in NHWC (height, width, channels) instead of NCHW
  --opset N           ONNX opset ${ONNX_OPSETS.min}–${ONNX_OPSETS.max} (default ${ONNX_OPSET})
  --tolerance X       largest |difference| allowed in the logits, relative beyond logits of 1
                      (default 1e-4)
  --seed N            initial weights when exporting untrained (default 1)
  --force             replace an existing file (for tfjs and pytorch: the format's files in the
                      folder); without it an existing target is refused. The data folder's own files
                      (cnn-studio.db, its -wal and -shm, datasets/, skipped-files/, runs/) never are
                      written
  --data DIR          the data folder (default: $CNN_STUDIO_DATA, else the user data folder)
  --json              one line {"out","bytes","opset","verified","maxAbsDiff","top1Agreement",
                      "notVerified","inputs","outputs"}; verified false (maxAbsDiff and top1Agreement
                      null, notVerified the reason) for a PyTorch folder written without torch

Exit status: 0 exported (a PyTorch folder also when it could not be verified: the output says so);
1 the graph, run or path cannot be exported (an existing target without --force included), or the
export disagreed with TF.js or PyTorch could not run it (nothing is written then); 2 bad usage or
an unknown project, run or template.`

export const command: CliCommand = {
  help,
  options: {
    out: { type: 'string' },
    format: { type: 'string' },
    nhwc: { type: 'boolean' },
    opset: { type: 'string' },
    tolerance: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run: (v, [target], io) => exportCommand(v, target, io),
}

/** A run id, else a project's newest run with weights (or the project untrained), else a template. */
async function resolveSource(
  services: Services,
  target: string,
): Promise<{ source: ExportSource; note: string | null }> {
  const found = await findRun(services, target)
  if (found?.run)
    return { source: { runId: found.run.id }, note: found.note && `Exporting r${found.note.slice(1)}` }
  if (found) return { source: { projectId: found.project!.id }, note: found.note }
  if (getTemplate(target)) return { source: { template: target }, note: null }
  throw new UsageError(
    `'${target}' is neither a run id, a project (id or name) nor a template. See 'cnn-studio templates'.`,
  )
}

const fmt = (n: number) => (n === 0 ? '0' : n.toExponential(1))

export function describeReport(r: ExportReport): string[] {
  const v = r.verification
  const input = r.inputs[0]
  return [
    `Exported ${r.projectName} (${r.weights.trained ? `run ${r.weights.runId}, best epoch ${r.weights.epoch}` : 'untrained'}) to ${r.out}: ` +
      `${r.bytes.toLocaleString('en')} bytes${r.files.length > 1 ? ` in ${r.files.length} files` : ''}${r.opset ? `, opset ${r.opset}` : ''}, input ${input.name} [${input.shape.join(', ')}], ` +
      `outputs ${r.outputs.map((o) => o.name).join(', ')}.`,
    v
      ? `Verified with ${ENGINE_NAMES[v.engine]} on ${v.samples} ${v.data === 'dataset' ? 'test images' : 'random inputs'}: ` +
        `max |Δ logit| ${fmt(v.maxAbsDiff)} (logits up to ${v.maxAbsLogit.toPrecision(3)}, tolerance ${v.tolerance}), ` +
        `top-1 agreement ${(100 * v.top1Agreement).toFixed(1)}%.`
      : `NOT verified: ${r.notVerified}`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ]
}

async function exportCommand(v: Record<string, unknown>, target: string, io: CliIo): Promise<number> {
  if (typeof v.out !== 'string') throw new UsageError('--out is required: the file (or folder) to write.')
  const dataDir = resolveDataDir({ flag: v.data as string | undefined })
  let db
  try {
    db = openDataDatabase(dataDir)
  } catch (e) {
    if (e instanceof DatabaseOpenError) throw new UsageError(e.message)
    throw e
  }
  const services = createServices({ dataDir, db })
  try {
    const { source, note } = await resolveSource(services, target)
    const num = (x: unknown) => (x === undefined ? undefined : Number(x))
    const request = exportRequestSchema.safeParse({
      source,
      path: v.out,
      format: v.format,
      layout: v.nhwc === true ? 'NHWC' : undefined,
      opset: num(v.opset),
      tolerance: num(v.tolerance),
      seed: num(v.seed),
      overwrite: v.force === true,
    })
    if (!request.success) throw new UsageError(formatIssues(request.error))
    if (note && v.json !== true) io.err(note)
    const report = await services['export.model'](request.data)
    if (v.json === true) io.out(JSON.stringify(reportLine(report)))
    else for (const line of describeReport(report)) io.out(line)
    // Said on stderr too, where a script that keeps only stdout's JSON still shows it to a person.
    if (report.notVerified && v.json === true)
      io.err(`cnn-studio export: not verified: ${report.notVerified}`)
    return EXIT.ok
  } catch (e) {
    if (e instanceof ApiError) {
      io.err(`cnn-studio export: ${e.message}`)
      return e.code === 'invalid' || e.code === 'conflict' || e.code === 'internal'
        ? EXIT.graphErrors
        : EXIT.usage
    }
    throw e
  } finally {
    await services.close()
    db.close()
  }
}
