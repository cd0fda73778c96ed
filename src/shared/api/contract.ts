import { z } from 'zod'
import { documentSchema, type GraphDocument } from '../graph/document'
import type { GraphAnalysis } from '../graph/infer'
import {
  projectIdSchema,
  projectNameSchema,
  viewStateSchema,
  type OpenedProject,
  type ProjectFile,
  type ProjectSummary,
  type SaveResult,
  type VersionSummary,
} from './projects'
import {
  datasetRefSchema,
  resumeRequestSchema,
  runIdSchema,
  trainRequestSchema,
  BUILTIN_DATASETS,
  type BackendReport,
  type BatchProgress,
  type DatasetInfo,
  type DatasetPreview,
  type EnginesReport,
  type EpochMetrics,
  type RunDetail,
  type RunStatus,
  type RunSummary,
} from './training'
import {
  exportCheckTargetSchema,
  exportDownloadSchema,
  exportChoosePathSchema,
  exportRequestSchema,
  exportSuggestPathSchema,
  type ChosenPath,
  type ExportDownload,
  type ExportReport,
  type SuggestedPath,
  type TargetCheck,
} from './export'
import {
  activationsRequestSchema,
  attributionRequestSchema,
  evaluateRequestSchema,
  featureMapRequestSchema,
  predictRequestSchema,
  samplesRequestSchema,
  weightsRequestSchema,
  type Activations,
  type Attribution,
  type Evaluation,
  type FeatureMap,
  type NodeWeights,
  type Prediction,
  type SampleImage,
} from './insight'

/**
 * The contract between the UI and the services: every method with the zod schema of its request
 * and the type of its response, every event with the type of its payload. The three entry points
 * (Electron window, `cnn-studio` command line, browser mode) serve exactly this; the transports
 * parse every request with its schema before a service sees it, and `window.api`'s type is derived
 * from it (`Api` below), never written by hand.
 */

/** A method: the request schema at run time, the response as a type only. */
export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res = unknown> {
  request: Req
  /** One line for `--help` texts and the HTTP transport's index. */
  doc: string
  /** Phantom: carries the response type, never set. */
  readonly response?: Res
}

/** An event pushed from the services to the UI. */
export interface EventSpec<Payload = unknown> {
  doc: string
  /** Phantom: carries the payload type, never set. */
  readonly payload?: Payload
}

/** `method<Response>()(requestSchema, doc)`: curried so the request type is inferred and the response given. */
export const method =
  <Res>() =>
  <Req extends z.ZodType>(request: Req, doc: string): MethodSpec<Req, Res> => ({ request, doc })

/** `event<Payload>()(doc)`. */
export const event =
  <Payload>() =>
  (doc: string): EventSpec<Payload> => ({ doc })

/** A template as the gallery lists it: its totals come from `inferGraph`, never from the file. */
export interface TemplateSummary {
  name: string
  title: string
  description: string
  /** Trainable parameters. */
  trainable: number
  nonTrainable: number
  /** Multiply-accumulates per sample (docs/counting.md). */
  macs: number
}

/** What the desktop app's menu asks the window to do; the renderer carries it out. */
export type AppCommand =
  | {
      command:
        | 'new'
        | 'save'
        | 'export'
        | 'undo'
        | 'redo'
        | 'cut'
        | 'copy'
        | 'paste'
        | 'duplicate'
        | 'fit'
        | 'zoom-in'
        | 'zoom-out'
        | 'layout'
        /** Opens the editor's "Export model" dialog (ONNX / TF.js / PyTorch). */
        | 'export-model'
        /** The window is closing: save, then close it (window.close()). */
        | 'save-and-close'
    }
  | { command: 'open-project'; id: string }

const noArgs = z.strictObject({})
const byId = z.strictObject({ id: projectIdSchema })
const byRun = z.strictObject({ runId: runIdSchema })

