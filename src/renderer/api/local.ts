import { ApiError, createApi, type Api, type Handlers } from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'
import { summariseTemplate } from '../../shared/api/template-summary'
import { inferGraph } from '../../shared/graph/infer'

// Loaded on first use, so the Electron build fetches the templates from the services instead.
const loadTemplates = () => import('../../shared/templates').then((m) => m.TEMPLATES)

/**
 * What the page can serve by itself when no service answers (no preload, no server): the pure
 * parts of the contract, computed from src/shared. Everything else (training, projects) answers
 * `unavailable` and needs the Electron app or `npx cnn-studio serve`.
 */
const inPage: Partial<Handlers> = {
  'templates.list': async () => (await loadTemplates()).map(summariseTemplate),
  'templates.get': async ({ name }) => {
    const t = (await loadTemplates()).find((x) => x.name === name)
    if (!t) throw new ApiError('not-found', `No template named '${name}'.`)
    return structuredClone(t.document)
  },
  'graph.analyse': ({ document }) => inferGraph(document),
}

export function createInPageApi(handlers: Partial<Handlers> = inPage): Api {
  return createApi(
    (method, request) => dispatch(handlers, method, request),
    () => () => {},
  )
}
