import { describe, expect, it } from 'vitest'
import { GRAPH_FORMAT, parseDocument, parseDocumentJson } from './document'

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
})
