import { ReactFlowProvider, useReactFlow } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { analyse } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { nodeSizer } from './block-layout'
import { Canvas } from './Canvas'
import './editor.css'
import { Inspector } from './Inspector'
import { autoLayout } from './layout'
import { Palette } from './Palette'
import { useEditorShortcuts } from './shortcuts'
import { StatusBar } from './StatusBar'

function Toolbar({ onClose }: { onClose?: () => void }) {
  const name = useDocument((s) => s.doc.name)
  const canUndo = useDocument((s) => s.history.past.length > 0 || s.history.gestureStart !== null)
  const canRedo = useDocument((s) => s.history.future.length > 0)
  const { undo, redo, change } = useDocument.getState()
  const flow = useReactFlow()
  return (
    <div className="toolbar" role="toolbar" aria-label="Editor">
      {onClose && (
        <button type="button" onClick={onClose} title="Back to the start screen">
          ← Projects
        </button>
      )}
      <strong className="doc-name">{name}</strong>
      <button type="button" onClick={undo} disabled={!canUndo} title="Undo (Ctrl+Z)">
        Undo
      </button>
      <button type="button" onClick={redo} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">
        Redo
      </button>
      <button
        type="button"
        onClick={() => {
          change((d) => autoLayout(d, nodeSizer(analyse(d))))
          requestAnimationFrame(() => flow.fitView({ maxZoom: 1 }))
        }}
        title="Arrange the graph top to bottom"
      >
        Auto-layout
      </button>
      <button type="button" onClick={() => flow.fitView({ maxZoom: 1 })} title="Fit the graph in view">
        Fit
      </button>
    </div>
  )
}

function EditorLayout({ onClose }: { onClose?: () => void }) {
  useEditorShortcuts()
  return (
    <div className="editor">
      <Toolbar onClose={onClose} />
      <Palette />
      <Canvas />
      <Inspector />
      <StatusBar />
    </div>
  )
}

/** The network editor over the document store (load a document with `useDocument.getState().load`). */
export function Editor({ onClose }: { onClose?: () => void }) {
  return (
    <ReactFlowProvider>
      <EditorLayout onClose={onClose} />
    </ReactFlowProvider>
  )
}