/** Method names are `namespace.verb`: `window.api.templates.get({ name })`. */
export const CONTRACT = {
  methods: {
    'templates.list': method<TemplateSummary[]>()(
      noArgs,
      'The built-in templates, with their parameter and MAC totals.',
    ),
    'templates.get': method<GraphDocument>()(
      z.strictObject({ name: z.string().min(1).max(200) }),
      'The graph document of one built-in template.',
    ),
    'graph.analyse': method<GraphAnalysis>()(
      z.strictObject({ document: documentSchema }),
      "Every node's output shape, parameter counts, MACs and errors, with the graph's totals.",
    ),
    // Projects: stored in SQLite in the data folder (docs/persistence.md).
    'projects.list': method<ProjectSummary[]>()(
      noArgs,
      'Every project, most recently opened or changed first, with totals inferred from its latest version.',
    ),
    'projects.create': method<OpenedProject>()(
      z.strictObject({ name: projectNameSchema, template: z.string().min(1).max(200).optional() }),
      'A new project, empty or a copy of a built-in template; it becomes the last opened project.',
    ),
    'projects.open': method<OpenedProject>()(
      byId,
      'A project with its latest document and view; it becomes the last opened project.',
    ),
    'projects.save': method<SaveResult>()(
      z.strictObject({
        id: projectIdSchema,
        document: documentSchema,
        viewState: viewStateSchema.nullable().optional(),
        note: z.string().max(500).optional(),
        /** The version the editor started from: a conflict if another save came in between. */
        baseVersionId: z.int().min(1).optional(),
      }),
      'Adds a version when the document differs from the latest one, and stores the view.',
    ),
    'projects.rename': method<ProjectSummary>()(
      z.strictObject({ id: projectIdSchema, name: projectNameSchema }),
      'Renames a project.',
    ),
    'projects.duplicate': method<ProjectSummary>()(
      byId,
      'A new project "<name> (copy)" holding the latest document of another.',
    ),
    'projects.delete': method<{ id: string }>()(byId, 'Deletes a project and all its versions.'),
    'projects.versions': method<VersionSummary[]>()(byId, 'Every saved version of a project, newest first.'),
    'projects.export': method<ProjectFile>()(
      byId,
      'The project as a .cnnproj.json object: its latest document and view.',
    ),
    'projects.import': method<ProjectSummary>()(
      z.strictObject({ file: z.unknown() }),
      'A new project from a .cnnproj.json object (or a bare graph document).',
    ),
    'session.last': method<string | null>()(
      noArgs,
      'The id of the last opened project, or null: the app reopens it on start.',
    ),
    'training.start': method<RunSummary>()(
      trainRequestSchema,
      'Starts training a saved version of a project on a dataset, in a worker thread (TF.js) or a python process (PyTorch); answers once the run is queued.',
    ),
    'training.pause': method<RunSummary>()(byRun, 'Pauses a running run after its current batch.'),
    'training.resume': method<RunSummary>()(
      resumeRequestSchema,
      'Resumes a paused run, or restarts an interrupted, stopped or resumable failed one from its last checkpoint (on another backend if asked).',
    ),
    'training.stop': method<RunSummary>()(
      byRun,
      'Stops a run after its current batch; its last checkpoint is kept.',
    ),
    'training.backends': method<BackendReport>()(
      noArgs,
      'The TF.js backend training would use, its device, and why each faster one did not load.',
    ),
    'training.engines': method<EnginesReport>()(
      noArgs,
      'The engines beyond TF.js: PyTorch (python3 with torch ≥ 1.13) with its version, threads and GPUs, or why it cannot be used.',
    ),
    'runs.list': method<RunSummary[]>()(
      z.strictObject({ id: projectIdSchema.optional() }),
      "A project's runs, newest first; every project's without an id.",
    ),
    'runs.get': method<RunDetail>()(byRun, 'A run with its per-epoch and per-batch metrics and checkpoints.'),
    'runs.delete': method<{ id: string }>()(byRun, 'Deletes a finished, failed, stopped or interrupted run.'),
    'runs.graph': method<{
      projectId: string
      projectName: string
      versionId: number
      document: GraphDocument
    }>()(byRun, 'The graph version a run trained, with its project.'),
    // Inside a trained run (docs/insight.md): inference on its best checkpoint in a worker thread.
    'runs.evaluate': method<Evaluation>()(
      evaluateRequestSchema,
      "A run's evaluation on its test or validation split (confusion matrix, per-class metrics, misclassified samples): stored after the first time, recomputed when asked.",
    ),
    'runs.samples': method<SampleImage[]>()(
      samplesRequestSchema,
      "Images of a run's test or validation split, by index, as the dataset holds them.",
    ),
    'insight.activations': method<Activations>()(
      activationsRequestSchema,
      "Every node's output for one sample (shape, range, a thumbnail) and the prediction.",
    ),
    'insight.featureMap': method<FeatureMap>()(
      featureMapRequestSchema,
      "One node's whole output for one sample (NHWC float32).",
    ),
    'insight.weights': method<NodeWeights>()(
      weightsRequestSchema,
      "One node's weights in the run's best checkpoint (conv kernels HWIO, Dense [in, out]).",
    ),
    'insight.attribution': method<Attribution>()(
      attributionRequestSchema,
      'Grad-CAM (from the last convolutional layer or a chosen one) or a saliency map for one class over the input image.',
    ),
    'insight.predict': method<Prediction[]>()(
      predictRequestSchema,
      'The most probable classes of image files (PNG or JPEG), preprocessed as the run was.',
    ),
    'export.model': method<ExportReport>()(
      exportRequestSchema,
      "Exports a run's best weights (or a project's or template's fresh ones) as ONNX or TF.js files, verified against TF.js before they are written.",
    ),
    'export.download': method<ExportDownload>()(
      exportDownloadSchema,
      'Exports as export.model does, then keeps the verified bytes (a file, or a .tar of a folder format) for one download at /download/<id> (browser mode).',
    ),
    'export.suggestPath': method<SuggestedPath>()(
      exportSuggestPathSchema,
      "A file (or TF.js folder) named after the project in the user's Downloads or home folder that does not exist yet.",
    ),
    'export.choosePath': method<ChosenPath>()(
      exportChoosePathSchema,
      'Asks for the export path in a native save dialog (desktop app only); null when cancelled.',
    ),
    'export.checkTarget': method<TargetCheck>()(
      exportCheckTargetSchema,
      "The files an export to this path would replace; refuses (invalid) a path that can never be written, such as the data folder's own files.",
    ),
    'datasets.list': method<DatasetInfo[]>()(
      noArgs,
      'The built-in datasets (found on this machine or downloadable) and the image folders used before.',
    ),
    'datasets.preview': method<DatasetPreview>()(
      z.strictObject({
        dataset: datasetRefSchema,
        perClass: z.int().min(1).max(16).default(4),
      }),
      'Class names and counts of a dataset with a few sample images per class.',
    ),
    'datasets.download': method<DatasetInfo>()(
      z.strictObject({ id: z.enum(BUILTIN_DATASETS) }),
      'Downloads a built-in dataset from its canonical source, checking its checksum (progress as events).',
    ),
  },
  events: {
    'app.command': event<AppCommand>()(
      "A command from the desktop app's menu for the window to carry out (undo, save, fit, open a project…).",
    ),
    'training.batch': event<BatchProgress>()(
      'Training loss and speed, a few times a second while a run trains.',
    ),
    'training.epoch': event<EpochMetrics & { runId: string }>()(
      'An epoch finished: its train and validation loss and accuracy.',
    ),
    'training.status': event<{ runId: string; status: RunStatus; run: RunSummary }>()(
      "A run's status changed (queued, started, paused, finished, failed, stopped, interrupted).",
    ),
    'datasets.progress': event<{ id: string; bytes: number; total: number | null; file: string }>()(
      'Download progress of a built-in dataset.',
    ),
  } satisfies Record<string, EventSpec>,
} as const

