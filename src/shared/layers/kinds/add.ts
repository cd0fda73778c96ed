import { z } from 'zod'
import { formatShape, shapesEqual, type Shape } from '../../tensor/shape'
import { defineLayer, fail, noMacs, noParams, ok } from '../define-layer'
import type { LayerError } from '../errors'
import { mergeInputs } from '../merge'

/**
 * When one 4-D input is a spatially larger and/or narrower version of the reference, a strided
 * 1×1 convolution on it (a projection shortcut, as in ResNet) makes the shapes agree.
 */
function projectionFix(bad: Shape, ref: Shape, port: number): Pick<LayerError, 'fix'> & { hint: string } {
  const [, bh, bw, bc] = bad as number[]
  const [, rh, rw, rc] = ref as number[]
  const s = bh / rh
  if (
    bad.length !== 4 ||
    ref.length !== 4 ||
    !Number.isInteger(s) ||
    s < 1 ||
    bw / rw !== s ||
    (s === 1 && bc === rc)
  )
    return { hint: 'Make both branches produce the same shape.' }
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
  params: z.strictObject({ inputs: mergeInputs() }),
  arity: { min: 2, max: 16 },
  inputCount: (p) => p.inputs,
  inferShape(_p, inputs) {
    // Compare every input with the first; the one that differs is the one to fix (project the
    // larger map down to the smaller one, the usual residual repair).
    const first = inputs[0]
    for (let j = 1; j < inputs.length; j++) {
      if (shapesEqual(inputs[j], first)) continue
      const [big, bigPort, small] =
        first.length === 4 &&
        inputs[j].length === 4 &&
        (first[1] as number) >= (inputs[j][1] as number) &&
        (first[3] as number) <= (inputs[j][3] as number)
          ? [first, 0, inputs[j]]
          : [inputs[j], j, first]
      const { hint, fix } = projectionFix(big, small, bigPort)
      return fail({
        message: `Add needs equal shapes, but input 1 is ${formatShape(first)} and input ${j + 1} is ${formatShape(inputs[j])}. ${hint}`,
        port: bigPort,
        fix,
      })
    }
    return ok(first)
  },
  paramCount: noParams,
  macs: noMacs,
})
