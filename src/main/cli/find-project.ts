import type { ProjectSummary } from '../../shared/api/projects'
import { findTemplate, projectNameOf } from '../../shared/templates'
import type { Services } from '../services'
import { UsageError } from './io'

/** How commands that take a project say what they accept, in help and errors. */
export const PROJECT_TARGET = 'id, exact name, or the name of the template it was made from'

/**
 * A project by id, by exact name, else by the template it was made from (`lenet5-mnist` finds the
 * project named `LeNet-5 (MNIST)`, as projects made from a template are named: projectNameOf).
 * Undefined when none matches, an error when a name is ambiguous.
 */
export async function findProject(services: Services, target: string): Promise<ProjectSummary | undefined> {
  const projects = await services['projects.list']({})
  const byId = projects.find((p) => p.id === target)
  if (byId) return byId
  const named = (name: string) => projects.filter((p) => p.name === name)
  let byName = named(target)
  const template = findTemplate(target)
  if (!byName.length && template) byName = named(projectNameOf(template))
  if (byName.length > 1)
    throw new UsageError(
      `${byName.length} projects are named '${byName[0].name}': give the project id instead (see 'cnn-studio projects').`,
    )
  return byName[0]
}