export type Methods = typeof CONTRACT.methods
export type Events = typeof CONTRACT.events
export type MethodName = keyof Methods
export type EventName = keyof Events

export const METHOD_NAMES = Object.keys(CONTRACT.methods) as MethodName[]
export const EVENT_NAMES = Object.keys(CONTRACT.events) as EventName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(CONTRACT.methods, name)
}

/** What a caller passes (defaults not yet applied). */
export type RequestInput<M extends MethodName> = z.input<Methods[M]['request']>
/** What a service receives: the parsed request, defaults applied. */
export type Request<M extends MethodName> = z.output<Methods[M]['request']>
export type Response<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, infer R> ? R : never
export type EventPayload<E extends EventName> = Events[E] extends EventSpec<infer P> ? P : never

/** The service side: one function per method, given the parsed request. */
export type Handlers = { [M in MethodName]: (request: Request<M>) => Response<M> | Promise<Response<M>> }

/** Errors cross transports as values; the client turns them back into a thrown `ApiError`. */
export type ErrorCode =
  /** The request failed its schema, or names an unknown method. */
  | 'bad-request'
  | 'not-found'
  /** Well-formed but unusable content, e.g. an imported file that is not a valid project. */
  | 'invalid'
  /** The request clashes with the current state, e.g. a save based on a version that is no longer the latest. */
  | 'conflict'
  /** The caller is not the app's own window. */
  | 'forbidden'
  /** Not served here: the in-page fallback cannot train, or the project database cannot be opened. */
  | 'unavailable'
  | 'internal'
