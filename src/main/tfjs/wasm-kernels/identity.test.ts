import { beforeAll, describe, expect, it } from 'vitest'
import { setUpWasm, tf } from './test-kit'

beforeAll(async () => {
  await setUpWasm()
  await tf.setBackend('wasm')
})

const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds()

describe('Identity and Cast on wasm', () => {
  it('clone shares the data, and each tensor outlives the other', () => {
    const x = tf.tensor([1, 2, 3])
    const before = dataIds()
    const y = x.clone()
    expect(dataIds()).toBe(before)
    x.dispose()
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3])
    y.dispose()
    expect(dataIds()).toBe(before - 1)
  })

  it('a cast to the same type shares the data; to another type converts', () => {
    const x = tf.tensor([1.7, -2.2, 3])
    const before = dataIds()
    const same = tf.cast(x, 'float32')
    expect(dataIds()).toBe(before)
    const ints = tf.cast(x, 'int32')
    expect(dataIds()).toBe(before + 1)
    expect(ints.dtype).toBe('int32')
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3])
    // To bool: x ≠ 0 (the stock kernel gave [0, 2, 0, 0] and [0, 2, 253]).
    expect(Array.from(tf.cast(tf.tensor([0, 2, -0.5, NaN]), 'bool').dataSync())).toEqual([0, 1, 1, 1])
    expect(Array.from(tf.cast(tf.tensor([0, 2, -3], undefined, 'int32'), 'bool').dataSync())).toEqual([
      0, 1, 1,
    ])
    tf.dispose([x, same, ints])
  })

  it('shares strings too', () => {
    const s = tf.tensor(['a', 'bc'])
    expect(tf.clone(s).arraySync()).toEqual(['a', 'bc'])
  })

  it('gradients saved by reference are still right (a variable read twice, updated in between)', () => {
    const v = tf.variable(tf.tensor([1, 2, 3]))
    const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.square(t)))(v)
    v.assign(tf.tensor([4, 5, 6]))
    const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.square(t)))(v)
    expect(Array.from(g1.dataSync())).toEqual([2, 4, 6])
    expect(Array.from(g2.dataSync())).toEqual([8, 10, 12])
    tf.dispose([v, g1, g2])
  })
})
