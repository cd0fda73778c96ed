import { describe, expect, it } from 'vitest'
import { parseParams } from '../../shared/graph/parse-params'
import { ALL_KINDS, resolveKind } from '../../shared/graph/kinds'
import { dropParams } from './drop-params'

describe('parameters of a node dropped from the palette', () => {
  it('give Conv2D and Dense ReLU, over schema defaults that stay linear', () => {
    for (const kind of ['Conv2D', 'Dense']) {
      expect(dropParams(kind)).toEqual({ activation: 'relu' })
      const spec = resolveKind(kind)!.spec
      expect((parseParams(spec.params, {}).value as { activation: string }).activation).toBe('linear')
    }
    expect(dropParams('Input')).toEqual({})
  })

  it('parse for every kind, and each is a fresh object', () => {
    for (const kind of ALL_KINDS) {
      const p = dropParams(kind)
      expect(parseParams(resolveKind(kind)!.spec.params, p).error, kind).toBeUndefined()
      expect(p).not.toBe(dropParams(kind))
    }
  })
})
