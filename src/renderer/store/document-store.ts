import { create } from 'zustand'
import { emptyDocument, type GraphDocument } from '../../shared/graph/document'
import { emptyHistory, endGesture, record, redo, undo, type Capture, type History } from './history'

interface DocumentState {
  doc: GraphDocument
  history: History
  /** Bumped on every change, undo and redo (not on load): autosave watches it. */
  revision: number
  /** Applies an edit; `capture` says how it enters the undo history. */
  change(edit: (doc: GraphDocument) => GraphDocument, capture?: Capture): void
  /** Replaces the document (opening a project): not undoable, and the history starts afresh. */
  load(doc: GraphDocument): void
  endGesture(): void
  undo(): void
  redo(): void
}

export const useDocument = create<DocumentState>()((set, get) => ({
  doc: emptyDocument(),
  history: emptyHistory(),
  revision: 0,
  change(edit, capture = 'now') {
    const { doc, history, revision } = get()
    const next = edit(doc)
    if (next === doc) return
    set({ doc: next, history: record(history, doc, next, capture), revision: revision + 1 })
  },
  load(doc) {
    set({ doc, history: emptyHistory(), revision: 0 })
  },
  endGesture() {
    set({ history: endGesture(get().history, get().doc) })
  },
  undo() {
    const r = undo(get().history, get().doc)
    if (r) set({ doc: r.doc, history: r.history, revision: get().revision + 1 })
  },
  redo() {
    const r = redo(get().history, get().doc)
    if (r) set({ doc: r.doc, history: r.history, revision: get().revision + 1 })
  },
}))
