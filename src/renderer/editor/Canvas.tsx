import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
} from '@xyflow/react'
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react'
import type { ViewState } from '../../shared/api/projects'
import type { GraphEdge } from '../../shared/graph/document'
import { useDocument } from '../store/document-store'
import { addNode, connect, moveNodes, removeElements } from '../store/edits'
import { useUi } from '../store/ui-store'
import { layoutBlock } from './block-layout'
import { useExpandedLayers, useFailingPorts, usePlacedNodes } from './canvas-inputs'
import { ContextMenu, type MenuAt } from './ContextMenu'
import { dropParams } from './drop-params'
import { isBlock, toggleBlock } from './graph-commands'
import { InnerNode } from './InnerNode'
import { LayerNode } from './LayerNode'
import { nodeById } from './node-by-id'
import { ShapeEdge } from './ShapeEdge'
import { NODE_HEIGHT, NODE_WIDTH } from './layout'
import { DELETE_KEYS } from './shortcuts'
import { ShortcutsOverlay } from './ShortcutsOverlay'
import { StableElements } from './stable-elements'
import { MINIMAP, useReadableFit, type Size } from './view-fit'

/** Declared once: React Flow re-mounts every node when this object changes. */
const nodeTypes = { layer: LayerNode, inner: InnerNode }
const edgeTypes = { shape: ShapeEdge }
// Props React Flow copies into its store whenever they change: declared once, so a re-render of the
// canvas (every drag frame) does not wake every subscriber of that store.
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control']
const PRO_OPTIONS = { hideAttribution: true }
const isValidConnection = (c: Connection | Edge) => c.source !== c.target
/** A layer card reads everything by id: one shared `data` keeps its memo from seeing a change. */
const NO_DATA = {}

export const KIND_MIME = 'application/x-cnn-studio-kind'

const edgeId = (e: GraphEdge) => `${e.source}->${e.target}:${e.targetPort}`

function parseEdgeId(id: string): GraphEdge | null {
  const m = /^(.*)->(.*):(\d+)$/.exec(id)
  return m ? { source: m[1], target: m[2], targetPort: Number(m[3]) } : null
}

/**
 * Deletes nodes and edges as one edit, one undo step. React Flow reports one delete as edge removals,
 * then node removals, then `onDelete` with both: the change handlers leave removals to this.
 */
export function deleteElements({ nodes, edges }: { nodes: readonly Node[]; edges: readonly Edge[] }): void {
  const ids = new Set(nodes.map((n) => n.id))
  const removed = edges.map((e) => parseEdgeId(e.id)).filter((e) => e !== null)
  useDocument.getState().change((d) => removeElements(d, ids, removed))
}

