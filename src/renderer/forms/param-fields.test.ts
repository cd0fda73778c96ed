import { describe, expect, it } from 'vitest'
import { LAYERS } from '../../shared/layers/registry'
import { BLOCKS } from '../../shared/blocks/registry'
import { fieldsOf, readNumber } from './param-fields'

describe('fieldsOf', () => {
  it('reads the form of Conv2D from its schema', () => {
    expect(fieldsOf(LAYERS.Conv2D.params).map((f) => [f.key, f.type])).toEqual([
      ['filters', 'integer'],
      ['kernelSize', 'pair'],
      ['strides', 'pair'],
      ['padding', 'padding'],
      ['dilation', 'pair'],
      ['useBias', 'boolean'],
      ['activation', 'enum'],
    ])
    expect(fieldsOf(LAYERS.ZeroPadding2D.params)[0].type).toBe('sides')
  })

  it('gives every parameter of every kind and block a control and a label', () => {
    for (const spec of [...Object.values(LAYERS), ...Object.values(BLOCKS)])
      for (const f of fieldsOf(spec.params))
        expect(f.label.length, `${spec.kind}.${f.key}`).toBeGreaterThan(2)
  })

  it('reads typed numbers', () => {
    expect(readNumber('12', true)).toBe(12)
    expect(readNumber('1.5', true)).toBeUndefined()
    expect(readNumber('1e-3', false)).toBe(0.001)
    expect(readNumber('', false)).toBeUndefined()
    expect(readNumber('-', false)).toBeUndefined()
  })
})
