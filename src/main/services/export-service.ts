import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { ApiError, type Handlers } from '../../shared/api/contract'
import type { ExportDownload, ExportFormat } from '../../shared/api/export'
import { getTemplate } from '../../shared/templates'
import type { DB } from '../db/connection'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { createProjectsRepo } from '../db/projects-repo'
import { createRunsRepo } from '../db/runs-repo'
import type { Downloads } from '../export/downloads'
import type { ExportInput, ParsedExportRequest } from '../export/export-model'
import { checkExportTarget, ExportTargetError } from '../export/export-target'
import { ExportWorkerError, runExportInWorker } from '../export/run-in-worker'
import { tarFolder } from '../export/tar'
import { spawnWorker } from '../workers/spawn-worker'

export type ExportService = Pick<
  Handlers,
  'export.model' | 'export.download' | 'export.suggestPath' | 'export.choosePath' | 'export.checkTarget'
>

/** The target's check as the contract answers it: `invalid` never writable, `conflict` exists. */
function checkTarget(...args: Parameters<typeof checkExportTarget>) {
  try {
    return checkExportTarget(...args)
  } catch (e) {
    if (e instanceof ExportTargetError)
      throw new ApiError(e.reason === 'exists' ? 'conflict' : 'invalid', e.message)
    throw e
  }
}

/** What `export.choosePath` answers outside the desktop app. */
export const NO_NATIVE_DIALOG =
  'A native file dialog is only available in the desktop app; type the path instead.'

/** A project name as a file name: no separators, reserved or control characters; `model` when nothing is left. */
export function fileNameOf(projectName: string): string {
  const name = projectName
    // eslint-disable-next-line no-control-regex
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f]+/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.-]+|[\s.-]+$/g, '')
    .slice(0, 100)
    .trim()
  return name || 'model'
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * `<name>.onnx` (or the folder `<name>-tfjs`, `<name>-pytorch`) in the Downloads folder when there is one, else in
 * `home`; `<name> (2).onnx`… when taken, so a suggestion never overwrites anything.
 */
export function suggestExportPath(projectName: string, format: ExportFormat, home = homedir()): string {
  const downloads = join(home, 'Downloads')
  const folder = isFolder(downloads) ? downloads : home
  const base = fileNameOf(projectName)
  const nameFor = (n: number) => {
    const suffix = n === 1 ? '' : ` (${n})`
    return format === 'onnx' ? `${base}${suffix}.onnx` : `${base}-${format}${suffix}`
  }
  for (let n = 1; ; n++) {
    const path = join(folder, nameFor(n))
    if (!existsSync(path)) return path
  }
}

/**
 * Exports runs, projects and templates to ONNX, TF.js or PyTorch files, each verified against
 * TF.js before it is written (src/main/export; PyTorch when python with torch is found). Each export runs in its own worker thread (export/worker.ts):
 * building, TF.js and onnxruntime take seconds for big models and must not hold this process's event
 * loop, and the thread's end returns the model's memory.
 */
export function createExportService(
  getDb: () => DB,
  options: {
    dataDir: string
    /** Where `export.download` keeps verified exports until the browser fetches them. */
    downloads: Downloads
    /** The home folder, for tests. */
    home?: string
    /** Starts the export worker thread (tests may count or replace it). */
    spawn?: () => Worker
  },
): ExportService {
  const spawn = options.spawn ?? (() => spawnWorker('export-worker'))

  function inputOf(source: { runId: string } | { projectId: string } | { template: string }): ExportInput {
    if ('template' in source) {
      const t = getTemplate(source.template)
      if (!t)
        throw new ApiError('not-found', `No template named '${source.template}'. See 'cnn-studio templates'.`)
      return { document: t.document, projectName: t.title, trained: null }
    }
    const db = getDb()
    const projects = createProjectsRepo(db)
    const versions = createGraphVersionsRepo(db)
    if ('projectId' in source) {
      const project = projects.get(source.projectId)
      const latest = project && versions.latest(source.projectId)
      if (!project || !latest)
        throw new ApiError('not-found', `No project with id '${source.projectId}': it may have been deleted.`)
      return { document: latest.document, projectName: project.name, trained: null }
    }
    const runs = createRunsRepo(db)
    const run = runs.detail(source.runId)
    if (!run) throw new ApiError('not-found', `No run with id '${source.runId}': it may have been deleted.`)
    const best = runs.bestWeights(run.id)
    const dataset = runs.internals(run.id)?.datasetRef
    if (!best || !dataset)
      throw new ApiError(
        'invalid',
        `Run '${run.id}' has no saved weights: it is ${run.status} and finished no epoch. Train it for at least one epoch, or export the project untrained.`,
      )
    return {
      document: versions.document(run.versionId)!,
      projectName: projects.get(run.projectId)?.name ?? 'model',
      trained: {
        runId: run.id,
        epoch: best.epoch,
        weights: best.weights,
        dataset,
        hyperparameters: run.hyperparameters,
        classes: run.classes,
      },
    }
  }

  async function run(input: ExportInput, request: ParsedExportRequest) {
    try {
      return await runExportInWorker({ input, request, dataDir: options.dataDir }, spawn)
    } catch (e) {
      if (!(e instanceof ExportWorkerError)) throw e
      throw new ApiError(e.failure === 'verification' ? 'internal' : e.failure, e.message)
    }
  }

  return {
    async 'export.model'(request) {
      // Before the worker starts (about a second): a refusal answers at once. The worker checks again.
      checkTarget(request, options.dataDir)
      return run(inputOf(request.source), request)
    },
    async 'export.download'(request): Promise<ExportDownload> {
      const input = inputOf(request.source)
      const { downloads } = options
      const { id, folder } = downloads.reserve()
      const base = fileNameOf(input.projectName)
      const exported = request.format === 'onnx' ? `${base}.onnx` : `${base}-${request.format}`
      const out = join(folder, exported)
      try {
        const report = await run(input, { ...request, path: out, overwrite: false })
        // A folder format travels as one .tar of the folder, built from the verified files on disk.
        let file = out
        if (request.format !== 'onnx') {
          file = `${out}.tar`
          writeFileSync(
            file,
            tarFolder(
              exported,
              report.files.map((f) => ({ name: basename(f), data: readFileSync(f) })),
            ),
          )
          rmSync(out, { recursive: true, force: true })
        }
        const name = basename(file)
        const bytes = statSync(file).size
        const expiresAt = downloads.keep(id, file, name, bytes)
        return {
          // The server's temporary paths mean nothing to the user: the report names the download.
          report: { ...report, out: name, files: report.files.map((f) => basename(f)) },
          id,
          name,
          bytes,
          expiresAt: expiresAt.toISOString(),
        }
      } catch (e) {
        downloads.discard(id)
        throw e
      }
    },
    // The desktop app overrides both with native dialogs (src/main/electron/main.ts).
    'export.suggestPath'({ projectName, format }) {
      return { path: suggestExportPath(projectName, format, options.home), native: false }
    },
    'export.choosePath'() {
      throw new ApiError('unavailable', NO_NATIVE_DIALOG)
    },
    async 'export.checkTarget'({ path, format }) {
      const { out, replaces } = checkTarget({ path, format, overwrite: true }, options.dataDir)
      return { out, replaces }
    },
  }
}
