import { inferGraph } from '../graph/infer'
import type { Template } from '../templates'
import { ApiError, type Handlers, type TemplateSummary } from './contract'

export type TemplateHandlers = Pick<Handlers, 'templates.list' | 'templates.get'>

/** The gallery's row for a template: its totals are inferred from the document, never stored. */
export function summariseTemplate(t: Template): TemplateSummary {
  const { trainable, nonTrainable, macs } = inferGraph(t.document).totals
  return { name: t.name, title: t.title, description: t.description, trainable, nonTrainable, macs }
}

/**
 * The `templates.*` methods over a list of templates: the services serve them from the built-in
 * list, the in-page API (no services) from the same list loaded on first use. Summaries are
 * inferred once, on first use.
 */
export function templateHandlers(templates: readonly Template[]): TemplateHandlers {
  let summaries: TemplateSummary[] | undefined
  const byName = new Map(templates.map((t) => [t.name, t]))
  return {
    'templates.list': () => {
      summaries ??= templates.map(summariseTemplate)
      return summaries.map((s) => ({ ...s }))
    },
    'templates.get': ({ name }) => {
      const t = byName.get(name)
      if (!t) {
        const known = templates.map((x) => x.name).join(', ')
        throw new ApiError('not-found', `No template named '${name}'. Known templates: ${known || 'none'}.`)
      }
      // A copy: callers edit what they get, the built-in template stays as shipped.
      return structuredClone(t.document)
    },
  }
}
