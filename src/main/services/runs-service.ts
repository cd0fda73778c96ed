import { ApiError, type Handlers } from '../../shared/api/contract'
import { requireRun, type RunRepos } from './run-repos'

export type RunsService = Pick<Handlers, 'runs.list' | 'runs.get' | 'runs.delete'>

/**
 * The stored runs: a project's list, one run with its metrics and checkpoints, and deleting one
 * (not while this process trains it).
 */
export function createRunsService(
  repos: () => RunRepos,
  runningHere: (runId: string) => boolean,
): RunsService {
  return {
    'runs.list'({ id }) {
      return repos().runs.list(id)
    },
    'runs.get'({ runId }) {
      requireRun(repos().runs, runId)
      return repos().runs.detail(runId)!
    },
    'runs.delete'({ runId }) {
      const run = requireRun(repos().runs, runId)
      if (runningHere(runId))
        throw new ApiError('conflict', `Run '${runId}' is ${run.status}: stop it before deleting it.`)
      repos().runs.delete(runId)
      return { id: runId }
    },
  }
}
