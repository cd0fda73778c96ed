import { ApiError } from '../../shared/api/contract'
import type { RunSummary } from '../../shared/api/training'
import type { DB } from '../db/connection'
import { createDatasetsRepo } from '../db/datasets-repo'
import { createGraphVersionsRepo } from '../db/graph-versions-repo'
import { createProjectsRepo } from '../db/projects-repo'
import { createRunsRepo, type RunOwner, type RunsRepo } from '../db/runs-repo'

/** The repositories the training and runs services use, over one database handle. */
export interface RunRepos {
  db: DB
  runs: RunsRepo
  datasets: ReturnType<typeof createDatasetsRepo>
  versions: ReturnType<typeof createGraphVersionsRepo>
  projects: ReturnType<typeof createProjectsRepo>
}

/**
 * The repositories over the current database handle, made again when the handle changes (the
 * database is opened lazily and may be reopened); `opened` runs once for each new handle. Runs are
 * written as `owner`'s.
 */
export function runReposOver(
  getDb: () => DB,
  owner: RunOwner,
  opened: (repos: RunRepos) => void,
): () => RunRepos {
  let repos: RunRepos | undefined
  return () => {
    const db = getDb()
    if (repos?.db !== db) {
      repos = {
        db,
        runs: createRunsRepo(db, owner),
        datasets: createDatasetsRepo(db),
        versions: createGraphVersionsRepo(db),
        projects: createProjectsRepo(db),
      }
      opened(repos)
    }
    return repos
  }
}

/** The run, or `not-found`. */
export function requireRun(runs: RunsRepo, id: string): RunSummary {
  const r = runs.get(id)
  if (!r) throw new ApiError('not-found', `No run with id '${id}': it may have been deleted.`)
  return r
}
