import { ApiError } from '../../shared/api/contract'
import type { RunSummary } from '../../shared/api/training'
import type { Services } from '../services'
import { findProject } from './find-project'
import { UsageError } from './io'

/**
 * A run by id, else a project's (id or exact name) newest run that saved weights, finished runs
 * first: what `export`, `evaluate`, `predict` and `activations` take. `note` says which run a
 * project stood for. Undefined when `target` is neither.
 */
export async function findRun(
  services: Services,
  target: string,
): Promise<
  { run: RunSummary | null; project: { id: string; name: string } | null; note: string | null } | undefined
> {
  try {
    return { run: await services['runs.get']({ runId: target }), project: null, note: null }
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 'not-found')) throw e
  }
  const project = await findProject(services, target)
  if (!project) return undefined
  const runs = (await services['runs.list']({ id: project.id })).filter((r) => r.epochsDone > 0)
  const run = runs.find((r) => r.status === 'finished') ?? runs[0] ?? null
  if (!run) return { run: null, project, note: `Project '${project.name}' has no trained run.` }
  const [latest] = await services['projects.versions']({ id: project.id })
  const stale = run.versionId !== latest?.id
  return {
    run,
    project,
    note:
      `Run ${run.id} (${run.status}, ${run.epochsDone} epochs) of project '${project.name}'.` +
      (stale ? ' The project changed after this run: this is the graph the run trained.' : ''),
  }
}

/** A trained run for the commands that need one: refuses with what to do instead. */
export async function requireTrainedRun(
  services: Services,
  target: string,
): Promise<{ run: RunSummary; note: string | null }> {
  const found = await findRun(services, target)
  if (!found)
    throw new UsageError(`'${target}' is neither a run id nor a project (id or name). See 'cnn-studio runs'.`)
  if (!found.run)
    throw new UsageError(
      `${found.note} Train it first: cnn-studio train '${found.project!.name}' --dataset NAME.`,
    )
  return { run: found.run, note: found.note }
}
