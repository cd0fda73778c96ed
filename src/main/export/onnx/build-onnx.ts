import { irVersionFor, type InputLayout } from '../../../shared/api/export'
import { APP_VERSION } from '../../app-version'
import type { BuiltModel } from '../../model/build-model'
import { emitGraph } from './emit-graph'
import { serializeModel, type OnnxModel } from './serialize'

export const PRODUCER = { name: 'cnn-studio', version: APP_VERSION } as const

/** How a consumer turns pixels (0–255) into the model's input: (pixel · scale − mean[c]) / std[c]. */
export interface Preprocess {
  scale: number
  mean: number[]
  std: number[]
  layout: InputLayout
}

export interface OnnxExportInfo {
  projectName: string
  classes: string[]
  preprocess: Preprocess
  opset: number
  layout: InputLayout
  /** A line for the model's doc_string: which run and epoch, or untrained. */
  provenance: string
}

/** Each expanded node's weights, read from its TF.js layer (copies, in TF.js order and layout). */
export function weightsReader(built: BuiltModel): (nodeId: string) => Float32Array[] {
  return (nodeId) => {
    const name = built.layerNames.get(nodeId)
    if (!name) return []
    return built.model
      .getLayer(name)
      .getWeights()
      .map((w) => w.dataSync() as Float32Array)
  }
}

/** The ONNX model of a built TF.js model (its current weights) as plain data. */
export function onnxModelOf(built: BuiltModel, info: OnnxExportInfo): OnnxModel {
  const graph = emitGraph(built, {
    opset: info.opset,
    inputLayout: info.layout,
    weightsOf: weightsReader(built),
  })
  return {
    irVersion: irVersionFor(info.opset),
    opset: info.opset,
    producerName: PRODUCER.name,
    producerVersion: PRODUCER.version,
    graphName: info.projectName,
    docString: `${info.projectName}: exported by CNN Studio (${info.provenance}).`,
    ...graph,
    metadata: {
      'cnn_studio.project': info.projectName,
      'cnn_studio.classes': JSON.stringify(info.classes),
      'cnn_studio.preprocess': JSON.stringify(info.preprocess),
      'cnn_studio.weights': info.provenance,
    },
  }
}

export const onnxBytes = (built: BuiltModel, info: OnnxExportInfo): Uint8Array =>
  serializeModel(onnxModelOf(built, info))
