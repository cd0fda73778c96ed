import { useReactFlow } from '@xyflow/react'
import { useEffect, useRef } from 'react'
import type { Api } from '../../../shared/api/contract'
import { useDocument } from '../../store/document-store'
import { useUi } from '../../store/ui-store'
import { useInsight } from '../insight-store'
import { NodeView } from './NodeView'
import { SampleBar } from './SampleBar'
import './network.css'

/**
 * Over the editor while a run is shown: the sample bar above the canvas and the open node's view
 * below it. Selecting one node on the canvas opens its view.
 */
export function InsightLayer({ api }: { api: Api }) {
  const runId = useInsight((s) => s.runId)
  const nodeOpen = useInsight((s) => s.nodeId !== null)
  const flow = useReactFlow()
  // The sample bar and the node view take rows from the canvas: fit the graph to what is left when
  // they come or go. Not on mounting (the canvas has its own first view), and never an empty graph:
  // React Flow would queue that fit and pull the first dropped node to the centre.
  const rows = useRef(`${runId}:${nodeOpen}`)
  useEffect(() => {
    if (rows.current === `${runId}:${nodeOpen}`) return
    rows.current = `${runId}:${nodeOpen}`
    if (useDocument.getState().doc.nodes.length === 0) return
    const frame = requestAnimationFrame(() => void flow.fitView({ maxZoom: 1, duration: 200 }))
    return () => cancelAnimationFrame(frame)
  }, [flow, runId, nodeOpen])
  useEffect(() => {
    if (!runId) return
    const open = (selection: ReadonlySet<string>) => {
      if (selection.size === 1) useInsight.getState().openNode([...selection][0]!)
    }
    open(useUi.getState().selection)
    return useUi.subscribe((s, prev) => s.selection !== prev.selection && open(s.selection))
  }, [runId])
  if (!runId) return null
  return (
    <>
      <SampleBar api={api} />
      <NodeView api={api} />
    </>
  )
}
