import { resolveKind } from '../../shared/graph/kinds'
import { analyse } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { setExpanded } from '../store/edits'
import { nodeSizer } from './block-layout'
import { autoLayout } from './layout'
import { nodeById } from './node-by-id'

/**
 * Commands on the whole graph or one node that the toolbar, the inspector, the node card and the
 * context menu share.
 */

/** The canvas's readable fit (view-fit.ts `useReadableFit`). */
type Fit = () => void

/** Fits the graph in view; an empty graph keeps its view (a queued fit would jump to the first drop). */
export function fitGraph(fit: Fit): void {
  if (useDocument.getState().doc.nodes.length > 0) fit()
}

/** Lays the graph out top to bottom, then fits it in view. */
export function arrange(fit: Fit): void {
  useDocument.getState().change((d) => autoLayout(d, nodeSizer(analyse(d))))
  requestAnimationFrame(() => fitGraph(fit))
}

export const isBlock = (kind: string) => resolveKind(kind)?.type === 'block'

/** Shows or hides a block's layers, laying the graph out again around its new size. */
export function toggleBlock(id: string): void {
  useDocument.getState().change((d) => {
    const node = nodeById(d, id)
    if (!node || !isBlock(node.kind)) return d
    const next = setExpanded(d, id, !node.expanded)
    return autoLayout(next, nodeSizer(analyse(next)))
  })
}
