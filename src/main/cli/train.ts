import { z } from 'zod'
import { ApiError } from '../../shared/api/contract'
import {
  BACKEND_NAMES,
  BUILTIN_DATASETS,
  ENGINE_NAMES,
  TORCH_DEVICES,
  type DatasetRef,
  type EngineChoice,
  type RunSummary,
} from '../../shared/api/training'
import { isBuiltinDataset } from '../../shared/training/dataset-id'
import { findTemplate, projectNameOf } from '../../shared/templates'
import { resolveDataDir } from '../data-dir'
import { DatabaseOpenError } from '../db/connection'
import { openDataDatabase } from '../db/open'
import { installLastResort } from '../last-resort'
import { createServices, type Services } from '../services'
import { findProject, PROJECT_TARGET } from './find-project'
import { HYPERPARAMETER_OPTIONS, hyperparameterHelp, readHyperparameterFlags } from './hyperparameter-flags'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'
import { progressLine } from './progress'
import { folderOf, skippedLines, skippedReport } from './skipped-notice'

const help = `Usage: cnn-studio train <project | template> --dataset NAME [options]
       cnn-studio train --resume <run id> [--backend NAME | --device D --processes N] [--data DIR] [--json]

Trains a project (its latest saved version) in a worker thread (TF.js) or a python process (PyTorch),
writing the run, its metrics and a checkpoint per epoch to the project database. Ctrl+C stops after
the current batch; the run can be resumed later with --resume, as can a run whose process was killed.

The project is found by its id, its exact name, or the template it was made from: 'lenet5-mnist'
names the project called 'LeNet-5 (MNIST)', the template's title, as the app names it. When there is
none yet, a template (by name or title) is first saved as a new project of that title, reused next time.
Projects are listed by 'cnn-studio projects', templates by 'cnn-studio templates'.

  --dataset NAME        ${BUILTIN_DATASETS.join(', ')}, or a folder of class sub-folders of images
  --backend NAME        ${BACKEND_NAMES.join(', ')} (default: the fastest that loads; TF.js only)
  --engine NAME         ${ENGINE_NAMES.join(' or ')} (default tfjs): pytorch trains in python3 with torch >= 1.13
                        (found as 'cnn-studio doctor' shows; $CNN_STUDIO_PYTHON names the python)
  --device D            PyTorch only: ${TORCH_DEVICES.join(', ')} (default auto: CUDA, else MPS, else CPU)
  --processes N         PyTorch only: N processes of one run (torch.distributed.run: gloo on the CPU,
                        nccl on CUDA with one GPU each; default 1)
  --resume              continue the stopped, interrupted or resumable failed run <run id> from its
                        last checkpoint, on the engine it trained on: a TF.js run on its backend or the one
                        --backend names (a run whose GPU was lost goes on anywhere: --backend wasm), a
                        PyTorch run with its device and processes or those --device and --processes give
  --data DIR            the data folder (default: $CNN_STUDIO_DATA, else the user data folder)
  --json                one JSON object per epoch, then a last line
                        {"runId","status","testAccuracy","testLoss","samplesPerSecond","engine","backend",
                         "epochs","skipped"}: skipped is null for built-in datasets, else {"count","list","first"}

Hyperparameters (those of the training panel; each optional, with the default shown):
${hyperparameterHelp()}

Files of an image folder that cannot be read (corrupt, empty, not PNG/JPEG) are skipped: the count
and the first few are printed when training starts, and the whole list is written to
DIR/skipped-files/<folder>-<hash>.tsv (one "path<TAB>reason" per line).

A run's id, status, hyperparameters and accuracy are listed by 'cnn-studio runs [project]'.
Exit status: 0 finished, 1 the graph, dataset or backend cannot be used or the run failed, 2 bad usage.`

const number = (name: string, v: unknown) => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${String(v)}'.`)
  return n
}

