import type * as tfjsModule from '@tensorflow/tfjs'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { formatShape } from '../../shared/tensor/shape'
import type { BuiltModel } from '../model/build-model'
import { nodeInputs, outputAncestors, type BuildableGraph } from '../model/buildable'
import { evaluateFed } from '../model/evaluate-fed'

type Tensor = tfjsModule.Tensor
type Tensor4D = tfjsModule.Tensor4D

/** A map over the input image, one value a pixel. */
export interface Heatmap {
  height: number
  width: number
  /** Row-major, height × width, scaled to 0…1 by the largest value (all zeros when that is 0). */
  values: Float32Array
}

const CONVOLUTIONS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'])

/** Height, width and channels of a node's output when it is 3-D (per sample); null otherwise. */
function spatialShape(graph: BuildableGraph, id: string) {
  const s = graph.analysis.nodes[id]?.outputShape
  return s?.length === 4 ? { h: s[1] as number, w: s[2] as number, c: s[3] as number } : null
}

const kindOf = (graph: BuildableGraph, id: string) => graph.expanded.nodes.find((n) => n.id === id)?.kind

/**
 * The node Grad-CAM uses by default: the last node of a convolutional kind (Conv2D, DepthwiseConv2D,
 * SeparableConv2D; inside blocks too, as expanded ids `block/inner`) whose output is 3-D [h, w, c]
 * and reaches the Output. Last means deepest (the longest path from the Input, in nodes), ties going
 * to the later in topological order: in a residual block with a projection, the main branch's second
 * convolution rather than the 1×1 projection of the block's input that the expansion lists after it.
 * One whose map is larger than 1×1 is preferred: a 1×1 map (LeNet-5's C5) gives the same value at
 * every pixel, a heatmap that shows nothing; a 1×1 one is taken only when there is no other. Null when
 * the network has no convolution leading to the Output.
 */
export function defaultGradCamNode(built: BuildableGraph): string | null {
  const reaches = outputAncestors(built)
  const sources = nodeInputs(built.expanded.edges)
  const depth = new Map<string, number>()
  for (const id of built.analysis.order)
    depth.set(id, Math.max(0, ...(sources.get(id) ?? []).map((s) => (depth.get(s) ?? 0) + 1)))
  const convs = built.analysis.order.filter(
    (id) => reaches.has(id) && CONVOLUTIONS.has(kindOf(built, id) ?? '') && spatialShape(built, id),
  )
  const deepest = (ids: string[]) =>
    ids.reduce<string | null>((best, id) => (best && depth.get(best)! > depth.get(id)! ? best : id), null)
  const wide = convs.filter((id) => {
    const { h, w } = spatialShape(built, id)!
    return h * w > 1
  })
  return deepest(wide) ?? deepest(convs)
}

/** The node Grad-CAM reads, checked: a node of this model with a 3-D output that leads to the Output. */
function gradCamTarget(built: BuiltModel, nodeId: string | undefined): string {
  const fallback = defaultGradCamNode(built)
  const orDefault = fallback ? `, or leave the node out to use the last convolution ('${fallback}')` : ''
  if (nodeId === undefined) {
    if (fallback) return fallback
    throw new Error(
      'Grad-CAM: this network has no convolutional layer (Conv2D, DepthwiseConv2D, SeparableConv2D) leading to the Output. Name a node with a 3-D output (height × width × channels), such as a pooling layer, or use a saliency map instead.',
    )
  }
  if (!built.tensors.has(nodeId)) {
    const inner = built.analysis.order.filter((id) => id.startsWith(`${nodeId}/`) && spatialShape(built, id))
    if (inner.length)
      throw new Error(
        `Grad-CAM: '${nodeId}' is a block; name one of its layers instead: ${inner.map((id) => `'${id}'`).join(', ')}.`,
      )
    throw new Error(
      `Grad-CAM: this model has no node '${nodeId}'. Name a layer of the network (inside a block: 'block/inner')${orDefault}.`,
    )
  }
  if (!spatialShape(built, nodeId)) {
    const s = built.analysis.nodes[nodeId].outputShape
    throw new Error(
      `Grad-CAM: '${nodeId}' (${kindOf(built, nodeId)}) outputs ${s ? formatShape(s) : 'nothing'}, not a 3-D map (height × width × channels). Choose a convolution, pooling or activation before the network flattens its features${orDefault}.`,
    )
  }
  if (!outputAncestors(built).has(nodeId))
    throw new Error(
      `Grad-CAM: '${nodeId}' does not lead to the Output, so no class score depends on it. Choose a node on a path to the Output${orDefault}.`,
    )
  return nodeId
}

/** The sample as a [1, h, w, c] tensor, after checking its size, its values and the class index. */
function checkedInput(tf: Tfjs, built: BuiltModel, image: Float32Array, classIndex: number): Tensor4D {
  const { height: h, width: w, channels: c } = built.input
  if (image.length !== h * w * c)
    throw new Error(
      `The image has ${image.length} values, but the model's input is ${h}×${w}×${c} = ${h * w * c} (height × width × channels, NHWC). Preprocess the image to the input size first.`,
    )
  const bad = image.findIndex((v) => !Number.isFinite(v))
  if (bad >= 0)
    throw new Error(`The image holds ${image[bad]} at index ${bad}: every value must be a finite number.`)
  const classes = `this model has ${built.classes} classes, numbered 0 to ${built.classes - 1}`
  if (!Number.isInteger(classIndex))
    throw new Error(`Class index ${classIndex} is not a whole number: ${classes}.`)
  if (classIndex < 0 || classIndex >= built.classes)
    throw new Error(`Class index ${classIndex} is out of range: ${classes}.`)
  return tf.tensor4d(image, [1, h, w, c])
}

