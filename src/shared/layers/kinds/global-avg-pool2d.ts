import { defineGlobalPool } from '../families/global-pool'

export const globalAvgPool2d = defineGlobalPool(
  'GlobalAvgPool2D',
  'GlobalAvgPool2D',
  'Averages each channel over the whole height × width, giving a vector of channels: the usual bridge from convolutions to the classifier (ResNet, MobileNet, GoogLeNet).',
  'avg',
)
