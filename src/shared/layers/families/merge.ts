import { z } from 'zod'

const MIN_INPUTS = 2
const MAX_INPUTS = 16

/**
 * What Add and Concat share: an ordered number of inputs, chosen by the user, which sets how many
 * input handles the node has.
 */
export const mergeInputs = {
  params: z.strictObject({
    inputs: z
      .int()
      .min(MIN_INPUTS)
      .max(MAX_INPUTS)
      .default(MIN_INPUTS)
      .meta({ description: `Number of ordered inputs (${MIN_INPUTS} to ${MAX_INPUTS})` }),
  }),
  arity: { min: MIN_INPUTS, max: MAX_INPUTS },
  inputCount: (p: { inputs: number }) => p.inputs,
}
