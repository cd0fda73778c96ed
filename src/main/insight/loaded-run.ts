import { createHash } from 'node:crypto'
import * as ort from 'onnxruntime-node'
import type {
  Activations,
  Attribution,
  AttributionMethod,
  EvalSplit,
  Evaluation,
  FeatureMap,
  InferenceEngine,
  NodeActivation,
  NodeWeights,
  Prediction,
  SampleImage,
  SampleSource,
} from '../../shared/api/insight'
import type { DatasetRef, Hyperparameters } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import { expandWithOutputs } from '../../shared/graph/expand'
import { inferGraph } from '../../shared/graph/infer'
import { float32ToBase64 } from '../../shared/tensor/base64'
import { loadDatasetFor } from '../datasets/dataset-for-graph'
import { makeTrainData, type DatasetData } from '../datasets/train-data'
import { checkBuildable, type BuildableGraph } from '../model/buildable'
import { decodeTensors, type NamedArray } from '../model/checkpoint'
import { tfjsWeightOrder } from '../model/weight-order'
import { gradCam, saliency } from './attribution'
import { InsightError } from './insight-error'
import { evaluationMetrics, softmaxRow } from './metrics'
import { runOnnx, weightsByNode } from './run-onnx'
import { preprocessFile, type Preprocessed } from './sample-input'
import { nchwToNhwc, summarise } from './tensor-summary'
import type { TfjsModelSource, TfjsRunner } from './tfjs-runner'

/** What the service sends the inference worker once per run (and best checkpoint). */
export interface RunModelSpec {
  /** `runId@epoch`: a new best checkpoint is another model. */
  key: string
  runId: string
  epoch: number
  document: GraphDocument
  /** The checkpoint's weights blob (checkpoint.ts). */
  weights: Uint8Array
  dataset: DatasetRef
  hyperparameters: Hyperparameters
  classes: string[]
  dataDir: string
}

const SPLIT = { test: 'test', validation: 'val' } as const

/** Samples per inference batch: fewer for bigger networks (about 2 G multiply-adds a batch). */
const batchFor = (macs: number) => Math.max(1, Math.min(512, Math.floor(2e9 / Math.max(1, macs))))

/** Activations kept per run: clicking between a few samples should not run the model again. */
const KEPT_SAMPLES = 3

/** A file is known by its content: two images may share a name, a size and a header. */
const sampleKey = (s: SampleSource) =>
  s.kind === 'dataset'
    ? `${s.split}:${s.index}`
    : `file:${createHash('sha256').update(s.file.data).digest('hex')}`

interface SampleOutputs {
  input: Preprocessed
  /** Expanded node id → NHWC values and shape (without the batch axis). */
  maps: Map<string, { shape: number[]; values: Float32Array }>
  logits: Float32Array
  engine: InferenceEngine
}

/**
 * One run's model loaded for inference in the worker: its graph and checkpoint, onnxruntime
 * sessions made on first use (the logits alone for evaluation and prediction; every node's output
 * for activation views), the dataset loaded on first use, and TF.js (attribution, and the fallback
 * where onnxruntime cannot run the model) only when asked for.
 */
export class LoadedRun {
  readonly graph: BuildableGraph
  private readonly byNode: Map<string, NamedArray[]>
  private readonly blockOutputs: Map<string, string>
  private sessions = new Map<
    'logits' | 'all',
    Promise<{ session: ort.InferenceSession; outputs: Map<string, string> }>
  >()
  private onnxFailure: string | null = null
  private data: Promise<DatasetData> | null = null
  private samples = new Map<string, Promise<SampleOutputs>>()
  private readonly weights: NamedArray[]

  constructor(
    readonly spec: RunModelSpec,
    private readonly tfjs: () => Promise<TfjsRunner>,
    /** onnxruntime's session of model bytes (tests make it fail to take the TF.js path). */
    private readonly createSession = (bytes: Uint8Array) => ort.InferenceSession.create(bytes),
  ) {
    this.graph = checkBuildable(spec.document, 'export')
    this.weights = decodeTensors(spec.weights)
    this.byNode = weightsByNode(this.graph, this.weights)
    this.blockOutputs = expandWithOutputs(spec.document, inferGraph(spec.document)).outputOf
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await s.then((x) => x.session.release()).catch(() => {})
    this.sessions.clear()
    this.samples.clear()
  }

  /** The onnxruntime session, or null (with `onnxFailure` saying why) where the model cannot be emitted or loaded. */
  private async session(which: 'logits' | 'all') {
    if (this.onnxFailure) return null
    let s = this.sessions.get(which)
    if (!s) {
      s = (async () => {
        const model = runOnnx(this.graph, this.byNode, { everyNode: which === 'all' })
        return { session: await this.createSession(model.bytes), outputs: model.outputs }
      })()
      this.sessions.set(which, s)
    }
    try {
      return await s
    } catch (e) {
      this.onnxFailure = `onnxruntime could not run this model (${(e as Error).message}); TF.js ran it instead`
      this.sessions.delete(which)
      return null
    }
  }

