import type { Shape } from '../tensor/shape'
import { formatShape } from '../tensor/shape'
import type { LayerError } from './errors'

/** Checks that an input is a 4-D NHWC map; the error names the fix (inputs from Dense are 2-D). */
export function expect4d(layer: string, s: Shape, port = 0): LayerError | undefined {
  if (s.length === 4) return undefined
  return {
    message: `${layer} needs a 4-D feature map (height×width×channels) but its input is ${formatShape(s)} (${s.length - 1}-D). Connect it to a convolution or pooling output, not to a Dense or Flatten output.`,
    port,
  }
}

const features = (n: number): string => `${n} feature${n === 1 ? '' : 's'}`

/** Checks that an input is a flat feature vector, suggesting Flatten or global pooling otherwise. */
export function expect2d(layer: string, s: Shape, port = 0): LayerError | undefined {
  if (s.length === 2) return undefined
  if (s.length === 4) {
    const flat = (s[1] as number) * (s[2] as number) * (s[3] as number)
    return {
      message: `${layer} needs a flat vector but its input is the ${s.length - 1}-D map ${formatShape(s)}. Insert a Flatten (${features(flat)}) or a GlobalAvgPool2D (${features(s[3] as number)}) before it.`,
      port,
      fix: { type: 'insertBefore', label: 'Insert Flatten', port, kind: 'Flatten', params: {} },
    }
  }
  return { message: `${layer} needs a flat vector but its input is ${formatShape(s)}.`, port }
}
