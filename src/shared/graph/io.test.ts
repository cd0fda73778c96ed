import { describe, expect, it } from 'vitest'
import { getTemplate } from '../templates'
import { expandDocument } from './expand'
import { graphIo } from './io'
import { chain, testDoc } from './test-kit'

describe('graphIo', () => {
  it("reads the Input's size and the Output's classes, with their defaults", () => {
    const doc = chain([
      ['in', 'Input', { channels: 3 }],
      ['out', 'Output', {}],
    ])
    expect(graphIo(doc.nodes)).toEqual({ input: { height: 28, width: 28, channels: 3 }, classes: 10 })
  })

  it('leaves open what the graph does not say: no Input, two Outputs, a bad parameter', () => {
    const doc = chain([
      ['o1', 'Output', {}],
      ['o2', 'Output', {}],
    ])
    expect(graphIo(doc.nodes)).toEqual({ input: null, classes: null })
    expect(graphIo(chain([['in', 'Input', { height: -1 }]]).nodes).input).toBeNull()
  })

  it('says each side for itself: two Inputs leave the input open, not the classes', () => {
    const doc = testDoc([
      ['a', 'Input', {}],
      ['b', 'Input', { channels: 3 }],
      ['out', 'Output', { classes: 5 }],
    ])
    expect(graphIo(doc.nodes)).toEqual({ input: null, classes: 5 })
    expect(graphIo(testDoc([['out', 'Output', { classes: 1 }]]).nodes).classes).toBeNull()
    expect(graphIo([])).toEqual({ input: null, classes: null })
  })

  it('reads the same from a document and its expansion (blocks hold no Input or Output)', () => {
    const doc = getTemplate('resnet18')!.document
    expect(graphIo(doc.nodes)).toEqual({ input: { height: 224, width: 224, channels: 3 }, classes: 1000 })
    expect(graphIo(expandDocument(doc).nodes)).toEqual(graphIo(doc.nodes))
  })
})
