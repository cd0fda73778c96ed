import { z } from 'zod'

/** Add and Concat take an ordered number of inputs, chosen by the user. */
export const mergeInputs = () =>
  z.int().min(2).max(16).default(2).meta({ description: 'Number of ordered inputs (2 to 16)' })
