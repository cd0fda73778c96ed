import { ApiError, createApi, type Api, type Handlers } from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'
import { templateHandlers } from '../../shared/api/templates'
import { inferGraph } from '../../shared/graph/infer'

// Loaded on first use, so the Electron build fetches the templates from the services instead.
const loadTemplates = () => import('../../shared/templates').then((m) => m.TEMPLATES)

/** What the in-page services say to training and dataset calls: there is no process to train in. */
export const TRAINING_UNAVAILABLE =
  'Training needs the desktop app or `npx cnn-studio serve`: this page alone cannot load datasets or run training.'

const unavailable = (): never => {
  throw new ApiError('unavailable', TRAINING_UNAVAILABLE)
}

/** Every training, runs and datasets method, each answering `unavailable` with the reason. */
const noTraining = {
  'training.start': unavailable,
  'training.pause': unavailable,
  'training.resume': unavailable,
  'training.stop': unavailable,
  'training.backends': unavailable,
  'training.engines': unavailable,
  'runs.list': unavailable,
  'runs.get': unavailable,
  'runs.delete': unavailable,
  'runs.graph': unavailable,
  'runs.evaluate': unavailable,
  'runs.samples': unavailable,
  'insight.activations': unavailable,
  'insight.featureMap': unavailable,
  'insight.weights': unavailable,
  'insight.attribution': unavailable,
  'insight.predict': unavailable,
  'datasets.list': unavailable,
  'datasets.preview': unavailable,
  'datasets.download': unavailable,
} satisfies Partial<Handlers>

/**
 * What the page can serve by itself when no service answers (no preload, no server): the pure
 * parts of the contract, computed from src/shared. Everything else (training, projects) answers
 * `unavailable` and needs the Electron app or `npx cnn-studio serve`.
 */
const inPage: Partial<Handlers> = {
  'templates.list': async (request) => templateHandlers(await loadTemplates())['templates.list'](request),
  'templates.get': async (request) => templateHandlers(await loadTemplates())['templates.get'](request),
  'graph.analyse': ({ document }) => inferGraph(document),
  ...noTraining,
}

export function createInPageApi(handlers: Partial<Handlers> = inPage): Api {
  return createApi(
    (method, request) => dispatch(handlers, method, request),
    () => () => {},
  )
}
