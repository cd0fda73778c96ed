import { formatShape, shapesEqual, type Shape } from '../../tensor/shape'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import type { LayerError } from '../errors'
import { mergeInputs } from '../families/merge'
import { singleNode } from '../onnx/helpers'
import { expression } from '../torch/helpers'

/**
 * When one 4-D input is larger than the reference by an integer factor (or equal in size) and
 * differs in channels, a 1×1 convolution on it with that stride (a projection shortcut, as in
 * ResNet) makes the shapes agree.
 */
function projectionFix(bad: Shape, ref: Shape, port: number): Pick<LayerError, 'fix'> & { hint: string } {
  const [, bh, bw] = bad as number[]
  const [, rh, rw, rc] = ref as number[]
  const s = bh / rh
  if (!Number.isInteger(s) || s < 1 || bw / rw !== s)
    return { hint: 'Give both branches the same strides and padding.' }
  const stride = s > 1 ? ` and stride ${s}` : ''
  return {
    hint: `Insert a 1×1 Conv2D with ${rc} filters${stride} on input ${port + 1} (a projection shortcut).`,
    fix: {
      type: 'insertBefore',
      label: `Insert 1×1 projection (${rc} filters${stride})`,
      port,
      kind: 'Conv2D',
      params: { filters: rc, kernelSize: 1, strides: s, useBias: false },
    },
  }
}

export const add = defineLayer({
  kind: 'Add',
  palette: {
    label: 'Add',
    category: 'merge',
    doc: 'Adds its inputs element by element, as the shortcut of a residual block. All inputs must have the same shape.',
    summary: (p) => `${p.inputs} inputs`,
  },
  ...mergeInputs,
  inferShape(_p, inputs) {
    const first = inputs[0]
    for (let j = 1; j < inputs.length; j++) {
      const x = inputs[j]
      if (shapesEqual(x, first)) continue
      if (first.length === 2 && x.length === 2)
        return fail({
          message: `Add needs equal shapes, but input 1 has ${first[1]} features and input ${j + 1} has ${x[1]}. Give both branches the same number of units.`,
          port: j,
        })
      if (first.length !== x.length)
        return fail({
          message: `Add needs equal shapes, but input 1 is ${formatShape(first)} and input ${j + 1} is ${formatShape(x)}. Flatten or pool the 4-D input first.`,
          port: first.length === 4 ? 0 : j,
        })
      // The input to fix is the spatially larger one (a strided projection brings it down), or at
      // equal size the narrower one (the shortcut, in a residual block).
      const area = (s: Shape) => (s[1] as number) * (s[2] as number)
      const firstIsBig =
        area(first) !== area(x) ? area(first) > area(x) : (first[3] as number) < (x[3] as number)
      const [big, bigPort, small] = firstIsBig ? [first, 0, x] : [x, j, first]
      const { hint, fix } = projectionFix(big, small, bigPort)
      return fail({
        message: `Add needs equal shapes, but input 1 is ${formatShape(first)} and input ${j + 1} is ${formatShape(x)}. ${hint}`,
        port: bigPort,
        fix,
      })
    }
    return ok(first)
  },
  paramCount: noParams,
  macs: noMacs,
  toTfjs: (tf, _p, ctx) => tf.layers.add({ name: ctx.name }),
  toOnnx: (p, ctx) => singleNode(ctx, p.inputs === 2 ? 'Add' : 'Sum'),
  toTorch: (_p, ctx) => expression(ctx.inputs.join(' + ')),
})
