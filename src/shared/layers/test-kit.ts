import { inferGraph, type NodeAnalysis } from '../graph/infer'
import { testDoc } from '../graph/test-kit'

/**
 * Analyses one layer fed by Inputs of the given [h, w, c] shapes, or by a Flatten of them for a
 * 1-element shape [f] (a flat vector), through the real inferGraph. For tests.
 */
export function one(kind: string, params: Record<string, unknown>, ...inputs: number[][]): NodeAnalysis {
  const nodes: [string, string, Record<string, unknown>?][] = []
  const edges: [string, string, number][] = []
  inputs.forEach((s, i) => {
    const [h, w, c] = s.length === 1 ? [1, 1, s[0]] : s
    nodes.push([`in${i}`, 'Input', { height: h, width: w, channels: c }])
    if (s.length === 1) {
      nodes.push([`flat${i}`, 'Flatten'])
      edges.push([`in${i}`, `flat${i}`, 0])
    }
    edges.push([s.length === 1 ? `flat${i}` : `in${i}`, 'x', i])
  })
  nodes.push(['x', kind, params])
  return inferGraph(testDoc(nodes, edges)).nodes.x
}
