import { useEffect } from 'react'
import { useDocument } from '../store/document-store'
import { copy, paste, removeNodes, type Clipboard } from '../store/edits'
import { useUi } from '../store/ui-store'

/** Copied nodes, kept in the page: pasting works across projects within the session. */
let clipboard: Clipboard | null = null
let pasteCount = 0

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))

export function pasteClipboard(clip: Clipboard | null = clipboard): void {
  if (!clip || clip.nodes.length === 0) return
  const offset = 40 * ++pasteCount
  let ids: string[] = []
  useDocument.getState().change((d) => {
    const r = paste(d, clip, { x: offset, y: offset })
    ids = r.ids
    return r.doc
  })
  useUi.getState().select(ids)
}

/** The editor's keyboard commands: undo, redo, copy, cut, paste, duplicate. */
export function useEditorShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || typing(e.target)) return
      const doc = useDocument.getState()
      const selection = useUi.getState().selection
      const key = e.key.toLowerCase()
      if (key === 'z' && !e.shiftKey) doc.undo()
      else if ((key === 'z' && e.shiftKey) || key === 'y') doc.redo()
      else if (key === 'c' || key === 'x') {
        if (selection.size === 0) return
        clipboard = copy(doc.doc, selection)
        pasteCount = 0
        if (key === 'x') doc.change((d) => removeNodes(d, selection))
      } else if (key === 'v') pasteClipboard()
      else if (key === 'd') {
        if (selection.size === 0) return
        pasteCount = 0
        pasteClipboard(copy(doc.doc, selection))
      } else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
