import { useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react'
import { createPortal } from 'react-dom'
import { hasOutputFormula, nodeOutputFormula } from '../../shared/graph/output-formula'
import { analyse } from '../store/analysis'
import { useDocument } from '../store/document-store'
import { nodeById } from './node-by-id'
import './shape-formula.css'

/**
 * A node's output shape that explains itself: on hover or keyboard focus a tooltip shows how the
 * size follows from the input, the rule and the same rule with this node's numbers
 * (`nodeOutputFormula`). A kind without a formula (Dense, activations, blocks) shows the shape alone.
 */
export function ShapeFormula({ nodeId, children }: { nodeId: string; children: ReactNode }) {
  const has = useDocument((s) => hasOutputFormula(nodeById(s.doc, nodeId)?.kind ?? ''))
  const [open, setOpen] = useState(false)
  const anchor = useRef<HTMLSpanElement>(null)
  const tipId = useId()
  if (!has) return <>{children}</>
  return (
    <span
      ref={anchor}
      className="shape-formula-anchor"
      tabIndex={0}
      aria-describedby={open ? tipId : undefined}
      onMouseEnter={() => setOpen(true)}
      onMouseLeave={() => setOpen(false)}
      onFocus={() => setOpen(true)}
      onBlur={() => setOpen(false)}
      onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
    >
      {children}
      {open && <FormulaTip id={tipId} nodeId={nodeId} anchor={anchor} />}
    </span>
  )
}

/**
 * The tooltip, mounted only while open (so closed shapes compute nothing), in a portal on the body:
 * on the canvas the next node would otherwise paint over it, and it keeps its size at any zoom.
 */
function FormulaTip({
  id,
  nodeId,
  anchor,
}: {
  id: string
  nodeId: string
  anchor: RefObject<HTMLElement | null>
}) {
  const node = useDocument((s) => nodeById(s.doc, nodeId))
  const a = useDocument((s) => analyse(s.doc).nodes[nodeId])
  const formula = useMemo(
    () => (node && a ? nodeOutputFormula(node.kind, node.params, a.inputShapes) : null),
    [node, a],
  )
  const tip = useRef<HTMLDivElement>(null)
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null)
  useLayoutEffect(() => {
    if (!anchor.current || !tip.current) return
    const r = anchor.current.getBoundingClientRect()
    const t = tip.current.getBoundingClientRect()
    const gap = 6
    // Below the shape, or above it where the window ends; never past the window's sides.
    const below = r.bottom + gap
    const top = below + t.height > window.innerHeight - gap ? Math.max(gap, r.top - gap - t.height) : below
    const left = Math.max(gap, Math.min(r.left, window.innerWidth - t.width - gap))
    setPlace({ left, top })
  }, [anchor, formula])
  if (!formula) return null
  return createPortal(
    <div
      ref={tip}
      id={id}
      role="tooltip"
      className="shape-formula"
      data-testid="shape-formula"
      style={place ?? { left: 0, top: 0, visibility: 'hidden' }}
    >
      <div className="shape-formula-rule">{formula.rule}</div>
      {formula.lines.map((line, i) => (
        <div key={i} className="shape-formula-line">
          {line}
        </div>
      ))}
    </div>,
    document.body,
  )
}
