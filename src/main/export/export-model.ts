import type * as tfjsModule from '@tensorflow/tfjs'
import { existsSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import type { z } from 'zod'
import type { exportRequestSchema, ExportReport, Verification } from '../../shared/api/export'
import type { DatasetRef, Hyperparameters } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import type { Normalization } from '../datasets/batches'
import { loadDatasetFor } from '../datasets/dataset-for-graph'
import { mulberry32 } from '../datasets/random'
import { makeTrainData } from '../datasets/train-data'
import { buildModel } from '../model/build-model'
import { decodeTensors } from '../model/checkpoint'
import { getWeights, setWeights } from '../model/weights'
import { torchDataset, type TorchDataset } from '../pytorch/config'
import { findTorchPython } from '../pytorch/find-torch'
import { TORCH_FILES, torchProjectFiles } from '../pytorch/project-folder'
import { torchLogits, torchNotFound } from '../pytorch/verify-torch'
import { nhwcToNchw, verificationOf } from './compare'
import { ONNX_NAMES } from './onnx/emit-graph'
import { onnxBytes, type Preprocess } from './onnx/build-onnx'
import { verifyOnnx, type VerifyBatch } from './onnx/verify-onnx'
import { checkExportTarget } from './export-target'
import { TFJS_FILES, tfjsLayersFiles } from './tfjs-layers'
import { checkWritableFolder, writeFilesAtomically, writeFolderAtomically } from './write-atomic'

export type ParsedExportRequest = z.output<typeof exportRequestSchema>

/** What is exported: a graph, and a run's checkpoint and dataset when trained. */
export interface ExportInput {
  document: GraphDocument
  projectName: string
  trained: {
    runId: string
    epoch: number
    weights: Uint8Array
    dataset: DatasetRef
    hyperparameters: Hyperparameters
    classes: string[]
  } | null
}

/** The export's outputs disagree with TF.js's: nothing was written. */
export class ExportVerificationError extends Error {
  constructor(readonly verification: Verification) {
    super(
      `The exported model does not compute what TF.js computes: logits differ by up to ${verification.maxAbsDiff.toExponential(2)} ` +
        `(logits up to ${verification.maxAbsLogit.toPrecision(3)}, tolerance ${verification.tolerance}), top-1 agreement ${(100 * verification.top1Agreement).toFixed(1)}% on ${verification.samples} ` +
        `${verification.data} inputs. Nothing was written. This is a defect in CNN Studio's exporter: please report it with the project file.`,
    )
  }
}

/** Images per verification batch: up to 16, fewer for big networks (about 20 G multiply-adds in all). */
export const verificationSamples = (macsPerSample: number) =>
  Math.max(1, Math.min(16, Math.floor(2e10 / Math.max(1, macsPerSample))))

interface VerifyData {
  batch: VerifyBatch
  preprocess: Preprocess
  /** The run's standardisation statistics (null: pixels ÷ 255 only). */
  normalization: Normalization | null
  classes: string[]
  warnings: string[]
}

/** Test images of the run's dataset, normalised as in training, or seeded random ones. */
async function verificationData(
  input: ExportInput,
  request: ParsedExportRequest,
  built: ReturnType<typeof buildModel>,
  dataDir: string,
): Promise<VerifyData> {
  const { height: h, width: w, channels: c } = built.input
  const n = verificationSamples(built.analysis.totals.macs)
  const warnings: string[] = []
  const unit = { scale: 1 / 255, mean: Array(c).fill(0), std: Array(c).fill(1), layout: request.layout }
  const random = (): VerifyBatch => {
    const next = mulberry32(request.seed + 101)
    return { images: Float32Array.from({ length: n * h * w * c }, next), shape: [n, h, w, c], data: 'random' }
  }
  if (!input.trained) {
    warnings.push(
      `Untrained: the weights are freshly initialised (seed ${request.seed}); train the project and export its run for a useful model.`,
    )
    return {
      batch: random(),
      preprocess: unit,
      normalization: null,
      classes: Array.from({ length: built.classes }, (_, i) => `class ${i}`),
      warnings,
    }
  }
  const { dataset, hyperparameters, classes } = input.trained
  try {
    const data = makeTrainData(await loadDatasetFor(input.document, dataset, dataDir), hyperparameters)
    const size = Math.min(n, data.testCount)
    const norm = data.normalization
    return {
      batch: { images: data.evalBatch('test', 0, size).x, shape: [size, h, w, c], data: 'dataset' },
      preprocess: norm ? { ...unit, mean: norm.mean, std: norm.std } : unit,
      normalization: norm ?? null,
      classes,
      warnings,
    }
  } catch (e) {
    // The statistics of a standardised run come from its training split: without the dataset the
    // model's preprocessing would be unknown, so the export stops here.
    if (hyperparameters.normalize === 'standardize')
      throw new Error(
        `This run standardised its inputs with its dataset's statistics, and the dataset could not be loaded (${(e as Error).message}). Make the dataset available (cnn-studio datasets) and export again.`,
      )
    warnings.push(
      `The run's dataset could not be loaded (${(e as Error).message}); verified on random inputs instead.`,
    )
    return { batch: random(), preprocess: unit, normalization: null, classes, warnings }
  }
}

const predict = (tf: Tfjs, model: tfjsModule.LayersModel, b: VerifyBatch): Float32Array =>
  tf.tidy(
    () => (model.predict(tf.tensor4d(b.images, b.shape)) as tfjsModule.Tensor).dataSync() as Float32Array,
  )

/** Where config.json says the run's dataset is, or null (with a warning) when it is not on this machine. */
function configDataset(input: ExportInput, dataDir: string, warnings: string[]): TorchDataset | null {
  if (!input.trained) return null
  try {
    return torchDataset(input.trained.dataset, dataDir)
  } catch (e) {
    warnings.push(
      `config.json names no dataset (${(e as Error).message}): train.py needs --data PATH and --dataset-kind.`,
    )
    return null
  }
}

/**
 * Exports a graph with its weights (a run's checkpoint, or fresh ones) as ONNX, TF.js layers files
 * or a PyTorch folder: builds the TF.js model, makes the files in memory, runs them (onnxruntime,
 * TF.js reloading the written format, or python with torch on model.py and its weights) on the
 * run's test images or random ones next to the TF.js model, and writes them atomically only when
 * the two agree within the tolerance. A PyTorch folder is written unverified, saying so, when no
 * python with torch is found. Throws GraphBuildError (the graph cannot be exported),
 * ExportTargetError (the data folder's own files; an existing target without `overwrite`),
 * ExportPathError, ExportVerificationError or TorchRunError (PyTorch could not run the folder),
 * having written nothing.
 */
export async function exportModel(
  tf: Tfjs,
  input: ExportInput,
  request: ParsedExportRequest,
  dataDir: string,
): Promise<ExportReport> {
  const started = Date.now()
  const { out } = checkExportTarget(request, dataDir)
  // A folder format's folder may be new (created on write): then its parent must be writable.
  const isFolder = request.format !== 'onnx'
  const probe = request.format === 'tfjs' ? TFJS_FILES.model : TORCH_FILES[TORCH_FILES.length - 1]
  await checkWritableFolder(isFolder && existsSync(out) ? resolve(out, probe) : out)
  const built = buildModel(tf, input.document, {
    seed: request.seed,
    purpose: 'export',
    weightsFollow: input.trained !== null,
  })
  try {
    if (input.trained) setWeights(tf, built.model, decodeTensors(input.trained.weights))
    const data = await verificationData(input, request, built, dataDir)
    const { batch, preprocess, classes, warnings } = data
    const expected = predict(tf, built.model, batch)
    const { height: h, width: w, channels: c } = built.input
    const logitsShape = ['N', built.classes]
    const provenance = input.trained
      ? `run ${input.trained.runId}, best epoch ${input.trained.epoch}`
      : `untrained, seed ${request.seed}`
    let files: { path: string; data: Uint8Array | string }[]
    let verification: Verification | null
    let notVerified: string | null = null
    let inputs: ExportReport['inputs']
    let outputs: ExportReport['outputs']
    if (request.format === 'onnx') {
      const bytes = onnxBytes(built, {
        projectName: input.projectName,
        classes,
        preprocess,
        opset: request.opset,
        layout: request.layout,
        provenance,
      })
      verification = await verifyOnnx(bytes, batch, expected, {
        layout: request.layout,
        tolerance: request.tolerance,
        classes: built.classes,
      })
      files = [{ path: out, data: bytes }]
      inputs = [
        { name: ONNX_NAMES.input, shape: request.layout === 'NCHW' ? ['N', c, h, w] : ['N', h, w, c] },
      ]
      outputs = [
        { name: ONNX_NAMES.logits, shape: logitsShape },
        { name: ONNX_NAMES.probabilities, shape: logitsShape },
      ]
    } else if (request.format === 'tfjs') {
      const written = await tfjsLayersFiles(tf, built.model, out)
      const reloaded = await tf.loadLayersModel(tf.io.fromMemory(written.artifacts))
      try {
        verification = verificationOf(
          'tfjs',
          { data: batch.data, samples: batch.shape[0] },
          predict(tf, reloaded, batch),
          expected,
          { classes: built.classes, tolerance: request.tolerance },
        )
      } finally {
        reloaded.dispose()
      }
      if (written.customClasses.length)
        warnings.push(
          `The model uses CNN Studio layers (${written.customClasses.join(', ')}); another TF.js program must register them to load it.`,
        )
      files = written.files
      inputs = [{ name: built.model.inputNames[0], shape: ['N', h, w, c] }]
      outputs = [{ name: built.model.outputNames[0], shape: logitsShape }]
    } else {
      const torchFiles = torchProjectFiles({
        source: input.document,
        projectName: input.projectName,
        // Untrained weights have no class names: train.py takes the dataset's.
        classes: input.trained ? classes : null,
        weights: await getWeights(built.model),
        config: {
          dataset: configDataset(input, dataDir, warnings),
          hyperparameters: input.trained?.hyperparameters ?? {},
          normalization: data.normalization,
        },
        provenance,
      })
      const torch = findTorchPython()
      if (torch) {
        const [n] = batch.shape
        const images = nhwcToNchw(batch.images, batch.shape)
        const logits = await torchLogits(torchFiles, images, [n, c, h, w], { python: torch.python })
        verification = verificationOf('pytorch', { data: batch.data, samples: n }, logits, expected, {
          classes: built.classes,
          tolerance: request.tolerance,
        })
      } else {
        verification = null
        notVerified = torchNotFound()
      }
      files = torchFiles.map((f) => ({ path: join(out, f.name), data: f.data }))
      inputs = [{ name: 'x', shape: ['N', c, h, w] }]
      outputs = [{ name: 'logits', shape: logitsShape }]
    }
    if (verification && !verification.passed) throw new ExportVerificationError(verification)
    // Again: the target may have appeared, or become a link into the data folder, while verifying.
    checkExportTarget(request, dataDir)
    if (request.format === 'onnx') await writeFilesAtomically(files)
    else
      await writeFolderAtomically(
        out,
        files.map((f) => ({ name: basename(f.path), data: f.data })),
      )
    return {
      format: request.format,
      out,
      files: files.map((f) => f.path),
      bytes: files.reduce(
        (n, f) => n + (typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.length),
        0,
      ),
      opset: request.format === 'onnx' ? request.opset : null,
      layout: request.format === 'onnx' ? request.layout : request.format === 'tfjs' ? 'NHWC' : 'NCHW',
      weights: input.trained
        ? { trained: true, runId: input.trained.runId, epoch: input.trained.epoch }
        : { trained: false, seed: request.seed },
      projectName: input.projectName,
      classes,
      inputs,
      outputs,
      warnings,
      verification,
      notVerified,
      elapsedMs: Date.now() - started,
    }
  } finally {
    built.model.dispose()
  }
}