/** The class's logit (the model's output is the logits, before softmax) as a scalar. */
const classLogit = (tf: Tfjs, logits: Tensor, classIndex: number) =>
  tf.sum(tf.slice(logits, [0, classIndex], [1, 1]))

/**
 * A node's output A for the sample and the gradient ∂ logit_class / ∂A, both [1, h, w, c]. A is fed
 * back into the graph (evaluateFed), so the gradient is the partial one: paths that bypass A (a
 * residual shortcut) are held. Call inside tf.tidy.
 */
function activationAndGradient(
  tf: Tfjs,
  built: BuiltModel,
  x: Tensor,
  classIndex: number,
  nodeId: string,
): { a: Tensor; g: Tensor } {
  const input = built.model.inputs[0]
  const output = built.model.outputs[0]
  const target = built.tensors.get(nodeId)!
  const a = evaluateFed(target, new Map([[input.id, x]]))
  const score = (fed: Tensor) =>
    classLogit(
      tf,
      evaluateFed(
        output,
        new Map([
          [input.id, x],
          [target.id, fed],
        ]),
      ),
      classIndex,
    )
  return { a, g: tf.grad(score)(a) }
}

/** Runs `read`, then disposes every tensor it made: tf.tidy for a result that holds no tensor. */
function tidyRead<T>(tf: Tfjs, read: () => T): T {
  let result!: T
  tf.tidy(() => {
    result = read()
  })
  return result
}

/** A [1, h, w, 1] or [1, h, w] tensor as a heatmap, divided by its largest value when that is above 0. */
function toHeatmap(t: Tensor, height: number, width: number): Heatmap {
  const values = new Float32Array(t.dataSync())
  let max = 0
  for (const v of values) if (v > max) max = v
  if (max > 0) for (let i = 0; i < values.length; i++) values[i] /= max
  return { height, width, values }
}

/**
 * Grad-CAM (Selvaraju et al., 2017) of one sample for one class: A = the node's output (h×w×c), g =
 * ∂ logit_class / ∂A (the logit before softmax, what the model outputs), α_c = the mean of g over
 * h, w, cam = ReLU(Σ_c α_c A_c), resized bilinearly (half-pixel centres, as OpenCV) to the input's
 * height × width and divided by its largest value. All zeros when that largest value is 0: no part of
 * the map speaks for the class.
 *
 * `image`: one preprocessed sample, NHWC float32 of the model's input size. `nodeId`: any expanded
 * node with a 3-D output leading to the Output (defaultGradCamNode when absent). Throws an Error
 * naming the problem for an unknown node, a node without a 3-D output, a class out of range or an
 * image of the wrong length.
 */
export function gradCam(
  tf: Tfjs,
  built: BuiltModel,
  image: Float32Array,
  classIndex: number,
  nodeId?: string,
): Heatmap & { nodeId: string } {
  const id = gradCamTarget(built, nodeId)
  const { height, width } = built.input
  return tidyRead(tf, () => {
    const x = checkedInput(tf, built, image, classIndex)
    const { a, g } = activationAndGradient(tf, built, x, classIndex, id)
    const alpha = tf.mean(g, [0, 1, 2])
    const cam = tf.relu(tf.sum(tf.mul(a, alpha), -1, true)) as Tensor4D
    const resized = tf.image.resizeBilinear(cam, [height, width], false, true)
    return { ...toHeatmap(resized, height, width), nodeId: id }
  })
}

/**
 * Saliency map (Simonyan et al., 2014) of one sample for one class: the largest over channels of
 * |∂ logit_class / ∂ input| at each pixel, divided by its largest value (all zeros when the gradient
 * is zero everywhere). Same `image` and errors as gradCam.
 */
export function saliency(tf: Tfjs, built: BuiltModel, image: Float32Array, classIndex: number): Heatmap {
  const { height, width } = built.input
  return tidyRead(tf, () => {
    const x = checkedInput(tf, built, image, classIndex)
    const input = built.model.inputs[0]
    const output = built.model.outputs[0]
    const score = (fed: Tensor) => classLogit(tf, evaluateFed(output, new Map([[input.id, fed]])), classIndex)
    const g = tf.grad(score)(x)
    return toHeatmap(tf.max(tf.abs(g), -1), height, width)
  })
}

/**
 * A node's output and the gradient of a class's logit with respect to it, for one sample, as Grad-CAM
 * uses them (h×w×c, row-major): for views that show the gradient itself, and for tests.
 */
export function nodeGradient(
  tf: Tfjs,
  built: BuiltModel,
  image: Float32Array,
  classIndex: number,
  nodeId: string,
): { shape: [number, number, number]; activation: Float32Array; gradient: Float32Array } {
  const id = gradCamTarget(built, nodeId)
  const { h, w, c } = spatialShape(built, id)!
  return tidyRead(tf, () => {
    const x = checkedInput(tf, built, image, classIndex)
    const { a, g } = activationAndGradient(tf, built, x, classIndex, id)
    return {
      shape: [h, w, c],
      activation: new Float32Array(a.dataSync()),
      gradient: new Float32Array(g.dataSync()),
    }
  })
}
