import { useReactFlow } from '@xyflow/react'
import { useEffect, useRef } from 'react'
import { useDocument } from '../store/document-store'
import { useUi } from '../store/ui-store'
import { arrange, fitGraph, isBlock, toggleBlock } from './graph-commands'
import { nodeById } from './node-by-id'
import { editCommand } from './shortcuts'
import { useReadableFit } from './view-fit'

/** Where the menu opened (page pixels) and on which node; null on the canvas. */
export interface MenuAt {
  x: number
  y: number
  nodeId: string | null
}

/** The right-click menu of a node (with the selection it belongs to) or of the canvas. */
export function ContextMenu({ at, onClose }: { at: MenuAt; onClose: () => void }) {
  const flow = useReactFlow()
  const { fit } = useReadableFit()
  const ref = useRef<HTMLDivElement>(null)
  const node = useDocument((s) => (at.nodeId ? nodeById(s.doc, at.nodeId) : undefined))
  const count = useUi((s) => s.selection.size)

  useEffect(() => {
    ref.current?.querySelector('button')?.focus()
    const away = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose()
    }
    const key = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('pointerdown', away, true)
    window.addEventListener('keydown', key)
    return () => {
      window.removeEventListener('pointerdown', away, true)
      window.removeEventListener('keydown', key)
    }
  }, [onClose])

  const run = (action: () => void) => () => {
    onClose()
    action()
  }
  const selected = () => [...useUi.getState().selection].map((id) => ({ id }))
  const many = count > 1 ? ` ${count} nodes` : ''
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      data-testid="context-menu"
      style={{ left: at.x, top: at.y }}
      onContextMenu={(e) => e.preventDefault()}
    >
      {node && (
        <>
          <button
            type="button"
            role="menuitem"
            onClick={run(() => void flow.deleteElements({ nodes: selected() }))}
          >
            Delete{many}
          </button>
          <button type="button" role="menuitem" onClick={run(() => editCommand('duplicate'))}>
            Duplicate{many}
          </button>
          {isBlock(node.kind) && (
            <button type="button" role="menuitem" onClick={run(() => toggleBlock(node.id))}>
              {node.expanded ? 'Collapse block' : 'Show layers'}
            </button>
          )}
          <hr />
        </>
      )}
      <button type="button" role="menuitem" onClick={run(() => fitGraph(fit))}>
        Fit view
      </button>
      <button type="button" role="menuitem" onClick={run(() => arrange(fit))}>
        Auto-layout
      </button>
      <button type="button" role="menuitem" onClick={run(() => useUi.getState().setShortcutsOpen(true))}>
        Keyboard shortcuts <kbd>?</kbd>
      </button>
    </div>
  )
}
