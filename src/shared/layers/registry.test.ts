import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BLOCKS } from '../blocks/registry'
import type { Shape } from '../tensor/shape'
import { CATEGORIES } from './categories'
import { isVariadic } from './define-layer'
import { LAYERS } from './registry'

/** An input each kind accepts with its default parameters. */
function defaultInputs(kind: string, count: number): Shape[] {
  if (kind === 'Input') return []
  if (kind === 'Dense') return [[null, 10]]
  if (kind === 'Output') return [[null, 10]]
  return Array.from({ length: count }, () => [null, 32, 32, 8])
}

/** Every category but the blocks' own. */
const LAYER_CATEGORIES = CATEGORIES.map((c) => c.id).filter((id) => id !== 'block')

const isCount = (n: number) => Number.isInteger(n) && n >= 0

describe('layer registry conformance', () => {
  for (const [key, spec] of Object.entries(LAYERS)) {
    describe(key, () => {
      const p = spec.params.parse({}) as never

      it('is keyed by its kind and described for the palette', () => {
        expect(spec.kind).toBe(key)
        expect(LAYER_CATEGORIES).toContain(spec.palette.category)
        expect(spec.palette.label.length).toBeGreaterThan(0)
        expect(spec.palette.doc.length).toBeGreaterThan(30)
        expect(spec.palette.summary(p).length).toBeGreaterThan(0)
      })

      it('describes every parameter for the inspector form', () => {
        expect(spec.params).toBeInstanceOf(z.ZodObject)
        for (const [name, field] of Object.entries((spec.params as z.ZodObject).shape)) {
          expect(field.meta()?.description, `${key}.${name}`).toBeTruthy()
          // every field has a default: omitting it alone still parses
          expect(field.safeParse(undefined).success, `${key}.${name} default`).toBe(true)
        }
        const json = z.toJSONSchema(spec.params, { io: 'input', unrepresentable: 'any' }) as {
          properties?: Record<string, { description?: string }>
        }
        for (const [name, field] of Object.entries(json.properties ?? {}))
          expect(field.description, `${key}.${name}`).toBeTruthy()
      })

      if (isVariadic(spec))
        it("takes as many inputs as its 'inputs' parameter says (the wiring messages name it)", () => {
          const shape = (spec.params as z.ZodObject).shape
          expect(Object.keys(shape)).toContain('inputs')
          for (const n of [spec.arity.min, spec.arity.max])
            expect(spec.inputCount(spec.params.parse({ inputs: n }) as never)).toBe(n)
        })

      it('infers a shape from its defaults with non-negative integer counts', () => {
        const n = spec.inputCount(p)
        expect(n).toBeGreaterThanOrEqual(spec.arity.min)
        expect(n).toBeLessThanOrEqual(spec.arity.max)
        const inputs = defaultInputs(key, n)
        const r = spec.inferShape(p, inputs)
        expect(r.error).toBeUndefined()
        const out = r.shape!
        expect(out[0]).toBeNull()
        for (const d of out.slice(1)) expect(Number.isInteger(d) && (d as number) > 0).toBe(true)
        const c = spec.paramCount(p, inputs, out)
        expect(isCount(c.trainable) && isCount(c.nonTrainable)).toBe(true)
        expect(isCount(spec.macs(p, inputs, out))).toBe(true)
      })
    })
  }
})

describe('block registry conformance', () => {
  for (const [key, spec] of Object.entries(BLOCKS)) {
    it(`${key} expands its defaults into known layer kinds wired from the block input`, () => {
      const p = spec.params.parse({}) as never
      expect(spec.kind).toBe(key)
      expect(spec.palette.category).toBe('block')
      const sub = spec.expand(p, [null, 28, 28, 64])
      if ('error' in sub) throw new Error(sub.error.message)
      const ids = new Set(sub.nodes.map((n) => n.id))
      for (const n of sub.nodes) expect(Object.keys(LAYERS)).toContain(n.kind)
      expect(ids.has(sub.output)).toBe(true)
      for (const e of sub.edges) expect(ids.has(e.target)).toBe(true)
      expect(sub.edges.some((e) => e.source === '@in')).toBe(true)
      expect('error' in spec.expand(p, [null, 10])).toBe(true)
    })
  }
})