export interface ErrorInfo {
  code: ErrorCode
  message: string
}
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }

/**
 * An expected failure: services throw it, the transports send it as `{ ok: false, error }`, and
 * `Api` functions throw it again on the client side. (Across Electron's context bridge only the
 * message survives: the renderer sees a plain `Error` with the same message.)
 */
export class ApiError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
  }
}

// ── The client type, derived: `api.templates.list()`, `api.templates.get({ name })`, `api.on(…)`. ──

type Namespace<M extends string> = M extends `${infer NS}.${string}` ? NS : never
type Verb<M extends string, NS extends string> = M extends `${NS}.${infer V}` ? V : never

/** A method with nothing required in its request may be called without one. */
type ClientFn<M extends MethodName> =
  Record<string, never> extends RequestInput<M>
    ? (request?: RequestInput<M>) => Promise<Response<M>>
    : (request: RequestInput<M>) => Promise<Response<M>>

export type ApiMethods = {
  [NS in Namespace<MethodName>]: { [V in Verb<MethodName, NS>]: ClientFn<`${NS}.${V}` & MethodName> }
}

export interface ApiEvents {
  /** Subscribes to a listed event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** `window.api` in the Electron window, and the browser-mode client: one function per method. */
export type Api = ApiMethods & ApiEvents

/** `templates.list` → `['templates', 'list']`. */
export function splitMethodName(name: MethodName): [namespace: string, verb: string] {
  const dot = name.indexOf('.')
  return [name.slice(0, dot), name.slice(dot + 1)]
}

/**
 * Builds an `Api` object from one function that sends a method call over some transport and
 * resolves to its envelope (the preload's `ipcRenderer.invoke`, browser mode's `fetch`).
 */
export function createApi(
  call: (method: MethodName, request: unknown) => Promise<Envelope<unknown>>,
  on: ApiEvents['on'],
): Api {
  const api: Record<string, Record<string, (request?: unknown) => Promise<unknown>>> = {}
  for (const name of METHOD_NAMES) {
    const [ns, verb] = splitMethodName(name)
    api[ns] ??= {}
    api[ns][verb] = async (request?: unknown) => {
      const envelope = await call(name, request ?? {})
      if (!envelope.ok) throw new ApiError(envelope.error.code, envelope.error.message)
      return envelope.value
    }
  }
  return Object.assign(api, { on }) as unknown as Api
}
