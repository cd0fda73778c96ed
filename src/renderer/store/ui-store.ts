import { create } from 'zustand'
import { useDocument } from './document-store'

/** Session state: not saved with the document and never undone. */
interface UiState {
  /** Ids of document nodes only: an id leaves it when its node leaves the document. */
  selection: ReadonlySet<string>
  paletteFilter: string
  /** Batch size for the activation-memory total. */
  batchSize: number
  /** The number of classes of the dataset chosen for training, for the editor's fixes; null before one. */
  datasetClasses: number | null
  /** The keyboard shortcuts overlay (`?`). */
  shortcutsOpen: boolean
  select(ids: Iterable<string>): void
  setPaletteFilter(filter: string): void
  setBatchSize(n: number): void
  setDatasetClasses(n: number | null): void
  setShortcutsOpen(open: boolean): void
}

const inDocument = (ids: Iterable<string>): Set<string> => {
  const present = new Set(useDocument.getState().doc.nodes.map((n) => n.id))
  return new Set([...ids].filter((id) => present.has(id)))
}

export const useUi = create<UiState>()((set) => ({
  selection: new Set(),
  paletteFilter: '',
  batchSize: 32,
  datasetClasses: null,
  shortcutsOpen: false,
  select: (ids) => set({ selection: inDocument(ids) }),
  setPaletteFilter: (paletteFilter) => set({ paletteFilter }),
  setBatchSize: (batchSize) => set({ batchSize }),
  setDatasetClasses: (datasetClasses) => set({ datasetClasses }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
}))

// A delete, an undone add or a loaded project takes its nodes out of the selection too: React Flow
// deselects only nodes it still has, so a stale id would stay selected beside the next click.
useDocument.subscribe((s, prev) => {
  if (s.doc.nodes === prev.doc.nodes) return
  const { selection } = useUi.getState()
  const kept = inDocument(selection)
  if (kept.size !== selection.size) useUi.setState({ selection: kept })
})
