import { z } from 'zod'
import { projectIdSchema } from './projects'

/**
 * Training as the contract sees it: what a run is asked to do (hyperparameters, dataset, backend)
 * and what it reports (runs, per-epoch and per-batch metrics). The services run it in a worker
 * thread (src/main/training) and store it in SQLite (docs/training.md).
 */

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const
export type OptimizerName = (typeof OPTIMIZERS)[number]
export const SCHEDULES = ['constant', 'step', 'cosine', 'exponential'] as const
export type ScheduleName = (typeof SCHEDULES)[number]
/** TF.js backends, fastest first: native CUDA, WebGPU (any vendor), native CPU, WebAssembly, JavaScript. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const
export type BackendChoice = (typeof BACKEND_NAMES)[number]
/**
 * What trains a run: TF.js in a worker thread (on one of its backends), or PyTorch in a python
 * process the app starts (python3 with torch ≥ 1.13, found on this machine; docs/pytorch.md).
 */
export const ENGINE_NAMES = ['tfjs', 'pytorch'] as const
export type EngineName = (typeof ENGINE_NAMES)[number]
/** Where PyTorch trains: `auto` takes CUDA, then MPS (Apple), then the CPU. */
export const TORCH_DEVICES = ['auto', 'cpu', 'cuda', 'mps'] as const
export type TorchDevice = (typeof TORCH_DEVICES)[number]
export const BUILTIN_DATASETS = ['mnist', 'fashion-mnist', 'cifar10'] as const
export type BuiltinDataset = (typeof BUILTIN_DATASETS)[number]

export const hyperparametersSchema = z.strictObject({
  epochs: z.int().min(1).max(10_000).default(10),
  batchSize: z.int().min(1).max(4096).default(64),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().positive().max(10).default(1e-3),
  /** SGD and RMSprop momentum. */
  momentum: z.number().min(0).lt(1).default(0.9),
  /** SGD only: Nesterov momentum. */
  nesterov: z.boolean().default(false),
  /** Decoupled weight decay (AdamW's; applied to kernels, not biases or BatchNorm). 0: off. */
  weightDecay: z.number().min(0).max(1).default(0),
  schedule: z.enum(SCHEDULES).default('constant'),
  /** Step schedule: epochs between decays. */
  stepEpochs: z.int().min(1).default(10),
  /** Step and exponential schedules: the factor per step (per epoch for exponential). */
  gamma: z.number().positive().max(1).default(0.1),
  /** Epochs of linear warm-up from 0 to the learning rate (fractions allowed). */
  warmupEpochs: z.number().min(0).max(1000).default(0),
  /** Share of the training split held out for validation (stratified, seeded). */
  validationSplit: z.number().min(0).max(0.5).default(0.1),
  /** Stop when the validation loss has not improved for this many epochs; 0: never. */
  patience: z.int().min(0).default(0),
  /** Augmentation of training batches only. */
  flip: z.boolean().default(false),
  cropPadding: z.int().min(0).max(16).default(0),
  /** 'unit': pixels / 255; 'standardize': then minus the per-channel mean, divided by the std. */
  normalize: z.enum(['unit', 'standardize']).default('unit'),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /**
   * Split each batch into micro-batches of this size and sum their gradients before the update
   * (the same step, less memory); 0: the whole batch at once.
   */
  microBatch: z.int().min(0).default(0),
  /** Train on a stratified subset of this many training images; 0: all of them. */
  limit: z.int().min(0).default(0),
})
export type Hyperparameters = z.output<typeof hyperparametersSchema>

export const datasetRefSchema = z.union([
  z.strictObject({ builtin: z.enum(BUILTIN_DATASETS) }),
  /** A folder with one sub-folder of PNG/JPEG images per class. */
  z.strictObject({ folder: z.string().min(1).max(4096) }),
])
export type DatasetRef = z.output<typeof datasetRefSchema>

/** A run's engine with its options; a run keeps it when resumed. */
export const engineChoiceSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('tfjs') }),
  z.strictObject({
    name: z.literal('pytorch'),
    /** Processes of one training run (DistributedDataParallel through torch.distributed.run when > 1). */
    processes: z.int().min(1).max(64).default(1),
    device: z.enum(TORCH_DEVICES).default('auto'),
  }),
])
export type EngineChoice = z.output<typeof engineChoiceSchema>
export const TFJS_ENGINE: EngineChoice = { name: 'tfjs' }

export const runIdSchema = z.string().min(1).max(64)

export const RUN_STATUSES = [
  'queued',
  'running',
  'paused',
  'finished',
  'failed',
  'interrupted',
  'stopped',
] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export interface EpochMetrics {
  epoch: number
  trainLoss: number
  trainAccuracy: number
  /** Absent when there is no validation split. */
  valLoss?: number
  valAccuracy?: number
  learningRate: number
  samplesPerSecond: number
}