  private dataset(): Promise<DatasetData> {
    this.data ??= loadDatasetFor(this.spec.document, this.spec.dataset, this.spec.dataDir)
      .then((ds) => makeTrainData(ds, this.spec.hyperparameters))
      .catch((e) => {
        this.data = null
        throw new InsightError(
          `The run's dataset could not be loaded: ${(e as Error).message} Make it available (cnn-studio datasets) and try again.`,
        )
      })
    return this.data
  }

  private get input() {
    return this.graph.input
  }

  private get perImage() {
    const { height, width, channels } = this.input
    return height * width * channels
  }

  /** Logits of `n` preprocessed NHWC images, on onnxruntime or TF.js. */
  private async logits(
    x: Float32Array,
    n: number,
  ): Promise<{ logits: Float32Array; engine: InferenceEngine }> {
    const s = await this.session('logits')
    const { height, width, channels } = this.input
    if (s) {
      const out = await s.session.run({ images: new ort.Tensor('float32', x, [n, height, width, channels]) })
      return { logits: out.logits.data as Float32Array, engine: 'onnxruntime' }
    }
    const tf = await this.tfjs()
    return { logits: await tf.logits(this.tfSource, x, n), engine: 'tfjs' }
  }

  async evaluate(split: EvalSplit): Promise<Omit<Evaluation, 'createdAt'>> {
    const started = Date.now()
    const data = await this.dataset()
    const s = SPLIT[split]
    const count = s === 'val' ? data.valCount : data.testCount
    if (count === 0)
      throw new InsightError(
        split === 'validation'
          ? 'This run has no validation split (its validation share is 0): evaluate it on the test split.'
          : "The run's dataset has no test images.",
      )
    const k = this.graph.classes
    const logits = new Float32Array(count * k)
    const labels = new Int32Array(count)
    const size = batchFor(this.graph.analysis.totals.macs)
    let engine: InferenceEngine = 'onnxruntime'
    for (let start = 0; start < count; start += size) {
      const m = Math.min(size, count - start)
      const batch = data.evalBatch(s, start, m)
      const out = await this.logits(batch.x, m)
      engine = out.engine
      logits.set(out.logits.subarray(0, m * k), start * k)
      labels.set(batch.y, start)
    }
    return {
      runId: this.spec.runId,
      split,
      epoch: this.spec.epoch,
      engine,
      engineNote: engine === 'tfjs' ? this.onnxFailure : null,
      classes: this.spec.classes,
      ...evaluationMetrics(logits, labels, this.spec.classes),
      elapsedMs: Date.now() - started,
    }
  }

  async samplesOf(split: EvalSplit, indices: number[]): Promise<SampleImage[]> {
    const data = await this.dataset()
    return indices.map((index) => {
      const { set, row } = this.rowOf(data, split, index)
      const per = set.height * set.width * set.channels
      return {
        index,
        label: set.labels[row],
        image: { height: set.height, width: set.width, channels: set.channels },
        pixels: Buffer.from(set.images.subarray(row * per, (row + 1) * per)).toString('base64'),
      }
    })
  }

  private rowOf(data: DatasetData, split: EvalSplit, index: number) {
    try {
      return data.evalRow(SPLIT[split], index)
    } catch (e) {
      throw new InsightError((e as Error).message)
    }
  }

  /** A sample as the network sees it: normalised NHWC floats, with its pixels and label. */
  async prepare(source: SampleSource): Promise<Preprocessed> {
    if (source.kind === 'dataset') {
      const data = await this.dataset()
      const { set, row } = this.rowOf(data, source.split, source.index)
      const per = this.perImage
      const { x, y } = data.evalBatch(SPLIT[source.split], source.index, 1)
      return { x, label: y[0], pixels: set.images.subarray(row * per, (row + 1) * per) }
    }
    const standardised = this.spec.hyperparameters.normalize === 'standardize'
    const normalization = standardised ? ((await this.dataset()).normalization ?? null) : null
    return preprocessFile(source.file, this.input, normalization)
  }

  private outputsFor(source: SampleSource): Promise<SampleOutputs> {
    const key = sampleKey(source)
    let p = this.samples.get(key)
    if (!p) {
      p = this.computeOutputs(source)
      p.catch(() => this.samples.delete(key))
      this.samples.set(key, p)
      while (this.samples.size > KEPT_SAMPLES) this.samples.delete(this.samples.keys().next().value!)
    } else {
      // Most recently used last.
      this.samples.delete(key)
      this.samples.set(key, p)
    }
    return p
  }

  private async computeOutputs(source: SampleSource): Promise<SampleOutputs> {
    const input = await this.prepare(source)
    const s = await this.session('all')
    const maps = new Map<string, { shape: number[]; values: Float32Array }>()
    const { analysis } = this.graph
    if (s) {
      const { height, width, channels } = this.input
      const out = await s.session.run({
        images: new ort.Tensor('float32', input.x, [1, height, width, channels]),
      })
      for (const [id, name] of s.outputs) {
        const shape = (analysis.nodes[id].outputShape as number[]).slice(1)
        const values = out[name].data as Float32Array
        maps.set(id, { shape, values: shape.length === 3 ? nchwToNhwc(values, shape) : values.slice() })
      }
      return { input, maps, logits: maps.get(this.graph.outputId)!.values, engine: 'onnxruntime' }
    }
    const tf = await this.tfjs()
    const all = await tf.activations(this.tfSource, input.x)
    for (const [id, values] of all)
      maps.set(id, { shape: (analysis.nodes[id].outputShape as number[]).slice(1), values })
    return { input, maps, logits: maps.get(this.graph.outputId)!.values, engine: 'tfjs' }
  }

