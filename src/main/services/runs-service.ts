import { ApiError, type Handlers } from '../../shared/api/contract'
import { sweepRunFolders } from './run-files'
import { requireRun, type RunRepos } from './run-repos'

export type RunsService = Pick<Handlers, 'runs.list' | 'runs.get' | 'runs.delete' | 'runs.graph'>

/**
 * The stored runs: a project's list, one run with its metrics and checkpoints, and deleting one
 * (not while this process trains it). `refresh` brings stored statuses up to date before listing
 * (a run whose trainer died meanwhile shows as interrupted).
 */
export function createRunsService(
  repos: () => RunRepos,
  runningHere: (runId: string) => boolean,
  refresh: () => void = () => {},
  /** Where the runs' own files are (a PyTorch run's folder), removed with them. */
  dataDir?: string,
): RunsService {
  return {
    'runs.list'({ id }) {
      refresh()
      return repos().runs.list(id)
    },
    'runs.get'({ runId }) {
      requireRun(repos().runs, runId)
      return repos().runs.detail(runId)!
    },
    'runs.graph'({ runId }) {
      const { versions, projects } = repos()
      const run = requireRun(repos().runs, runId)
      return {
        projectId: run.projectId,
        projectName: projects.get(run.projectId)?.name ?? run.projectId,
        versionId: run.versionId,
        document: versions.document(run.versionId)!,
      }
    },
    'runs.delete'({ runId }) {
      const run = requireRun(repos().runs, runId)
      if (runningHere(runId))
        throw new ApiError('conflict', `Run '${runId}' is ${run.status}: stop it before deleting it.`)
      repos().runs.delete(runId)
      if (dataDir) sweepRunFolders(dataDir, repos().db)
      return { id: runId }
    },
  }
}
