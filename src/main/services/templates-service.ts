import { ApiError, type Handlers } from '../../shared/api/contract'
import { summariseTemplate, type TemplateSource } from '../../shared/api/template-summary'

export type TemplatesService = Pick<Handlers, 'templates.list' | 'templates.get'>

/**
 * The built-in templates. Plain Node, no Electron: the CLI, the Electron window and browser mode
 * all call this through the contract. Summaries are inferred once, on first use.
 */
export function createTemplatesService(templates: readonly TemplateSource[]): TemplatesService {
  let summaries: ReturnType<typeof summariseTemplate>[] | undefined
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
