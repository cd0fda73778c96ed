import { templateHandlers, type TemplateHandlers } from '../../shared/api/templates'
import type { Template } from '../../shared/templates'

export type TemplatesService = TemplateHandlers

/**
 * The built-in templates. Plain Node, no Electron: the CLI, the Electron window and browser mode
 * all call this through the contract; the implementation is shared with the in-page API.
 */
export function createTemplatesService(templates: readonly Template[]): TemplatesService {
  return templateHandlers(templates)
}
