import { describe, expect, it } from 'vitest'
import { inferGraph } from './infer'
import { chain, testDoc } from './test-kit'

describe('inferGraph', () => {
  it('infers shapes, counts and totals along a chain', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 32, width: 32, channels: 3 }],
        ['c1', 'Conv2D', { filters: 16, kernelSize: 3, padding: 'same', strides: 2 }],
        ['c2', 'Conv2D', { filters: 8, kernelSize: 5, useBias: false }],
      ]),
    )
    expect(a.nodes.c1.outputShape).toEqual([null, 16, 16, 16])
    expect(a.nodes.c1.params).toEqual({ trainable: 3 * 3 * 3 * 16 + 16, nonTrainable: 0 })
    expect(a.nodes.c1.macs).toBe(16 * 16 * 16 * 27)
    expect(a.nodes.c2.outputShape).toEqual([null, 12, 12, 8])
    expect(a.nodes.c2.params!.trainable).toBe(5 * 5 * 16 * 8)
    expect(a.order).toEqual(['in', 'c1', 'c2'])
    expect(a.totals.trainable).toBe(448 + 3200)
    expect(a.totals.activationBytes).toBe((32 * 32 * 3 + 16 * 16 * 16 + 12 * 12 * 8) * 4)
    expect(a.errors).toEqual([])
  })

  it('reports a kernel larger than its input once, and marks what follows unknown', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 5, width: 5, channels: 1 }],
        ['big', 'Conv2D', { kernelSize: 7 }],
        ['after', 'Conv2D', {}],
      ]),
    )
    expect(a.nodes.big.status).toBe('error')
    expect(a.nodes.big.error!.message).toBe(
      "kernel 7×7 > input 5×5 with padding 'valid': output would be −1×−1 (height and width: out = ⌊(5 + 0 + 0 − 1·(7−1) − 1) / 1⌋ + 1 = −1). Use padding 'same' or a smaller kernel.",
    )
    expect(a.nodes.big.error!.fix).toMatchObject({ type: 'setParam', param: 'padding', value: 'same' })
    expect(a.nodes.after.status).toBe('unknown')
    expect(a.nodes.after.error).toBeNull()
    expect(a.errors.map((e) => e.nodeId)).toEqual(['big'])
  })

  it('names a node with no path from an Input', () => {
    const a = inferGraph(testDoc([['lonely', 'Conv2D']]))
    expect(a.nodes.lonely.error!.message).toMatch(
      /'lonely' \(Conv2D\) has no input, so no path from an Input reaches it/,
    )
  })

  it('finds cycles and names them', () => {
    const a = inferGraph(
      testDoc(
        [
          ['in', 'Input'],
          ['a', 'Conv2D'],
          ['b', 'Conv2D'],
          ['c', 'Conv2D'],
        ],
        [
          ['a', 'b'],
          ['b', 'a'],
          ['b', 'c'],
        ],
      ),
    )
    expect(a.nodes.a.error!.message).toMatch(/cycle \((a → b → a|b → a → b)\)/)
    expect(a.nodes.b.status).toBe('error')
    expect(a.nodes.c.status).toBe('unknown')
    expect(a.order.slice(0, 1)).toEqual(['in'])
  })

  it('reports unknown kinds, bad and unknown parameters without throwing', () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 0 }],
        ['x', 'Conv3D'],
      ]),
    )
    expect(a.nodes.in.error).toMatchObject({ param: 'height' })
    expect(a.nodes.in.error!.message).toMatch(/^Parameter 'height': .*\(got 0\)\.$/)
    expect(a.nodes.x.error!.message).toBe(
      "Unknown kind 'Conv3D'. Replace this node with one from the palette.",
    )
    const b = inferGraph(chain([['in', 'Input', { hieght: 3 }]]))
    expect(b.nodes.in.error!.message).toBe("Unknown parameter 'hieght': remove it.")
  })

  it('reports doubled, extra and dangling connections', () => {
    const a = inferGraph(
      testDoc(
        [
          ['in', 'Input'],
          ['in2', 'Input'],
          ['c', 'Conv2D'],
          ['d', 'Conv2D'],
        ],
        [
          ['in', 'c'],
          ['in2', 'c'],
          ['in', 'in2'],
          ['ghost', 'd'],
          ['in', 'nowhere'],
        ],
      ),
    )
    expect(a.nodes.c.error!.message).toMatch(/Input 1 of 'c' is connected twice/)
    expect(a.nodes.in2.error!.message).toMatch(/takes no input, but one is connected/)
    expect(a.nodes.d.error!.message).toMatch(/comes from 'ghost', which does not exist/)
    expect(a.documentErrors).toEqual([
      "A connection from 'in' goes to 'nowhere', which does not exist; it is ignored.",
    ])
  })

  it("offers to change 'inputs' only where the number of inputs is a parameter", () => {
    const a = inferGraph(
      testDoc(
        [
          ['in', 'Input', { height: 4, width: 4, channels: 2 }],
          ['add', 'Add'],
          ['cat', 'Concat'],
          ['c', 'Conv2D'],
        ],
        [
          ['in', 'add', 0],
          ['in', 'add', 1],
          ['in', 'add', 2],
          ['in', 'cat', 0],
          ['in', 'cat', 0],
          ['in', 'c', 1],
        ],
      ),
    )
    expect(a.nodes.add.error).toEqual({
      message:
        "'add' (Add) takes 2 inputs, but input 3 is connected. Remove the extra connection or raise 'inputs' to 3.",
      port: 2,
      param: 'inputs',
    })
    expect(a.nodes.cat.error!.message).toMatch(
      /connected twice .* Remove one connection or move it to a free input\.$/,
    )
    expect(a.nodes.c.error).toEqual({
      message: "'c' (Conv2D) takes 1 input, but input 2 is connected. Remove the extra connection.",
      port: 1,
      param: undefined,
    })
  })

  it('survives a long chain without recursion limits', () => {
    const nodes: [string, string, Record<string, unknown>][] = [
      ['in', 'Input', { height: 8, width: 8, channels: 4 }],
    ]
    for (let i = 0; i < 5000; i++) nodes.push([`c${i}`, 'Conv2D', { filters: 4, padding: 'same' }])
    const a = inferGraph(chain(nodes))
    expect(a.nodes.c4999.outputShape).toEqual([null, 8, 8, 4])
  })

  it("gives each node its number of inputs: the kind's for its parameters, else the least, else 1", () => {
    const a = inferGraph(
      testDoc([
        ['in', 'Input', { height: 8, width: 8, channels: 4 }],
        ['badIn', 'Input', { height: -1 }],
        ['c', 'Conv2D'],
        ['add3', 'Add', { inputs: 3 }],
        ['badAdd', 'Add', { inputs: 'many' }],
        ['cat', 'Concat', { inputs: 4 }],
        ['block', 'ResidualBasic', {}],
        ['ghost', 'NoSuchKind'],
      ]),
    )
    const counts = Object.fromEntries(Object.values(a.nodes).map((n) => [n.id, n.inputCount]))
    expect(counts).toEqual({ in: 0, badIn: 0, c: 1, add3: 3, badAdd: 2, cat: 4, block: 1, ghost: 1 })
  })

  it("keeps a block's expansion on its analysis, the layers its inner analyses are of", () => {
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 8, width: 8, channels: 16 }],
        ['block', 'ResidualBasic', { filters: 32, strides: 2 }],
      ]),
    )
    const block = a.nodes.block
    expect(block.expansion!.nodes.map((n) => n.id)).toContain('proj')
    expect(block.expansion!.output).toBe('out_relu')
    expect(block.inner).toEqual(block.expansion!.nodes.map((n) => `block/${n.id}`))
    expect(a.nodes.in.expansion).toBeUndefined()
    // No input shape, bad parameters, an input the block cannot take: nothing to expand.
    const none = inferGraph(
      testDoc(
        [
          ['lonely', 'ResidualBasic'],
          ['in', 'Input', { height: 8, width: 8, channels: 16 }],
          ['bad', 'ResidualBasic', { filters: 0 }],
          ['flat', 'Flatten'],
          ['wrong', 'ResidualBasic'],
        ],
        [
          ['in', 'bad'],
          ['in', 'flat'],
          ['flat', 'wrong'],
        ],
      ),
    )
    expect(['lonely', 'bad', 'wrong'].map((id) => none.nodes[id].expansion)).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    expect(none.nodes.wrong.status).toBe('error')
  })

  it('keeps the expansion of a block whose first input is known but whose wiring is wrong', () => {
    const a = inferGraph(
      testDoc(
        [
          ['in', 'Input', { height: 8, width: 8, channels: 16 }],
          ['other', 'Input', { height: 8, width: 8, channels: 16 }],
          ['block', 'ResidualBasic', { filters: 16 }],
        ],
        [
          ['in', 'block'],
          ['other', 'block', 1],
        ],
      ),
    )
    const block = a.nodes.block
    expect(block.status).toBe('error')
    expect(block.error!.message).toMatch(/takes 1 input/)
    expect(block.expansion!.output).toBe('out_relu')
  })
})
