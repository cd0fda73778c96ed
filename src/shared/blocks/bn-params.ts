import { z } from 'zod'

/** BatchNorm settings shared by the blocks; the defaults differ (torchvision vs Keras Applications). */
export const bnParams = (epsilon: number, momentum: number) => ({
  epsilon: z.number().gt(0).default(epsilon).meta({ description: 'BatchNorm epsilon' }),
  momentum: z
    .number()
    .gt(0)
    .lt(1)
    .default(momentum)
    .meta({ description: 'BatchNorm moving-average momentum (Keras convention; PyTorch 0.1 = 0.9)' }),
})

export const blockStrides = () =>
  z.int().min(1).max(4).default(1).meta({ description: 'Stride of the block (2 halves height and width)' })
