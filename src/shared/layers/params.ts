import { z } from 'zod'

/** Shared parameter schemas. Every field has a default so `schema.parse({})` gives a usable layer. */

export const posInt = () => z.int().min(1)
export const nonNegInt = () => z.int().min(0)

/** A [height, width] pair; a single number n is read as [n, n]. */
export const pair = (defaultValue: number, min = 1) =>
  z
    .preprocess((v) => (typeof v === 'number' ? [v, v] : v), z.tuple([z.int().min(min), z.int().min(min)]))
    .default([defaultValue, defaultValue])

export type Pair = readonly [number, number]

export const explicitPadding = z.strictObject({
  top: nonNegInt(),
  bottom: nonNegInt(),
  left: nonNegInt(),
  right: nonNegInt(),
})
export type ExplicitPadding = z.infer<typeof explicitPadding>

/** 'valid', 'same' (TensorFlow's: odd pixel at the bottom and right) or explicit per side. */
export const padding = (defaultValue: 'valid' | 'same' = 'valid') =>
  z
    .preprocess(
      // A single number p means p on every side, as PyTorch's padding=p.
      (v) => (typeof v === 'number' ? { top: v, bottom: v, left: v, right: v } : v),
      z.union([z.enum(['valid', 'same']), explicitPadding]),
    )
    .default(defaultValue)
export type Padding = 'valid' | 'same' | ExplicitPadding

export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'leakyRelu',
  'elu',
  'tanh',
  'sigmoid',
  'swish',
  'softmax',
] as const
export type ActivationName = (typeof ACTIVATIONS)[number]
export const activation = (defaultValue: ActivationName = 'linear') =>
  z.enum(ACTIVATIONS).default(defaultValue).meta({ description: 'Applied to the output (linear: none)' })

export const formatPair = (p: Pair): string => `${p[0]}×${p[1]}`

export function formatPadding(p: Padding): string {
  if (typeof p === 'string') return p
  const { top, bottom, left, right } = p
  return top === bottom && bottom === left && left === right
    ? `pad ${top}`
    : `pad ${top},${bottom},${left},${right}`
}
