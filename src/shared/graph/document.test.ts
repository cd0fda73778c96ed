import { describe, expect, it } from 'vitest'
import { GRAPH_FORMAT, parseDocument, parseDocumentJson } from './document'
import { MAX_DOCUMENT_DEPTH } from './json-depth'

describe('parseDocument', () => {
  const valid = {
    format: GRAPH_FORMAT,
    version: 1,
    nodes: [{ id: 'in', kind: 'Input', params: { height: 28 } }],
    edges: [],
  }

  it('reads a valid document and fills defaults', () => {
    const r = parseDocument(valid)
    expect(r.error).toBeUndefined()
    expect(r.doc!.name).toBe('Untitled')
    expect(r.doc!.nodes[0].params).toEqual({ height: 28 })
  })

  it('keeps bad layer parameters for the analysis to report, but rejects a bad structure', () => {
    expect(
      parseDocument({ ...valid, nodes: [{ id: 'x', kind: 'Conv2D', params: { filters: -1 } }] }).doc,
    ).toBeDefined()
    expect(parseDocument({ ...valid, edges: [{ source: 'a', target: 'b', targetPort: -1 }] }).error).toMatch(
      /^Invalid graph document: edges\[0\]\.targetPort: /,
    )
    expect(parseDocument({ ...valid, nodes: [{ id: 42, kind: 'Input' }] }).error).toMatch(/nodes\[0\]\.id/)
  })

  it('explains what is wrong with something that is not a graph', () => {
    expect(parseDocument([]).error).toMatch(/must be a JSON object/)
    expect(parseDocument({ format: 'onnx' }).error).toBe(
      'Not a CNN Studio graph: "format" is "onnx", expected "cnn-studio/graph".',
    )
    expect(parseDocument({ ...valid, version: 2 }).error).toMatch(
      /saved by a newer CNN Studio \(format version 2;/,
    )
    expect(parseDocument({ ...valid, version: '1' }).error).toMatch(/"version" must be a positive integer/)
    expect(parseDocumentJson('{"format": ').error).toMatch(/^The file is not valid JSON: /)
  })

  it(`refuses parameters nested deeper than ${MAX_DOCUMENT_DEPTH} levels, naming where`, () => {
    /** A document whose deepest value is `levels` deep: root, nodes, the node, params, then `deep`. */
    const withDepth = (levels: number) => {
      let v: unknown = 1
      for (let i = 0; i < levels - 4; i++) v = { a: v }
      const nodes = [valid.nodes[0], { id: 'x', kind: 'Dense', params: { units: 2, deep: v } }]
      return { ...valid, nodes }
    }
    expect(parseDocument(withDepth(MAX_DOCUMENT_DEPTH)).error).toBeUndefined()
    const message =
      'Invalid graph document: nodes[1].params.deep.a.a…: nested more than 400 levels deep (objects or arrays inside each other). Parameter values are numbers, strings, booleans or short lists: remove the nesting.'
    for (const levels of [MAX_DOCUMENT_DEPTH + 1, 1_500, 20_000]) {
      expect(parseDocument(withDepth(levels)).error).toBe(message)
      // As a file: JSON.parse reads any depth (it is not recursive); the schema refuses it.
      const text = `{"format":"${GRAPH_FORMAT}","version":1,"edges":[],"nodes":[${JSON.stringify(valid.nodes[0])},{"id":"x","kind":"Dense","params":{"units":2,"deep":${'{"a":'.repeat(levels - 4)}1${'}'.repeat(levels - 4)}}}]}`
      expect(parseDocumentJson(text).error).toBe(message)
    }
  })
})
