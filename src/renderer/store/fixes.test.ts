import { describe, expect, it } from 'vitest'
import { inferGraph } from '../../shared/graph/infer'
import { chain } from '../../shared/graph/test-kit'
import { applyFixOption, fixOptions } from './fixes'

const net = (units: number, classes: number) =>
  chain([
    ['in', 'Input', { height: 4, width: 4, channels: 1 }],
    ['f', 'Flatten'],
    ['d', 'Dense', { units }],
    ['out', 'Output', { classes }],
  ])

const labels = (doc: ReturnType<typeof net>, classes: number | null) =>
  fixOptions(doc, inferGraph(doc), 'out', classes).map((o) => o.label)

describe('one-click fixes', () => {
  it("offer a Dense (128) into Output (10) 'Set units to 10' before 'Set classes to 128'", () => {
    const doc = net(128, 10)
    expect(labels(doc, null)).toEqual(['Set units to 10', 'Set classes to 128'])
    const fixed = applyFixOption(doc, 'out', fixOptions(doc, inferGraph(doc), 'out', null)[0])
    expect(fixed.nodes.find((n) => n.id === 'd')!.params.units).toBe(10)
    expect(inferGraph(fixed).errors).toEqual([])
  })

  it("offer the chosen dataset's class count, setting the Output's classes with the units", () => {
    const doc = net(128, 10)
    const option = fixOptions(doc, inferGraph(doc), 'out', 5)[0]
    expect(option.label).toBe('Set units to 5')
    const fixed = applyFixOption(doc, 'out', option)
    expect(fixed.nodes.find((n) => n.id === 'd')!.params.units).toBe(5)
    expect(fixed.nodes.find((n) => n.id === 'out')!.params.classes).toBe(5)
    expect(inferGraph(fixed).errors).toEqual([])
  })

  it('make a ReLU Dense before the Output linear with its units: logits are not clipped at 0', () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 4, channels: 1 }],
      ['f', 'Flatten'],
      ['d', 'Dense', { units: 128, activation: 'relu' }],
      ['out', 'Output', { classes: 10 }],
    ])
    const [option] = fixOptions(doc, inferGraph(doc), 'out', null)
    expect(option.label).toBe('Set units to 10, linear')
    const fixed = applyFixOption(doc, 'out', option)
    expect(fixed.nodes.find((n) => n.id === 'd')!.params).toMatchObject({ units: 10, activation: 'linear' })
    expect(inferGraph(fixed).errors).toEqual([])
  })

  it("keep the kind's own fix alone where the Output is not fed by a Dense", () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 4, channels: 1 }],
      ['f', 'Flatten'],
      ['out', 'Output', { classes: 10 }],
    ])
    expect(labels(doc, null)).toEqual(['Set classes to 16'])
  })

  it('offer nothing for a node without an error', () => {
    expect(labels(net(10, 10), 10)).toEqual([])
  })
})
