import { z } from 'zod'
import { elementsPerSample } from '../../tensor/shape'
import { defineLayer, noMacs, noParams, ok } from '../define-layer'

export const flatten = defineLayer({
  kind: 'Flatten',
  palette: {
    label: 'Flatten',
    category: 'reshape',
    doc: 'Unrolls a height×width×channels map into one vector, in NHWC order (channels fastest), as TensorFlow does. A flat input passes unchanged.',
    summary: () => 'to vector',
  },
  params: z.strictObject({}),
  arity: { min: 1, max: 1 },
  inferShape: (_p, [x]) => ok([null, elementsPerSample(x)]),
  paramCount: noParams,
  macs: noMacs,
  toTfjs: (tf, _p, ctx) => tf.layers.flatten({ name: ctx.name }),
})
