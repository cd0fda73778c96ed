import { useEffect } from 'react'
import type { Api } from '../../../shared/api/contract'
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
  // The sample bar and the node view take rows from the canvas, which fits the graph again itself
  // whenever its size changes (editor/Canvas.tsx).
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