export const command: CliCommand = {
  help,
  options: {
    dataset: { type: 'string' },
    ...HYPERPARAMETER_OPTIONS,
    backend: { type: 'string' },
    engine: { type: 'string' },
    device: { type: 'string' },
    processes: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
    resume: { type: 'boolean' },
  },
  positionals: 1,
  run: (v, [target], io) => train(v, target, io),
}

function datasetRef(name: string | undefined): DatasetRef {
  if (!name)
    throw new UsageError(`--dataset is required: ${BUILTIN_DATASETS.join(', ')}, or a folder of images.`)
  return isBuiltinDataset(name) ? { builtin: name } : { folder: name }
}

/**
 * The engine asked for: `--engine`, with `--device` and `--processes` for PyTorch (on a resume,
 * over the run's stored options: `stored`). Undefined when nothing was asked.
 */
function engineOf(v: Record<string, unknown>, stored?: EngineChoice): EngineChoice | undefined {
  const name = v.engine ?? (stored?.name === 'pytorch' && (v.device || v.processes) ? 'pytorch' : undefined)
  if (name === undefined) {
    if (v.device !== undefined || v.processes !== undefined)
      throw new UsageError('--device and --processes choose how PyTorch trains: add --engine pytorch.')
    return undefined
  }
  if (!ENGINE_NAMES.includes(name as never))
    throw new UsageError(`--engine must be one of ${ENGINE_NAMES.join(', ')}, got '${String(name)}'.`)
  if (name === 'tfjs') {
    if (v.device !== undefined || v.processes !== undefined)
      throw new UsageError('--device and --processes are PyTorch options; TF.js chooses a --backend instead.')
    return { name: 'tfjs' }
  }
  const base = stored?.name === 'pytorch' ? stored : { processes: 1, device: 'auto' as const }
  if (v.device !== undefined && !TORCH_DEVICES.includes(v.device as never))
    throw new UsageError(`--device must be one of ${TORCH_DEVICES.join(', ')}, got '${String(v.device)}'.`)
  const processes = number('processes', v.processes)
  if (processes !== undefined && (!Number.isInteger(processes) || processes < 1 || processes > 64))
    throw new UsageError(`--processes must be a whole number from 1 to 64, got '${String(v.processes)}'.`)
  return {
    name: 'pytorch',
    processes: processes ?? base.processes,
    device: (v.device as (typeof TORCH_DEVICES)[number] | undefined) ?? base.device,
  }
}

