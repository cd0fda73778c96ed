import { z } from 'zod'
import { runIdSchema } from './training'

/**
 * What the app shows inside a trained run (docs/insight.md): its evaluation on a split, and for one
 * sample every node's output, a node's weights, and attributions (Grad-CAM, saliency). Tensors cross
 * the transports as base64 little-endian float32 in NHWC order, the document's own layout
 * (shared/tensor/base64.ts decodes them).
 */

export const EVAL_SPLITS = ['test', 'validation'] as const
export type EvalSplit = (typeof EVAL_SPLITS)[number]

/** Where inference ran: onnxruntime on the run's weights emitted in memory, or TF.js where that is impossible. */
export type InferenceEngine = 'onnxruntime' | 'tfjs'

export interface ClassMetrics {
  class: string
  precision: number
  recall: number
  f1: number
  /** Samples of this class in the split. */
  support: number
}

export interface Misclassified {
  /** The sample's index in the split (`runs.samples`, `--sample`). */
  index: number
  /** True class index. */
  label: number
  /** Predicted class index. */
  predicted: number
  /** The predicted class's probability. */
  confidence: number
  /** The three most probable classes, most probable first. */
  top: { class: number; probability: number }[]
}

/** A run's evaluation: its best checkpoint on one split, computed once and stored (recomputed when asked). */
export interface Evaluation {
  runId: string
  split: EvalSplit
  /** The checkpoint's epoch (the run's best). */
  epoch: number
  engine: InferenceEngine
  /** Why TF.js ran instead of onnxruntime; null on onnxruntime. */
  engineNote: string | null
  samples: number
  classes: string[]
  accuracy: number
  /** Mean cross-entropy. */
  loss: number
  /** Top-5 accuracy; null with 5 classes or fewer. */
  top5: number | null
  /** Counts, rows = true class, columns = predicted class. */
  confusion: number[][]
  perClass: ClassMetrics[]
  /** The off-diagonal cells with the most samples, most first (up to 10, none empty). */
  confusedPairs: { label: number; predicted: number; count: number }[]
  /** Every wrong prediction, most confident first. */
  misclassified: Misclassified[]
  /** ISO time it was computed. */
  createdAt: string
  elapsedMs: number
}

/** One image of a split as the dataset holds it (before normalisation), for galleries. */
export interface SampleImage {
  index: number
  label: number
  image: { height: number; width: number; channels: number }
  /** Bytes (HWC) as base64, as `DatasetPreview.samples`. */
  pixels: string
}

const MAX_IMAGE_BYTES = 20 * 1024 * 1024

/** An image file's bytes (PNG or JPEG), base64. */
export const imageFileSchema = z.strictObject({
  name: z.string().min(1).max(500),
  data: z.base64().max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4),
})
export type ImageFile = z.output<typeof imageFileSchema>

/** The sample a view looks at: an image of a split, or a file the user opened or dropped. */
export const sampleSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('dataset'),
    split: z.enum(EVAL_SPLITS).default('test'),
    index: z.int().min(0),
  }),
  z.strictObject({ kind: z.literal('image'), file: imageFileSchema }),
])
export type SampleSource = z.output<typeof sampleSourceSchema>

/** One node's output for a sample, summarised. */
export interface NodeActivation {
  /** NHWC without the batch axis: [h, w, c] or [units]. */
  shape: number[]
  min: number
  max: number
  mean: number
  /**
   * A small picture of the output for the canvas: the mean over channels of a 3-D output (h × w),
   * or the units of a 1-D one (1 × n), as base64 float32; `thumbnailShape` is [rows, cols].
   */
  thumbnail: string
  thumbnailShape: [number, number]
}

/** Every node's output for one sample: what the canvas shows with a run selected. */
export interface Activations {
  runId: string
  /** The sample, preprocessed as the run was (what the Input node receives), with its pixels. */
  sample: {
    source: SampleSource
    /** The true class when the sample comes from a split; null for a file. */
    label: number | null
    image: { height: number; width: number; channels: number }
    /** The image as the network sees it, before normalisation, base64 HWC bytes. */
    pixels: string
  }
  classes: string[]
  /** Softmax of the logits. */
  probabilities: number[]
  predicted: number
  /**
   * By node id: every expanded node (`block/inner`), and each block of the document under its own
   * id too (its output node's activation), so a collapsed block shows its output.
   */
  nodes: Record<string, NodeActivation>
  engine: InferenceEngine
  elapsedMs: number
}

/** One node's full output for a sample. */
export interface FeatureMap {
  nodeId: string
  /** NHWC without the batch axis. */
  shape: number[]
  /** base64 float32, NHWC. */
  values: string
  min: number
  max: number
}

/** A node's weights as the checkpoint holds them (TF.js layouts: conv kernels HWIO, Dense [in, out]). */
export interface NodeWeights {
  nodeId: string
  kind: string
  tensors: { name: string; shape: number[]; values: string }[]
}

export const ATTRIBUTION_METHODS = ['grad-cam', 'saliency'] as const
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number]

/** A heatmap over the input image for one class. */
export interface Attribution {
  method: AttributionMethod
  classIndex: number
  /** Grad-CAM: the layer whose activations and gradients were used; null for saliency. */
  nodeId: string | null
  height: number
  width: number
  /** base64 float32, height × width, scaled to 0…1 (all zeros when the gradient is zero). */
  values: string
}

/** Top-k classes for one image. */
export interface Prediction {
  name: string
  top: { class: number; name: string; probability: number }[]
}

const bySample = { runId: runIdSchema, sample: sampleSourceSchema }

export const evaluateRequestSchema = z.strictObject({
  runId: runIdSchema,
  split: z.enum(EVAL_SPLITS).default('test'),
  /** Compute again even when stored. */
  recompute: z.boolean().default(false),
})
export const samplesRequestSchema = z.strictObject({
  runId: runIdSchema,
  split: z.enum(EVAL_SPLITS).default('test'),
  indices: z.array(z.int().min(0)).min(1).max(256),
})
export const activationsRequestSchema = z.strictObject(bySample)
export const featureMapRequestSchema = z.strictObject({ ...bySample, nodeId: z.string().min(1).max(400) })
export const weightsRequestSchema = z.strictObject({ runId: runIdSchema, nodeId: z.string().min(1).max(400) })
export const attributionRequestSchema = z.strictObject({
  ...bySample,
  method: z.enum(ATTRIBUTION_METHODS),
  classIndex: z.int().min(0),
  /** Grad-CAM's layer; the last convolutional layer when absent. */
  nodeId: z.string().min(1).max(400).optional(),
})
export const predictRequestSchema = z.strictObject({
  runId: runIdSchema,
  images: z.array(imageFileSchema).min(1).max(64),
  top: z.int().min(1).max(100).default(5),
})
