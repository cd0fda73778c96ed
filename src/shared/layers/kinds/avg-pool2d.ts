import { definePool } from '../families/pool'

export const avgPool2d = definePool(
  'AvgPool2D',
  'AvgPool2D',
  'Averages each window, per channel. Padded pixels are left out of the average (count_include_pad = false, as TensorFlow’s same padding).',
  'avg',
)