async function train(v: Record<string, unknown>, target: string, io: CliIo): Promise<number> {
  const dataDir = resolveDataDir({ flag: v.data as string | undefined })
  let db
  try {
    db = openDataDatabase(dataDir)
  } catch (e) {
    if (e instanceof DatabaseOpenError) throw new UsageError(e.message)
    throw e
  }
  const json = v.json === true
  const tty = !json && process.stderr.isTTY === true
  let lastLine = ''
  // An image folder's skipped files are listed once the run reports progress (it loaded the folder).
  let folder: string | null = null
  let loaded = false
  const services = createServices({
    dataDir,
    db,
    emit: (event, payload) => {
      if (!loaded && (event === 'training.batch' || event === 'training.epoch')) {
        loaded = true
        if (folder && !json)
          for (const line of skippedLines(skippedReport(dataDir, folder), folder)) io.err(line)
      }
      if (event === 'training.batch' && tty) {
        lastLine = progressLine(payload as never)
        process.stderr.write(`\r${lastLine}`)
      } else if (event === 'training.epoch') {
        const m = payload as {
          epoch: number
          trainLoss: number
          trainAccuracy: number
          valLoss?: number
          valAccuracy?: number
        }
        if (tty && lastLine) process.stderr.write('\r\x1b[2K')
        if (json) io.out(JSON.stringify(payload))
        else
          io.out(
            `epoch ${m.epoch}: loss ${m.trainLoss.toFixed(4)} accuracy ${(100 * m.trainAccuracy).toFixed(2)}%` +
              (m.valLoss !== undefined
                ? ` · validation loss ${m.valLoss.toFixed(4)} accuracy ${(100 * m.valAccuracy!).toFixed(2)}%`
                : ''),
          )
      }
    },
  })
  let run: RunSummary
  let stopping = false
  const onSignal = () => {
    if (stopping) process.exit(130)
    stopping = true
    io.err('\nStopping after this batch (Ctrl+C again to quit at once)…')
    void Promise.resolve(services['training.stop']({ runId: run.id })).catch(() => {})
  }
  // A fault nothing handled is logged; the run's own faults end it as failed (run-supervisor.ts).
  const removeLastResort = installLastResort({ log: io.err })
  try {
    const backend = z.enum(BACKEND_NAMES).optional().safeParse(v.backend)
    if (!backend.success) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}.`)
    if (v.resume === true) {
      const stored = await Promise.resolve(services['runs.get']({ runId: target })).catch(() => undefined)
      run = await services['training.resume']({
        runId: target,
        backend: backend.data,
        engine: engineOf(v, stored?.engine),
      })
      folder = folderOf(run.dataset?.id)
    } else {
      const hyperparameters = readHyperparameterFlags(v)
      const projectId = await resolveProject(services, target)
      const dataset = datasetRef(v.dataset as string | undefined)
      folder = folderOf(dataset)
      run = await services['training.start']({
        projectId,
        dataset,
        hyperparameters,
        engine: engineOf(v),
        backend: backend.data,
      })
    }
    if (!json) io.err(`Run ${run.id} (${v.resume ? 'resumed' : 'started'}); data folder ${dataDir}`)
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    const final = await services.settled(run.id)
    if (tty && lastLine) process.stderr.write('\r\x1b[2K')
    const detail = await services['runs.get']({ runId: run.id })
    const speeds = detail.epochs.map((e) => e.samplesPerSecond)
    const summary = {
      runId: final.id,
      status: final.status,
      testAccuracy: final.testAccuracy,
      testLoss: final.testLoss,
      samplesPerSecond: speeds.length ? speeds.reduce((a, b) => a + b) / speeds.length : null,
      engine: final.engine.name,
      backend: final.backend,
      device: final.device,
      epochs: final.epochsDone,
      message: final.message,
      skipped: folder && loaded ? skippedReport(dataDir, folder) : null,
    }
    if (json) io.out(JSON.stringify(summary))
    else {
      io.out(
        // A run that failed before its worker reported a backend (its dataset would not load) has none.
        (final.backend
          ? `${final.status}: ${final.epochsDone} epochs on ${final.backend} (${final.device})`
          : `${final.status} before training started`) +
          (final.testAccuracy !== null
            ? `, test accuracy ${(100 * final.testAccuracy).toFixed(2)}%, test loss ${final.testLoss!.toFixed(4)}`
            : ''),
      )
      if (final.message) io.out(final.message)
    }
    return final.status === 'finished' || final.status === 'stopped' ? EXIT.ok : EXIT.graphErrors
  } catch (e) {
    if (e instanceof ApiError) {
      io.err(`cnn-studio train: ${e.message}`)
      return e.code === 'invalid' || e.code === 'conflict' || e.code === 'unavailable'
        ? EXIT.graphErrors
        : EXIT.usage
    }
    throw e
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await services.close()
    db.close()
    removeLastResort()
  }
}

/**
 * A project (findProject: id, name, or the template it was made from), else a template (by name or
 * title) saved as a new project named as the app names it (projectNameOf).
 */
async function resolveProject(services: Services, target: string): Promise<string> {
  const found = await findProject(services, target)
  if (found) return found.id
  const template = findTemplate(target)
  if (!template)
    throw new UsageError(
      `'${target}' is neither a project (${PROJECT_TARGET}) nor a template (name or title). See 'cnn-studio projects' and 'cnn-studio templates'.`,
    )
  const created = await services['projects.create']({
    name: projectNameOf(template),
    template: template.name,
  })
  return created.project.id
}
