import type { GraphDocument } from '../../shared/graph/document'
import type { GraphAnalysis } from '../../shared/graph/infer'
import type { Fix } from '../../shared/layers/errors'
import { dense } from '../../shared/layers/kinds/dense'
import { output } from '../../shared/layers/kinds/output'
import { applyFix } from './edits'

/** One button next to an error: one label, one or more fixes applied as one edit (one undo step). */
export interface FixOption {
  label: string
  fixes: Fix[]
}

/**
 * The one-click fixes for a node's error, the likeliest first. Its kind's fix, and for an Output
 * fed by a Dense whose units differ from the classes, before it, setting the Dense's units: the
 * dataset's class count when one is chosen (with the Output's classes if they differ too), else the
 * Output's classes. A beginner's Dense (128) into Output (10) means the units, not 128 classes.
 */
export function fixOptions(
  doc: GraphDocument,
  analysis: GraphAnalysis,
  nodeId: string,
  datasetClasses: number | null,
): FixOption[] {
  const error = analysis.nodes[nodeId]?.error
  const own = error?.fix ? [{ label: error.fix.label, fixes: [error.fix] }] : []
  const node = doc.nodes.find((n) => n.id === nodeId)
  if (node?.kind !== 'Output' || error?.param !== 'classes') return own
  const edge = doc.edges.find((e) => e.target === nodeId && e.targetPort === 0)
  const source = edge && doc.nodes.find((n) => n.id === edge.source)
  const features = analysis.nodes[nodeId]?.inputShapes[0]?.[1]
  if (source?.kind !== 'Dense' || typeof features !== 'number') return own
  const parsed = output.params.safeParse(node.params)
  if (!parsed.success) return own
  const classes = parsed.data.classes
  const n = datasetClasses ?? classes
  const fixes: Fix[] = [
    { type: 'setInputParam', label: `Set units to ${n}`, port: 0, param: 'units', value: n },
  ]
  if (n !== classes)
    fixes.push({ type: 'setParam', label: `Set classes to ${n}`, param: 'classes', value: n })
  // The Dense before the Output gives the logits: a ReLU there (the palette drops Dense with one)
  // would clip every negative score to 0, so the fix makes them linear too and says so.
  const activation = dense.params.safeParse(source.params)
  const linear = !activation.success || activation.data.activation === 'linear'
  if (!linear)
    fixes.push({
      type: 'setInputParam',
      label: 'Make the logits linear',
      port: 0,
      param: 'activation',
      value: 'linear',
    })
  const label = `Set units to ${n}${linear ? '' : ', linear'}`
  // With a dataset of as many classes as the Dense has units, its own fix already says it.
  const rest = own.filter((o) => !(n === features && o.label === `Set classes to ${n}`))
  return [{ label, fixes }, ...rest]
}

export function applyFixOption(doc: GraphDocument, nodeId: string, option: FixOption): GraphDocument {
  return option.fixes.reduce((d, fix) => applyFix(d, nodeId, fix).doc, doc)
}
