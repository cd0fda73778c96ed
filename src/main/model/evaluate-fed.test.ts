import * as tfjs from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { expectClose, rand } from '../tfjs/test-kit'
import { buildModel, type BuiltModel } from './build-model'
import { evaluateFed } from './evaluate-fed'
import { randomiseWeights } from './test-kit'

const tf = tfjs as unknown as Tfjs

// Explicit padding (a ZeroPadding2D before the convolution), a fused ReLU (an activation layer
// after it), a residual block with BatchNorm and Add, dropout, pooling, Flatten and Dense.
const doc = chain([
  ['in', 'Input', { height: 6, width: 6, channels: 2 }],
  [
    'stem',
    'Conv2D',
    { filters: 3, kernelSize: 3, padding: { top: 1, bottom: 1, left: 0, right: 2 }, activation: 'relu' },
  ],
  ['res', 'ResidualBasic', { filters: 3 }],
  ['drop', 'Dropout', { rate: 0.5 }],
  ['pool', 'AvgPool2D', { poolSize: 2, strides: 2 }],
  ['flat', 'Flatten'],
  ['dense', 'Dense', { units: 4, activation: 'relu' }],
  ['out', 'Output', { classes: 4 }],
])

let built: BuiltModel
let x: tfjs.Tensor
beforeAll(async () => {
  await tf.setBackend('cpu')
  built = buildModel(tf, doc)
  randomiseWeights(tf, built.model, 40)
  x = tf.tensor4d(rand(72, 5), [1, 6, 6, 2])
})
afterAll(() => {
  x.dispose()
  built.model.dispose()
})

const inputFeed = () => new Map([[built.model.inputs[0].id, x]])
const values = (t: tfjs.Tensor) => Array.from(t.dataSync())

describe('evaluateFed', () => {
  it('fed the input, computes what model.predict does (BatchNorm and Dropout in inference mode)', () => {
    const [got, want] = tf.tidy(() => [
      values(evaluateFed(built.model.outputs[0], inputFeed())),
      values(built.model.predict(x) as tfjs.Tensor),
    ])
    expectClose(got, want, 1e-5)
  })

  it('a fed intermediate cuts the graph there; paths around it still run', () => {
    tf.tidy(() => {
      const stem = evaluateFed(built.tensors.get('stem')!, inputFeed())
      // The main branch's last BatchNorm fed zeros: the block's output is ReLU(0 + shortcut) = the
      // identity shortcut through its ReLU, its input (non-negative: the stem's ReLU).
      const main = built.tensors.get('res/conv2_bn')!
      const feeds = new Map([...inputFeed(), [main.id, tf.zerosLike(stem)]])
      expectClose(values(evaluateFed(built.tensors.get('res/out_relu')!, feeds)), values(stem), 1e-6)
      // Fed its own value, the output is unchanged.
      const own = evaluateFed(main, inputFeed())
      const same = evaluateFed(built.model.outputs[0], new Map([...inputFeed(), [main.id, own]]))
      expectClose(values(same), values(built.model.predict(x) as tfjs.Tensor), 1e-5)
    })
  })

  it('says which input was not fed', () => {
    expect(() => evaluateFed(built.model.outputs[0], new Map())).toThrow(
      /no value was fed for in.*feed every model input/,
    )
  })
})
