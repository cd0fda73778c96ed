import { definePool } from '../families/pool'

export const maxPool2d = definePool(
  'MaxPool2D',
  'MaxPool2D',
  'Keeps the largest value of each window, per channel. Padded pixels never win (they count as −∞).',
  'max',
)
