import { describe, expect, it } from 'vitest'
import { METHOD_NAMES } from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'
import { createServices } from '.'

describe('createServices', () => {
  const services = createServices()

  it('serves every method of the contract', () => {
    expect(Object.keys(services).sort()).toEqual([...METHOD_NAMES].sort())
  })

  it('lists the built-in templates, and each one opens and analyses without error', async () => {
    const list = await services['templates.list']({})
    expect(list.length).toBeGreaterThan(0)
    for (const t of list) {
      const doc = await dispatch(services, 'templates.get', { name: t.name })
      expect(doc.ok, t.name).toBe(true)
      if (!doc.ok) continue
      const analysis = await dispatch(services, 'graph.analyse', { document: doc.value })
      expect(analysis).toMatchObject({ ok: true, value: { errors: [], documentErrors: [] } })
      expect(t.trainable, t.name).toBeGreaterThan(0)
    }
  })
})
