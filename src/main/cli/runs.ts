import type { Services } from '../services'
import { hyperparametersSchema, type Hyperparameters, type RunSummary } from '../../shared/api/training'
import { findProject, PROJECT_TARGET } from './find-project'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'
import { table } from './table'
import { withServices } from './with-services'

const help = `Usage: cnn-studio runs [PROJECT] [--json] [--data DIR]

Lists every run, newest first (or those of one project: by id, exact name, or the template it was
made from; 'cnn-studio projects' lists them): its id, project, status, dataset, epochs, key
hyperparameters (optimizer, learning rate, batch size and every one that differs from the default)
and accuracy (test, else best validation). A run id works with 'cnn-studio evaluate', 'predict',
'activations' and 'export'.

  --data DIR   the data folder (default: $CNN_STUDIO_DATA, else the user data folder)
  --json       an array of {"id", "projectId", "project", "status", "dataset", "engine", "backend",
               "epochsDone", "hyperparameters", "bestValScore", "testAccuracy", "testLoss", "createdAt"}`

export const command: CliCommand = {
  help,
  options: { json: { type: 'boolean' }, data: { type: 'string' } },
  positionals: [0, 1],
  run: (v, [project], io) => withServices('runs', v.data, io, (s) => runs(s, project, v.json === true, io)),
}

const DEFAULTS = hyperparametersSchema.parse({})

/** `optimizer lr batch`, then every other hyperparameter that is not its default, as `name=value`. */
export function keyHyperparameters(h: Hyperparameters): string {
  const rest = (Object.keys(h) as (keyof Hyperparameters)[])
    .filter((k) => !['optimizer', 'learningRate', 'batchSize', 'epochs'].includes(k))
    .filter((k) => JSON.stringify(h[k]) !== JSON.stringify(DEFAULTS[k]))
    .map((k) => `${k}=${JSON.stringify(h[k])}`)
  return [`${h.optimizer} lr ${h.learningRate} batch ${h.batchSize}`, ...rest].join(' ')
}

const percent = (x: number | null) => (x === null ? '' : `${(100 * x).toFixed(2)}%`)

async function runs(services: Services, target: string | undefined, json: boolean, io: CliIo) {
  const projects = await services['projects.list']({})
  let list: RunSummary[]
  if (target === undefined) list = await services['runs.list']({})
  else {
    const project = await findProject(services, target)
    if (!project)
      throw new UsageError(`No project '${target}' (${PROJECT_TARGET}). See 'cnn-studio projects'.`)
    list = await services['runs.list']({ id: project.id })
  }
  const nameOf = new Map(projects.map((p) => [p.id, p.name]))
  if (json) {
    io.out(
      JSON.stringify(
        list.map((r) => ({
          id: r.id,
          projectId: r.projectId,
          project: nameOf.get(r.projectId) ?? null,
          status: r.status,
          dataset: r.dataset?.name ?? null,
          engine: r.engine.name,
          backend: r.backend,
          epochsDone: r.epochsDone,
          hyperparameters: r.hyperparameters,
          bestValScore: r.bestValScore,
          testAccuracy: r.testAccuracy,
          testLoss: r.testLoss,
          createdAt: r.createdAt,
        })),
      ),
    )
    return EXIT.ok
  }
  if (!list.length) {
    io.out(
      target === undefined
        ? 'No runs yet: cnn-studio train <project | template> --dataset NAME.'
        : `Project '${target}' has no runs.`,
    )
    return EXIT.ok
  }
  const rows = list.map((r) => [
    r.id,
    nameOf.get(r.projectId) ?? r.projectId,
    r.status,
    r.dataset?.name ?? '',
    `${r.epochsDone}/${r.hyperparameters.epochs}`,
    r.testAccuracy !== null
      ? percent(r.testAccuracy)
      : r.bestValScore !== null
        ? `${percent(r.bestValScore)} val`
        : '',
    keyHyperparameters(r.hyperparameters),
  ])
  for (const line of table(
    ['Run', 'Project', 'Status', 'Dataset', 'Epochs', 'Accuracy', 'Hyperparameters'],
    rows,
    [false, false, false, false, true, true, false],
  ))
    io.out(line)
  return EXIT.ok
}
