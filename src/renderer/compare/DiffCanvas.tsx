import {
  Background,
  Controls,
  Handle,
  Panel,
  Position,
  ReactFlow,
  ReactFlowProvider,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react'
import { memo, useMemo } from 'react'
import type { GraphDiff } from '../../shared/graph/diff'
import type { GraphDocument } from '../../shared/graph/document'
import { inferGraph } from '../../shared/graph/infer'
import { autoLayout, NODE_WIDTH } from '../editor/layout'
import { changeTexts, kindLabel, nodeText } from './diff-text'

type Mark = 'added' | 'changed' | 'same'
type DiffNodeData = { label: string; name: string; summary: string; mark: Mark; changes: string[] }

/** A card's height (kind and name, summary), and each line of changed parameters under it. */
const CARD = 58
const LINE = 16

/** A read-only card: kind, name, the kind's summary, and for a changed node what changed. */
const DiffNode = memo(function DiffNode({ id, data }: NodeProps<Node<DiffNodeData>>) {
  return (
    <div className={`diff-node diff-${data.mark}`} data-testid={`diff-node-${id}`} data-mark={data.mark}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="diff-node-head">
        <span className="diff-node-kind">{data.label}</span>
        <span className="diff-node-name">{data.name}</span>
        {data.mark !== 'same' && <span className="diff-node-mark">{data.mark}</span>}
      </div>
      <div className="diff-node-summary">{data.summary}</div>
      {data.changes.map((c) => (
        <div key={c} className="diff-node-change">
          {c}
        </div>
      ))}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  )
})

/** Declared once: React Flow re-mounts every node when this object changes. */
const nodeTypes = { diff: DiffNode }

/**
 * The newer graph on a read-only canvas, laid out afresh (changed cards are taller): added layers
 * green, changed ones amber with what changed, new connections green; removed layers listed in red
 * in a corner, since they are not in this graph. It opens on the changes and their neighbours. Its own React Flow store, apart from the editor's.
 */
export function DiffCanvas({ doc, diff }: { doc: GraphDocument; diff: GraphDiff }) {
  const { nodes, edges, fit } = useMemo(() => {
    const added = new Set(diff.added.map((n) => n.id))
    const changed = new Map(diff.changed.map((c) => [c.id, changeTexts(c)]))
    const analysis = inferGraph(doc)
    const laid = autoLayout(doc, (n) => ({
      width: NODE_WIDTH,
      height: CARD + (changed.get(n.id)?.length ?? 0) * LINE,
    }))
    const nodes: Node<DiffNodeData>[] = laid.nodes.map((n) => ({
      id: n.id,
      type: 'diff',
      position: n.position!,
      width: NODE_WIDTH,
      data: {
        label: kindLabel(n.kind),
        name: n.name ?? n.id,
        summary: analysis.nodes[n.id]?.summary ?? '',
        mark: added.has(n.id) ? 'added' : changed.has(n.id) ? 'changed' : 'same',
        changes: changed.get(n.id) ?? [],
      },
    }))
    const fresh = new Set(diff.edgesAdded.map((e) => `${e.source}->${e.target}:${e.targetPort}`))
    const edges: Edge[] = doc.edges.map((e) => {
      const id = `${e.source}->${e.target}:${e.targetPort}`
      return {
        id,
        source: e.source,
        target: e.target,
        className: fresh.has(id) ? 'diff-edge-added' : undefined,
      }
    })
    // The first view: the changes with their neighbours, readable, rather than a whole deep network
    // shrunk to illegible cards (the controls zoom out to all of it).
    const marked = new Set([...added, ...changed.keys()])
    for (const e of diff.edgesAdded) marked.add(e.source).add(e.target)
    const focus = new Set(marked)
    for (const e of doc.edges)
      if (marked.has(e.source) || marked.has(e.target)) focus.add(e.source).add(e.target)
    const fit = {
      maxZoom: 1,
      padding: 0.15,
      ...(focus.size ? { nodes: [...focus].map((id) => ({ id })) } : {}),
    }
    return { nodes, edges, fit }
  }, [doc, diff])

  return (
    <div className="diff-canvas" data-testid="diff-canvas">
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          // The wheel scrolls the dialog; the buttons zoom.
          zoomOnScroll={false}
          preventScrolling={false}
          fitView
          fitViewOptions={fit}
          minZoom={0.05}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={24} />
          <Controls showInteractive={false} />
          {diff.removed.length > 0 && (
            <Panel position="top-right" className="diff-removed-panel" data-testid="diff-canvas-removed">
              <strong>Removed</strong>
              {diff.removed.map((n) => (
                <div key={n.id}>− {nodeText(n)}</div>
              ))}
            </Panel>
          )}
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  )
}
