import { z } from 'zod'
import { projectIdSchema } from './projects'
import { runIdSchema } from './training'

/**
 * Exporting a model as the contract sees it: what to export (a run's best weights, a project's
 * latest version untrained, a template), the format, and the verification report that every
 * export ends with (docs/export.md).
 */

/** The ONNX opset exported by default: the one constant the emitters are written against. */
export const ONNX_OPSET = 17
/** Opsets the emitters are valid for (Softmax over one axis needs 13; the checker knows up to 17). */
export const ONNX_OPSETS = { min: 13, max: 17 } as const
/** The ONNX IR version that goes with an opset (onnx/helper.py's VERSION_TABLE). */
export const irVersionFor = (opset: number): number => (opset >= 15 ? 8 : 7)

export const EXPORT_FORMATS = ['onnx', 'tfjs', 'pytorch'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
export const INPUT_LAYOUTS = ['NCHW', 'NHWC'] as const
export type InputLayout = (typeof INPUT_LAYOUTS)[number]

/** What to export: a run's best checkpoint, or freshly initialised weights of a project or template. */
export const exportSourceSchema = z.union([
  z.strictObject({ runId: runIdSchema }),
  z.strictObject({ projectId: projectIdSchema }),
  z.strictObject({ template: z.string().min(1).max(200) }),
])
export type ExportSource = z.infer<typeof exportSourceSchema>

export const exportRequestSchema = z.strictObject({
  source: exportSourceSchema,
  format: z.enum(EXPORT_FORMATS).default('onnx'),
  /**
   * The file to write (ONNX), or the folder for model.json and its weights (TF.js), or for model.py,
   * weights.safetensors, train.py and the rest (PyTorch).
   */
  path: z.string().min(1).max(4096),
  layout: z.enum(INPUT_LAYOUTS).default('NCHW'),
  opset: z.int().min(ONNX_OPSETS.min).max(ONNX_OPSETS.max).default(ONNX_OPSET),
  /**
   * Largest difference in logits allowed between the export and TF.js: absolute for logits up to
   * 1, relative to the largest logit beyond.
   */
  tolerance: z.number().gt(0).max(1).default(1e-4),
  /** Seed of the initial weights when exporting untrained. */
  seed: z.int().min(0).default(1),
  /**
   * Replace an existing target (for TF.js: model.json or weights.bin in the folder; for PyTorch: any
   * of the folder's six files). Without it an
   * existing target is refused with `conflict`: the user confirms first (`--force`, the dialog).
   */
  overwrite: z.boolean().default(false),
})
export type ExportRequest = z.input<typeof exportRequestSchema>

/**
 * An export the user downloads (browser mode): the same request without a path. The services
 * verify it as any export, then keep the bytes (the .onnx file, or a .tar of the TF.js or PyTorch
 * folder) under a one-time id that the HTTP transport serves at `GET /download/<id>?token=…`.
 */
export const exportDownloadSchema = exportRequestSchema.omit({ path: true, overwrite: true })
export type ExportDownloadRequest = z.input<typeof exportDownloadSchema>

/** A verified export kept for one download. */
export interface ExportDownload {
  /** The report as for a written export; `out` is the file name the browser saves. */
  report: ExportReport
  /** One-time id: the first GET of `/download/<id>` streams the bytes and forgets them. */
  id: string
  /** The file name offered to the browser: `<project>.onnx`, `<project>-tfjs.tar`, `<project>-pytorch.tar`. */
  name: string
  bytes: number
  /** When an unfetched download is deleted (ISO time). */
  expiresAt: string
}

export interface TensorInfo {
  name: string
  /** 'N' is the batch dimension. */
  shape: (number | string)[]
}

/** The exported model run next to TF.js on the same inputs. */
export interface Verification {
  /** 'onnxruntime' for ONNX; 'tfjs' reloads the written TF.js files; 'pytorch' runs model.py with its weights. */
  engine: 'onnxruntime' | 'tfjs' | 'pytorch'
  /** Real images from the run's dataset (its test split), or random ones. */
  data: 'dataset' | 'random'
  samples: number
  maxAbsDiff: number
  /** The largest |logit| (TF.js): maxAbsDiff relative to it shows float32 agreement at any scale. */
  maxAbsLogit: number
  /** Share of samples whose top class is the same in both. */
  top1Agreement: number
  tolerance: number
  passed: boolean
}

/** How reports name the engines: `Verified with PyTorch`. */
export const ENGINE_NAMES: Record<Verification['engine'], string> = {
  onnxruntime: 'onnxruntime',
  tfjs: 'TF.js',
  pytorch: 'PyTorch',
}

export interface ExportReport {
  format: ExportFormat
  /** The ONNX file, or the TF.js or PyTorch folder. */
  out: string
  files: string[]
  bytes: number
  opset: number | null
  layout: InputLayout
  weights: { trained: true; runId: string; epoch: number } | { trained: false; seed: number }
  projectName: string
  classes: string[]
  inputs: TensorInfo[]
  outputs: TensorInfo[]
  /** What the user should know: untrained weights, random verification data. */
  warnings: string[]
  /**
   * The export run next to TF.js. Null only for a PyTorch export where no python with torch was
   * found: the folder is written unverified, and `notVerified` says why.
   */
  verification: Verification | null
  /** Why the export was not verified, with what to install (null when `verification` is there). */
  notVerified: string | null
  elapsedMs: number
}

/** Where the editor's export dialog proposes to write: a file (ONNX) or folder (TF.js, PyTorch) that does not exist yet. */
export const exportSuggestPathSchema = z.strictObject({
  projectName: z.string().max(500),
  format: z.enum(EXPORT_FORMATS).default('onnx'),
})
export interface SuggestedPath {
  /** On the machine running the services. */
  path: string
  /** Whether `export.choosePath` can show a native file dialog (the desktop app only). */
  native: boolean
}

/** A target checked before exporting, so the dialog can ask before replacing anything. */
export const exportCheckTargetSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  format: z.enum(EXPORT_FORMATS).default('onnx'),
})
export interface TargetCheck {
  /** The ONNX file or TF.js or PyTorch folder, absolute. */
  out: string
  /** The files an export there would replace: none, or what the user must confirm. */
  replaces: string[]
}

export interface ChosenPath {
  /** null when the dialog was cancelled. */
  path: string | null
  /** The dialog itself asked before replacing an existing file (the ONNX save dialog), so the export may overwrite. */
  overwriteConfirmed: boolean
}

/** A native save dialog (the desktop app), starting at the suggested path. */
export const exportChoosePathSchema = z.strictObject({
  suggested: z.string().max(4096),
  format: z.enum(EXPORT_FORMATS).default('onnx'),
})

/**
 * The JSON line `cnn-studio export --json` prints: `verified` false (and `maxAbsDiff`,
 * `top1Agreement` null) only for an unverified PyTorch export, `notVerified` saying why.
 */
export const reportLine = (r: ExportReport) => ({
  out: r.out,
  bytes: r.bytes,
  opset: r.opset,
  verified: r.verification !== null,
  maxAbsDiff: r.verification?.maxAbsDiff ?? null,
  top1Agreement: r.verification?.top1Agreement ?? null,
  notVerified: r.notVerified,
  inputs: r.inputs,
  outputs: r.outputs,
})
