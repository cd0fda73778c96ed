import { defineGlobalPool } from '../families/global-pool'

export const globalMaxPool2d = defineGlobalPool(
  'GlobalMaxPool2D',
  'GlobalMaxPool2D',
  'Takes the largest value of each channel over the whole height × width, giving a vector of channels.',
  'max',
)
