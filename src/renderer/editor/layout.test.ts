import { describe, expect, it } from 'vitest'
import { getTemplate } from '../../shared/templates'
import { autoLayout, ensurePositions, NODE_HEIGHT } from './layout'

describe('autoLayout', () => {
  it('places every node, inputs above what they feed', () => {
    const doc = autoLayout(getTemplate('lenet5')!.document)
    const y = new Map(doc.nodes.map((n) => [n.id, n.position!.y]))
    for (const e of doc.edges) expect(y.get(e.target)!).toBeGreaterThanOrEqual(y.get(e.source)! + NODE_HEIGHT)
  })

  it('keeps positions that exist', () => {
    const doc = autoLayout(getTemplate('lenet5')!.document)
    expect(ensurePositions(doc)).toBe(doc)
  })
})
