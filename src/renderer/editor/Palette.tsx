import { useMemo, type DragEvent } from 'react'
import { BLOCKS } from '../../shared/blocks/registry'
import { PALETTE_SECTIONS } from '../../shared/layers/categories'
import { LAYERS } from '../../shared/layers/registry'
import { useDocument } from '../store/document-store'
import { addNode } from '../store/edits'
import { useUi } from '../store/ui-store'
import { KIND_MIME } from './Canvas'
import { dropParams } from './drop-params'

const ENTRIES = [...Object.values(LAYERS), ...Object.values(BLOCKS)].map((s) => ({
  kind: s.kind,
  label: s.palette.label,
  doc: s.palette.doc,
  category: s.palette.category,
}))

/** The searchable palette: drag a kind onto the canvas, or click to add it below the selection. */
export function Palette() {
  const filter = useUi((s) => s.paletteFilter)
  const setFilter = useUi((s) => s.setPaletteFilter)
  const groups = useMemo(() => {
    const q = filter.trim().toLowerCase()
    const match = (e: (typeof ENTRIES)[number]) =>
      !q ||
      e.label.toLowerCase().includes(q) ||
      e.kind.toLowerCase().includes(q) ||
      e.doc.toLowerCase().includes(q)
    return PALETTE_SECTIONS.map((g) => ({
      ...g,
      entries: ENTRIES.filter((e) => g.categories.includes(e.category) && match(e)),
    })).filter((g) => g.entries.length > 0)
  }, [filter])

  const addAtEnd = (kind: string) => {
    const { doc, change } = useDocument.getState()
    const lowest = doc.nodes.reduce((y, n) => Math.max(y, n.position?.y ?? 0), -120)
    let id = ''
    change((d) => {
      const r = addNode(d, kind, { x: 0, y: lowest + 130 }, dropParams(kind))
      id = r.id
      return r.doc
    })
    useUi.getState().select([id])
  }

  return (
    <nav className="palette" aria-label="Layer palette">
      <input
        className="palette-search"
        type="search"
        placeholder="Search layers…"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        aria-label="Search layers"
      />
      {groups.map((g) => (
        <section key={g.title}>
          <h3>{g.title}</h3>
          <ul>
            {g.entries.map((e) => (
              <li key={e.kind}>
                <button
                  type="button"
                  className={`palette-item category-${e.category}`}
                  draggable
                  data-testid={`palette-${e.kind}`}
                  title={e.doc}
                  onDragStart={(ev: DragEvent) => {
                    ev.dataTransfer.setData(KIND_MIME, e.kind)
                    ev.dataTransfer.effectAllowed = 'move'
                  }}
                  onClick={() => addAtEnd(e.kind)}
                >
                  {e.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {groups.length === 0 && <p className="muted">No layer matches “{filter}”.</p>}
    </nav>
  )
}
