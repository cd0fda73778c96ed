import { describe, expect, it } from 'vitest'
import { float32ToBase64 } from '../../../shared/tensor/base64'
import { convWeights } from './node-weights'

const t = (name: string, shape: number[]) => ({
  name,
  shape,
  values: float32ToBase64(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i)),
})

describe('a convolution’s weights', () => {
  it('are the 4-D kernel (HWIO) and the bias of cout values', () => {
    const w = convWeights({
      nodeId: 'c',
      kind: 'Conv2D',
      tensors: [t('c/kernel', [3, 3, 2, 4]), t('c/bias', [4])],
    })
    if ('error' in w) throw new Error(w.error)
    expect([w.kernel.kh, w.kernel.kw, w.kernel.cin, w.kernel.cout]).toEqual([3, 3, 2, 4])
    expect(w.kernel.values[71]).toBe(71)
    expect([...w.bias!]).toEqual([0, 1, 2, 3])
  })
  it('have no bias with useBias off, and say so when there is no kernel', () => {
    const w = convWeights({ nodeId: 'c', kind: 'Conv2D', tensors: [t('k', [1, 1, 1, 2])] })
    expect('error' in w ? w.error : w.bias).toBe(null)
    expect(convWeights({ nodeId: 'd', kind: 'Dense', tensors: [t('d/kernel', [4, 2])] })).toEqual({
      error: 'd (Dense) has no 4-D kernel among its weights (d/kernel [4, 2]).',
    })
  })
})