/** The graph canvas: a controlled React Flow over the document store. */
export function Canvas({ initialView }: { initialView?: ViewState | null }) {
  // Only what the lists read: a parameter edit changes none of it, so it re-renders no canvas.
  const placed = usePlacedNodes()
  const docEdges = useDocument((s) => s.doc.edges)
  const expandedLayers = useExpandedLayers()
  const failing = useFailingPorts()
  const change = useDocument((s) => s.change)
  const endGesture = useDocument((s) => s.endGesture)
  const selection = useUi((s) => s.selection)
  const select = useUi((s) => s.select)
  const flow = useReactFlow()
  // Unchanged nodes and edges keep their objects, so React Flow redraws only what changed.
  const [stable] = useState(() => new StableElements())
  const { fit, refit } = useReadableFit()

  // A panel opening beside the canvas (training, the insight rows) or the window resizing changes
  // its size: fit again, so that no node ends up under the minimap or outside the canvas.
  const canvasRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = canvasRef.current
    if (!el || typeof ResizeObserver === 'undefined') return
    let before: Size | null = null
    const observer = new ResizeObserver(([entry]) => {
      const after = { width: entry.contentRect.width, height: entry.contentRect.height }
      if (before && after.width > 0 && after.height > 0)
        if (after.width !== before.width || after.height !== before.height) refit(before, after)
      if (after.width > 0 && after.height > 0) before = after
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [refit])

  // Document nodes, and for each expanded block its layers as read-only children inside it.
  const { nodes, innerEdges } = useMemo(() => {
    const nodes: Node[] = []
    const innerEdges: Edge[] = []
    for (const n of placed) {
      const sub = expandedLayers.get(n.id)
      const layout = sub ? layoutBlock(sub) : null
      nodes.push({
        id: n.id,
        type: 'layer',
        position: n.position ?? { x: 0, y: 0 },
        data: NO_DATA,
        width: layout?.width ?? NODE_WIDTH,
        height: layout?.height ?? NODE_HEIGHT,
        selected: selection.has(n.id),
      })
      if (!sub || !layout) continue
      for (const inner of sub.nodes)
        nodes.push({
          id: `${n.id}/${inner.id}`,
          type: 'inner',
          parentId: n.id,
          extent: 'parent',
          position: layout.positions.get(inner.id)!,
          data: { kind: inner.kind },
          draggable: false,
          selectable: false,
          connectable: false,
        })
      for (const e of sub.edges)
        if (e.source !== '@in')
          innerEdges.push({
            id: `inner:${n.id}/${e.source}->${e.target}:${e.targetPort}`,
            source: `${n.id}/${e.source}`,
            target: `${n.id}/${e.target}`,
            selectable: false,
            zIndex: 1,
          })
    }
    return { nodes: stable.keepNodes(nodes), innerEdges: stable.keepInnerEdges(innerEdges) }
  }, [placed, selection, expandedLayers, stable])

  const edges: Edge[] = useMemo(() => {
    const red = new Set(failing.split('\n'))
    const outer = docEdges.map((e): Edge => {
      const isRed = red.has(`${e.target}:${e.targetPort}`)
      return {
        id: edgeId(e),
        source: e.source,
        target: e.target,
        sourceHandle: 'out',
        targetHandle: `in-${e.targetPort}`,
        type: 'shape',
        className: isRed ? 'edge-error' : undefined,
        animated: isRed,
      }
    })
    return stable.keepEdges([...outer, ...innerEdges])
  }, [docEdges, failing, innerEdges, stable])

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const moved = new Map<string, { x: number; y: number }>()
      let dragEnded = false
      let selected: Set<string> | null = null
      const { doc } = useDocument.getState()
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) stable.measured(c.id, c.dimensions)
        // Layers inside an expanded block are derived from its parameters: nothing to change.
        if ('id' in c && !nodeById(doc, c.id)) continue
        if (c.type === 'position') {
          if (c.position) moved.set(c.id, c.position)
          if (c.dragging === false) dragEnded = true
        } else if (c.type === 'select') {
          selected ??= new Set(useUi.getState().selection)
          if (c.selected) selected.add(c.id)
          else selected.delete(c.id)
        }
      }
      if (moved.size) change((d) => moveNodes(d, moved), 'later')
      if (dragEnded) endGesture()
      if (selected) select(selected)
    },
    [change, endGesture, select, stable],
  )

  const [menu, setMenu] = useState<MenuAt | null>(null)
  const closeMenu = useCallback(() => setMenu(null), [])
  const onNodeContextMenu = useCallback(
    (event: MouseEvent, node: Node) => {
      if (!nodeById(useDocument.getState().doc, node.id)) return
      event.preventDefault()
      // A node outside the selection becomes the selection, as in a file manager.
      if (!useUi.getState().selection.has(node.id)) select([node.id])
      setMenu({ x: event.clientX, y: event.clientY, nodeId: node.id })
    },
    [select],
  )
  const onPaneContextMenu = useCallback((event: MouseEvent | globalThis.MouseEvent) => {
    event.preventDefault()
    setMenu({ x: event.clientX, y: event.clientY, nodeId: null })
  }, [])
  const onNodeDoubleClick = useCallback((_event: MouseEvent, node: Node) => {
    const n = nodeById(useDocument.getState().doc, node.id)
    if (n && isBlock(n.kind)) toggleBlock(n.id)
  }, [])

  const onConnect = useCallback(
    (c: Connection) => {
      const port = Number(/^in-(\d+)$/.exec(c.targetHandle ?? 'in-0')?.[1] ?? 0)
      change((d) => connect(d, c.source, c.target, port))
    },
    [change],
  )

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(KIND_MIME)
      if (!kind) return
      event.preventDefault()
      const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY })
      let id = ''
      change((d) => {
        const r = addNode(
          d,
          kind,
          { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) },
          dropParams(kind),
        )
        id = r.id
        return r.doc
      })
      select([id])
    },
    [change, flow, select],
  )

  return (
    <div
      ref={canvasRef}
      className="canvas"
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
      data-testid="canvas"
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onDelete={deleteElements}
        onNodeContextMenu={onNodeContextMenu}
        onPaneContextMenu={onPaneContextMenu}
        onNodeDoubleClick={onNodeDoubleClick}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={DELETE_KEYS}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        onInit={(rf) => {
          // Reopening a project restores where the user was; anything else starts from a fit. An
          // empty graph is not fitted: React Flow would queue the fit and jump to the first drop.
          const doc = useDocument.getState().doc
          if (initialView) {
            void rf.setViewport(initialView.viewport)
            select(initialView.selection)
          } else if (doc.nodes.length > 0) fit()
        }}
        minZoom={0.05}
        proOptions={PRO_OPTIONS}
        onlyRenderVisibleElements
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
        <MiniMap
          pannable
          zoomable
          nodeStrokeWidth={3}
          style={{ width: MINIMAP.width, height: MINIMAP.height }}
        />
      </ReactFlow>
      {menu && <ContextMenu at={menu} onClose={closeMenu} />}
      <ShortcutsOverlay />
    </div>
  )
}
