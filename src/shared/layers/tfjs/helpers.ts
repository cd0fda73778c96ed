import type * as tfjsModule from '@tensorflow/tfjs'
import type { ExplicitPadding, Padding, ActivationName } from '../params'
import type { Tfjs, TfjsBuildCtx, TfLayer } from './types'

type Sym = tfjsModule.SymbolicTensor
type Layer = tfjsModule.layers.Layer

/** Applies layers in sequence to one input: how a kind made of several TF.js layers is built. */
export function chain(...layers: Layer[]): TfLayer {
  if (layers.length === 1) return layers[0]
  return (inputs: Sym[]) => layers.reduce<Sym>((x, l) => l.apply(x) as Sym, inputs[0])
}

/**
 * The trailing activation as a separate layer (leaky ReLU has no activation identifier in
 * tfjs-layers, and a separate layer keeps the convolution's own output shape checkable).
 */
export function activationLayers(tf: Tfjs, fn: ActivationName, name: string, alpha = 0.2): Layer[] {
  if (fn === 'linear') return []
  if (fn === 'leakyRelu') return [tf.layers.leakyReLU({ alpha, name })]
  return [tf.layers.activation({ activation: fn, name })]
}

/** Kernel initialiser seeded per layer: He-uniform suits the ReLU networks users build here. */
export function kernelInit(tf: Tfjs, ctx: TfjsBuildCtx) {
  return ctx.weightsFollow ? tf.initializers.zeros() : tf.initializers.heUniform({ seed: ctx.seed })
}

/**
 * TF.js knows 'valid' and 'same'; explicit per-side padding becomes a ZeroPadding2D in front of a
 * 'valid' layer. Returns the padding layers to prepend and the mode to give the layer itself.
 */
export function explicitPaddingLayers(
  tf: Tfjs,
  padding: Padding,
  name: string,
): { pre: Layer[]; mode: 'valid' | 'same' } {
  if (typeof padding === 'string') return { pre: [], mode: padding }
  const { top, bottom, left, right } = padding as ExplicitPadding
  if (top + bottom + left + right === 0) return { pre: [], mode: 'valid' }
  return {
    pre: [
      tf.layers.zeroPadding2d({
        padding: [
          [top, bottom],
          [left, right],
        ],
        name: `${name}__pad`,
      }),
    ],
    mode: 'valid',
  }
}
