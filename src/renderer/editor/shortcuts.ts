import { useEffect } from 'react'
import { useDocument } from '../store/document-store'
import { copy, paste, removeNodes, type Clipboard } from '../store/edits'
import { useUi } from '../store/ui-store'

/** Copied nodes, kept in the page: pasting works across projects within the session. */
let clipboard: Clipboard | null = null
let pasteCount = 0

export type EditCommand = 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'duplicate'

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))

function pasteClipboard(clip: Clipboard | null): void {
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

/**
 * Undo, redo, cut, copy, paste and duplicate on the graph. While a text field has the focus they
 * are the field's own text commands (the desktop menu sends them here either way).
 */
export function editCommand(command: EditCommand): void {
  if (typing(document.activeElement)) {
    document.execCommand(command === 'duplicate' ? 'copy' : command)
    return
  }
  const doc = useDocument.getState()
  const selection = useUi.getState().selection
  if (command === 'undo') doc.undo()
  else if (command === 'redo') doc.redo()
  else if (command === 'paste') pasteClipboard(clipboard)
  else if (selection.size === 0) return
  else if (command === 'duplicate') {
    pasteCount = 0
    pasteClipboard(copy(doc.doc, selection))
  } else {
    clipboard = copy(doc.doc, selection)
    pasteCount = 0
    if (command === 'cut') doc.change((d) => removeNodes(d, selection))
  }
}

const KEYS: Record<string, EditCommand> = {
  z: 'undo',
  y: 'redo',
  x: 'cut',
  c: 'copy',
  v: 'paste',
  d: 'duplicate',
}

/** The editor's keyboard commands: Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y, Ctrl+X/C/V/D. */
export function useEditorShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || typing(e.target)) return
      const key = e.key.toLowerCase()
      const command = key === 'z' && e.shiftKey ? 'redo' : KEYS[key]
      if (!command) return
      e.preventDefault()
      editCommand(command)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
