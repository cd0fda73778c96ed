import { describe, expect, it } from 'vitest'
import { inferGraph } from '../../shared/graph/infer'
import { chain } from '../../shared/graph/test-kit'
import { GROUP_HEADER, layoutBlock, nodeSizer } from './block-layout'
import { NODE_HEIGHT, NODE_WIDTH } from './layout'

describe('nodeSizer', () => {
  const doc = chain([
    ['in', 'Input', { height: 8, width: 8, channels: 16 }],
    ['block', 'ResidualBasic', { filters: 32, strides: 2 }],
  ])

  it("sizes an expanded block from the analysis' expansion, a collapsed one as a card", () => {
    const analysis = inferGraph(doc)
    const block = doc.nodes[1]
    const expanded = nodeSizer(analysis)({ ...block, expanded: true })
    const layout = layoutBlock(analysis.nodes.block.expansion!)
    expect(expanded).toEqual({ width: layout.width, height: layout.height })
    expect(expanded.height).toBeGreaterThan(GROUP_HEADER + NODE_HEIGHT)
    expect(nodeSizer(analysis)(block)).toEqual({ width: NODE_WIDTH, height: NODE_HEIGHT })
    expect(nodeSizer(analysis)({ ...doc.nodes[0], expanded: true })).toEqual({
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    })
  })

  it('lays a block out once per analysis', () => {
    const analysis = inferGraph(doc)
    expect(layoutBlock(analysis.nodes.block.expansion!)).toBe(layoutBlock(analysis.nodes.block.expansion!))
  })
})
