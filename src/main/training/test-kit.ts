import { chain } from '../../shared/graph/test-kit'
import { mulberry32 } from '../datasets/random'
import type { TrainData } from '../datasets/train-data'

/**
 * A small, learnable two-class problem for loop tests: 8×8 (or `side`×`side`) images bright in the
 * top half (class 0) or the bottom half (class 1), with noise. Deterministic for a seed.
 */
export function stripesData(counts = { train: 256, val: 64, test: 64 }, seed = 5, side = 8): TrainData {
  const [h, w] = [side, side]
  const make = (n: number, s: number) => {
    const rand = mulberry32(s)
    const x = new Float32Array(n * h * w)
    const y = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      y[i] = i % 2
      for (let r = 0; r < h; r++)
        for (let c = 0; c < w; c++) {
          const bright = r < h / 2 === (y[i] === 0)
          x[i * h * w + r * w + c] = (bright ? 0.7 : 0.2) + 0.3 * rand()
        }
    }
    return { x, y }
  }
  const train = make(counts.train, seed)
  const val = make(counts.val, seed + 1)
  const test = make(counts.test, seed + 2)
  const per = h * w
  return {
    shape: [h, w, 1],
    classes: 2,
    trainCount: counts.train,
    valCount: counts.val,
    testCount: counts.test,
    trainBatch(indices) {
      const x = new Float32Array(indices.length * per)
      const y = new Int32Array(indices.length)
      indices.forEach((k, i) => {
        x.set(train.x.subarray(k * per, (k + 1) * per), i * per)
        y[i] = train.y[k]
      })
      return { x, y }
    },
    evalBatch(split, start, size) {
      const s = split === 'val' ? val : test
      return { x: s.x.slice(start * per, (start + size) * per), y: s.y.slice(start, start + size) }
    },
  }
}

/** A small network for those images: conv, BatchNorm, pooling, dense. */
export const stripesNet = (extra: [string, string, Record<string, unknown>?][] = []) =>
  chain([
    ['in', 'Input', { height: 8, width: 8, channels: 1 }],
    ['conv', 'Conv2D', { filters: 4, kernelSize: 3, padding: 'same', useBias: false }],
    ['bn', 'BatchNorm'],
    ['relu', 'Activation'],
    ['pool', 'MaxPool2D'],
    ...extra,
    ['flat', 'Flatten'],
    ['fc', 'Dense', { units: 2 }],
    ['out', 'Output', { classes: 2 }],
  ])
