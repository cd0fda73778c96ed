import type { ProjectSummary } from '../../shared/api/projects'
import type { Services } from '../services'
import { UsageError } from './io'

/** A project by id or exact name; undefined when none matches, an error when a name is ambiguous. */
export async function findProject(services: Services, target: string): Promise<ProjectSummary | undefined> {
  const projects = await services['projects.list']({})
  const byId = projects.find((p) => p.id === target)
  if (byId) return byId
  const byName = projects.filter((p) => p.name === target)
  if (byName.length > 1)
    throw new UsageError(`${byName.length} projects are named '${target}': give the project id instead.`)
  return byName[0]
}