  /** An expanded node id, or a block's id meaning its output node. */
  private resolve(nodeId: string): string {
    return this.blockOutputs.get(nodeId) ?? nodeId
  }

  async activations(source: SampleSource): Promise<Activations> {
    const started = Date.now()
    const out = await this.outputsFor(source)
    const nodes: Record<string, NodeActivation> = {}
    for (const [id, m] of out.maps) nodes[id] = summarise(m.shape, m.values)
    for (const [block, inner] of this.blockOutputs) if (nodes[inner]) nodes[block] = nodes[inner]
    const probabilities = Array.from(softmaxRow(out.logits, 0, out.logits.length))
    const { height, width, channels } = this.input
    return {
      runId: this.spec.runId,
      sample: {
        source,
        label: out.input.label,
        image: { height, width, channels },
        pixels: Buffer.from(out.input.pixels).toString('base64'),
      },
      classes: this.spec.classes,
      probabilities,
      predicted: probabilities.indexOf(Math.max(...probabilities)),
      nodes,
      engine: out.engine,
      elapsedMs: Date.now() - started,
    }
  }

  async featureMap(source: SampleSource, nodeId: string): Promise<FeatureMap> {
    const out = await this.outputsFor(source)
    const m = out.maps.get(this.resolve(nodeId))
    if (!m) throw new InsightError(this.unknownNode(nodeId, 'has no output for this sample'))
    let min = Infinity
    let max = -Infinity
    for (const v of m.values) {
      if (v < min) min = v
      if (v > max) max = v
    }
    return { nodeId, shape: m.shape, values: float32ToBase64(m.values), min, max }
  }

  private unknownNode(nodeId: string, what: string): string {
    const exists = this.graph.analysis.nodes[this.resolve(nodeId)]
    return exists
      ? `Node '${nodeId}' ${what}: it does not feed the Output node.`
      : `The run's graph has no node '${nodeId}' (it may have been added after the run was trained).`
  }

  weightsOf(nodeId: string): NodeWeights {
    const node = this.graph.expanded.nodes.find((n) => n.id === nodeId)
    if (!node)
      throw new InsightError(
        this.blockOutputs.has(nodeId)
          ? `'${nodeId}' is a block: open one of its layers to see its weights.`
          : this.unknownNode(nodeId, 'has no weights'),
      )
    const names = tfjsWeightOrder(this.graph).filter((w) => w.nodeId === nodeId)
    const arrays = this.byNode.get(nodeId) ?? []
    return {
      nodeId,
      kind: node.kind,
      tensors: arrays.map((a, i) => ({
        name: names[i].weight,
        shape: a.shape,
        values: float32ToBase64(a.data as Float32Array),
      })),
    }
  }

  /** The run's model for TF.js. */
  get tfSource(): TfjsModelSource {
    return { key: this.spec.key, document: this.spec.document, weights: this.weights }
  }

  async predict(files: SampleSource[], top: number): Promise<Prediction[]> {
    const preds: Prediction[] = []
    const k = this.graph.classes
    for (const f of files) {
      const input = await this.prepare(f)
      const { logits } = await this.logits(input.x, 1)
      const p = softmaxRow(logits, 0, k)
      const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b)
      preds.push({
        name: f.kind === 'image' ? f.file.name : `${f.split} ${f.index}`,
        top: order
          .slice(0, top)
          .map((c) => ({ class: c, name: this.spec.classes[c] ?? `class ${c}`, probability: p[c] })),
      })
    }
    return preds
  }

  async attribution(
    source: SampleSource,
    method: AttributionMethod,
    classIndex: number,
    nodeId?: string,
  ): Promise<Attribution> {
    if (classIndex >= this.graph.classes)
      throw new InsightError(
        `Class ${classIndex} does not exist: the network has ${this.graph.classes} classes (0 to ${this.graph.classes - 1}).`,
      )
    const input = (await this.outputsFor(source)).input
    const runner = await this.tfjs()
    const built = runner.model(this.tfSource)
    const { height, width } = this.input
    let map
    try {
      map =
        method === 'grad-cam'
          ? gradCam(runner.tf, built, input.x, classIndex, nodeId && this.resolve(nodeId))
          : { ...saliency(runner.tf, built, input.x, classIndex), nodeId: null }
    } catch (e) {
      // The attribution module's refusals name the node or class at fault.
      throw new InsightError((e as Error).message)
    }
    return { method, classIndex, nodeId: map.nodeId, height, width, values: float32ToBase64(map.values) }
  }
}
