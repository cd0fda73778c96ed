import type * as tfjsModule from '@tensorflow/tfjs'
import type { Tfjs } from './types'

type Tensor = tfjsModule.Tensor
type Tensor4D = tfjsModule.Tensor4D
type LayerShape = (number | null)[]

export interface PaddedPoolConfig {
  name: string
  mode: 'max' | 'avg'
  poolSize: [number, number]
  strides: [number, number]
  /** Rows and columns added on each side, including the extra bottom/right rows of ceil mode. */
  pads: { top: number; bottom: number; left: number; right: number }
}

export interface LrnConfig {
  name: string
  /** TF's depth radius: (size − 1) / 2. */
  radius: number
  bias: number
  /** TF's alpha: the registry's (PyTorch's) alpha divided by size. */
  alpha: number
  beta: number
}

// Padded max pooling: padded cells must never win, so they hold the lowest float32 rather than
// −∞ (a window of −∞ would turn gradients into NaN).
const LOWEST_FLOAT32 = -3.4028234663852886e38

/**
 * Layers tfjs-layers lacks, defined against the injected TF.js namespace (src/shared never imports
 * TF.js at run time), once per namespace.
 */
export interface CustomLayers {
  PaddedPool: new (cfg: PaddedPoolConfig) => tfjsModule.layers.Layer
  LocalResponseNorm: new (cfg: LrnConfig) => tfjsModule.layers.Layer
}
const cache = new WeakMap<Tfjs, CustomLayers>()
export function customLayers(tf: Tfjs): CustomLayers {
  let layers = cache.get(tf)
  if (!layers) cache.set(tf, (layers = define(tf)))
  return layers
}

function define(tf: Tfjs): CustomLayers {
  const one = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor4D

  /**
   * Pooling with explicit or ceil-mode padding, which TF.js pooling lacks. Max pooling pads with the
   * lowest float; average pooling pads with zeros and divides by the number of real pixels in each
   * window (count_include_pad = false, the registry's convention).
   */
  class PaddedPool extends tf.layers.Layer {
    static className = 'CnnStudioPaddedPool'
    readonly cfg: PaddedPoolConfig
    constructor(cfg: PaddedPoolConfig) {
      super({ name: cfg.name })
      this.cfg = cfg
    }
    override computeOutputShape(shape: LayerShape | LayerShape[]): LayerShape {
      const s = (Array.isArray(shape[0]) ? shape[0] : shape) as LayerShape
      const { poolSize: k, strides: st, pads } = this.cfg
      const out = (n: number, before: number, after: number, kk: number, ss: number) =>
        Math.floor((n + before + after - kk) / ss) + 1
      return [
        s[0],
        out(s[1]!, pads.top, pads.bottom, k[0], st[0]),
        out(s[2]!, pads.left, pads.right, k[1], st[1]),
        s[3],
      ]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = one(inputs)
        const { poolSize, strides, pads, mode } = this.cfg
        const spec: [number, number][] = [
          [0, 0],
          [pads.top, pads.bottom],
          [pads.left, pads.right],
          [0, 0],
        ]
        if (mode === 'max')
          return tf.maxPool(tf.pad(x, spec, LOWEST_FLOAT32) as Tensor4D, poolSize, strides, 'valid')
        const sum = tf.avgPool(tf.pad(x, spec) as Tensor4D, poolSize, strides, 'valid')
        const [, h, w] = x.shape
        const share = tf.avgPool(tf.pad(tf.ones([1, h, w, 1]), spec) as Tensor4D, poolSize, strides, 'valid')
        return tf.div(sum, share)
      })
    }
    override getConfig() {
      return { ...super.getConfig(), ...this.cfg }
    }
  }

  /** AlexNet's local response normalisation across channels (tf.localResponseNormalization). */
  class LocalResponseNorm extends tf.layers.Layer {
    static className = 'CnnStudioLocalResponseNorm'
    readonly cfg: LrnConfig
    constructor(cfg: LrnConfig) {
      super({ name: cfg.name })
      this.cfg = cfg
    }
    override computeOutputShape(shape: LayerShape | LayerShape[]): LayerShape {
      return (Array.isArray(shape[0]) ? shape[0] : shape) as LayerShape
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      const { radius, bias, alpha, beta } = this.cfg
      return tf.localResponseNormalization(one(inputs), radius, bias, alpha, beta)
    }
    override getConfig() {
      return { ...super.getConfig(), ...this.cfg }
    }
  }

  tf.serialization.registerClass(PaddedPool)
  tf.serialization.registerClass(LocalResponseNorm)
  return { PaddedPool, LocalResponseNorm }
}
