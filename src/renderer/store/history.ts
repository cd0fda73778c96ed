import type { GraphDocument } from '../../shared/graph/document'

/**
 * Undo history over immutable documents. Each entry is the document before a change, kept by
 * reference: edits share everything they did not touch, so an entry costs only what changed (the
 * same memory as inverse patches, with nothing to invert). Every change says how it is captured:
 * - 'now': one undo step (add, delete, connect, a parameter);
 * - 'later': part of a gesture (a drag); the step is recorded when the gesture ends;
 * - 'never': not undoable and clears nothing (loading a project is 'reset' instead).
 */
export type Capture = 'now' | 'later' | 'never'

export interface History {
  past: readonly GraphDocument[]
  future: readonly GraphDocument[]
  /** The document when the current gesture began. */
  gestureStart: GraphDocument | null
}

export const LIMIT = 200

export const emptyHistory = (): History => ({ past: [], future: [], gestureStart: null })

export function record(h: History, before: GraphDocument, after: GraphDocument, capture: Capture): History {
  if (before === after || capture === 'never') return h
  if (capture === 'later') return h.gestureStart ? h : { ...h, gestureStart: before }
  return { past: [...h.past, before].slice(-LIMIT), future: [], gestureStart: null }
}

/** Ends a gesture: one step from where it began, if anything changed. */
export function endGesture(h: History, current: GraphDocument): History {
  if (!h.gestureStart) return h
  if (h.gestureStart === current) return { ...h, gestureStart: null }
  return { past: [...h.past, h.gestureStart].slice(-LIMIT), future: [], gestureStart: null }
}

export function undo(h: History, current: GraphDocument): { history: History; doc: GraphDocument } | null {
  const settled = endGesture(h, current)
  const prev = settled.past[settled.past.length - 1]
  if (!prev) return null
  return {
    history: { past: settled.past.slice(0, -1), future: [current, ...settled.future], gestureStart: null },
    doc: prev,
  }
}

export function redo(h: History, current: GraphDocument): { history: History; doc: GraphDocument } | null {
  const next = h.future[0]
  if (!next) return null
  return { history: { past: [...h.past, current], future: h.future.slice(1), gestureStart: null }, doc: next }
}