export interface RunSummary {
  id: string
  projectId: string
  versionId: number
  status: RunStatus
  dataset: { id: string; name: string; hash: string | null } | null
  hyperparameters: Hyperparameters
  /** What trains it, with its options (TF.js for runs stored before engines). */
  engine: EngineChoice
  /** The TF.js backend, or `pytorch`. */
  backend: string | null
  device: string | null
  /** Epochs finished (and checkpointed). */
  epochsDone: number
  /** The best epoch's validation accuracy (training accuracy without validation); null before one. */
  bestValScore: number | null
  testAccuracy: number | null
  testLoss: number | null
  elapsedMs: number
  /** Why it failed or stopped early (NaN loss, early stopping, a killed process, a full disk). */
  message: string | null
  /**
   * Whether `training.resume` restarts it from its last checkpoint: stopped, interrupted, or failed
   * because the database could not be written (a full disk, another program's lock).
   */
  resumable: boolean
  createdAt: string
  updatedAt: string
}

export interface RunDetail extends RunSummary {
  epochs: EpochMetrics[]
  /** Per-batch training loss, sampled: `step` counts batches from the start of the run. */
  batches: { epoch: number; step: number; loss: number }[]
  checkpoints: { epoch: number; isBest: boolean; createdAt: string }[]
  /** Classes of the dataset, in label order. */
  classes: string[]
}

export interface BatchProgress {
  runId: string
  epoch: number
  batch: number
  batches: number
  step: number
  loss: number
  /** Over the recent batches once warmed up (shared/training/eta.ts), the average so far before. */
  samplesPerSecond: number
  /**
   * Seconds left for the whole run at the recent speed; null while the first batches warm up and
   * the estimate has too little to go on ("estimating…").
   */
  etaSeconds: number | null
}

export interface DatasetInfo {
  id: string
  name: string
  classes: string[]
  /** Where its files are, when they are on this machine. */
  location: string | null
  /** Built-in datasets can be downloaded; folders are imported. */
  downloadable: boolean
  trainSamples: number | null
  testSamples: number | null
  image: { height: number; width: number; channels: number } | null
}

export interface DatasetPreview {
  id: string
  name: string
  classes: string[]
  /** Images per class in the training and test splits. */
  counts: { train: number[]; test: number[] }
  image: { height: number; width: number; channels: number }
  /** A few training images per class: bytes (HWC) as base64, with their label. */
  samples: { label: number; pixels: string }[]
  skipped: { file: string; reason: string }[]
}

/** A WebGPU adapter as Dawn describes it, and the limits training meets (bytes). */
export interface GpuAdapterReport {
  vendor: string
  architecture: string
  device: string
  description: string
  /** A software implementation (SwiftShader): used only when webgpu is asked for by name. */
  fallback: boolean
  /** The largest buffer, so the largest tensor. */
  maxBufferSize: number
  /** The largest buffer one kernel can bind: every tensor a kernel reads or writes. */
  maxStorageBufferBindingSize: number
}

/** One backend tried: loaded, or why not; webgpu's adapter where one was found. */
export interface BackendAttempt {
  name: BackendChoice
  ok: boolean
  /** Why it did not load (absent when it did). */
  reason?: string
  adapter?: GpuAdapterReport
}

export interface BackendReport {
  chosen: BackendChoice
  device: string
  attempts: BackendAttempt[]
}

/** A CUDA device as PyTorch describes it. */
export interface CudaDeviceReport {
  name: string
  /** Total memory, bytes. */
  memoryBytes: number
}

/** A python with PyTorch that the PyTorch engine can use. */
export interface TorchFound {
  /** The interpreter, as found (a name on PATH or a path). */
  python: string
  pythonVersion: string
  /** `torch.__version__`. */
  torch: string
  /** `torch.get_num_threads()`, torch's default (a run sets its own: one thread per core). */
  threads: number
  cuda: CudaDeviceReport[]
  /** Apple's Metal (MPS) is available. */
  mps: boolean
  /** `torch.distributed.run` imports: runs of several processes can start. */
  distributed: boolean
}

/** The PyTorch engine on this machine: the python found, or why none can be used. */
export interface TorchReport {
  found: TorchFound | null
  /** Why PyTorch cannot be used and how to install it; null when found. */
  reason: string | null
  /** Each interpreter tried, in order, and why it was not taken (the one found is not listed). */
  tried: { python: string; reason: string }[]
}

/** The engines beyond TF.js (whose backends `training.backends` reports). */
export interface EnginesReport {
  pytorch: TorchReport
}

export const trainRequestSchema = z.strictObject({
  projectId: projectIdSchema,
  /** The saved version to train; the latest when absent. */
  versionId: z.int().min(1).optional(),
  dataset: datasetRefSchema,
  hyperparameters: hyperparametersSchema.partial().default({}),
  /** TF.js when absent. */
  engine: engineChoiceSchema.optional(),
  /** The TF.js backend (TF.js engine only); the fastest that loads when absent. */
  backend: z.enum(BACKEND_NAMES).optional(),
})

export const resumeRequestSchema = z.strictObject({
  runId: runIdSchema,
  /**
   * Where a stopped, interrupted or resumable failed run goes on (a lost GPU's run on another
   * backend); the backend it last trained on when absent. TF.js runs only.
   */
  backend: z.enum(BACKEND_NAMES).optional(),
  /**
   * A PyTorch run's options to go on with (processes, device: a run whose GPU is gone goes on with
   * `cpu`); its stored ones when absent. A run keeps its engine: naming another is refused.
   */
  engine: engineChoiceSchema.optional(),
})
