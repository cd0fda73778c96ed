import type * as tfjsModule from '@tensorflow/tfjs'
import { join } from 'node:path'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { APP_VERSION } from '../app-version'

export const TFJS_FILES = { model: 'model.json', weights: 'weights.bin' } as const

export interface TfjsFiles {
  files: { path: string; data: Uint8Array | string }[]
  artifacts: tfjsModule.io.ModelArtifacts
  /** Layer classes of CNN Studio's own that another TF.js program must register to load the model. */
  customClasses: string[]
}

/**
 * The model in TF.js's layers format, in memory: model.json (topology and weights manifest) and one
 * weights.bin, as `tf.loadLayersModel('…/model.json')` reads them.
 */
export async function tfjsLayersFiles(
  tf: Tfjs,
  model: tfjsModule.LayersModel,
  folder: string,
): Promise<TfjsFiles> {
  let artifacts: tfjsModule.io.ModelArtifacts | undefined
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  const a = artifacts!
  const weightData = a.weightData
  const buffers = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData]
  const weights = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0))
  let offset = 0
  for (const b of buffers) {
    weights.set(new Uint8Array(b), offset)
    offset += b.byteLength
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: `cnn-studio ${APP_VERSION}`,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [TFJS_FILES.weights], weights: a.weightSpecs ?? [] }],
  }
  const topology = JSON.stringify(a.modelTopology)
  const customClasses = [
    'CnnStudioPaddedPool',
    'CnnStudioLocalResponseNorm',
    'CnnStudioDilatedDepthwiseConv2D',
  ].filter((c) => topology.includes(`"${c}"`))
  return {
    // model.json last: the writer renames the entry file into place after the weights it describes.
    files: [
      { path: join(folder, TFJS_FILES.weights), data: weights },
      { path: join(folder, TFJS_FILES.model), data: JSON.stringify(modelJson) },
    ],
    artifacts: { ...a, weightData: weights.buffer },
    customClasses,
  }
}
