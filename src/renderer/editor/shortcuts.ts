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

/** The keys React Flow deletes the selection with. */
export const DELETE_KEYS = ['Delete', 'Backspace']

/**
 * Every keyboard and mouse shortcut of the editor, in the order the `?` overlay lists them: the
 * overlay and the key handler below both read this table. `key` and `shift` are what the handler
 * matches with Ctrl (⌘ on macOS) held.
 */
export const SHORTCUTS: readonly {
  keys: string
  action: string
  command?: EditCommand
  key?: string
  shift?: boolean
}[] = [
  { keys: 'Ctrl+Z', action: 'Undo', command: 'undo', key: 'z' },
  { keys: 'Ctrl+Shift+Z', action: 'Redo', command: 'redo', key: 'z', shift: true },
  { keys: 'Ctrl+Y', action: 'Redo', command: 'redo', key: 'y' },
  { keys: 'Ctrl+X', action: 'Cut the selected nodes', command: 'cut', key: 'x' },
  { keys: 'Ctrl+C', action: 'Copy the selected nodes', command: 'copy', key: 'c' },
  { keys: 'Ctrl+V', action: 'Paste', command: 'paste', key: 'v' },
  { keys: 'Ctrl+D', action: 'Duplicate the selected nodes', command: 'duplicate', key: 'd' },
  { keys: DELETE_KEYS.join(' / '), action: 'Delete the selected nodes and connections' },
  { keys: 'Shift+click, Ctrl+click', action: 'Add a node to the selection' },
  { keys: 'Shift+drag', action: 'Select the nodes in a rectangle' },
  { keys: 'Double-click a block', action: 'Show or hide its layers' },
  { keys: 'Right-click', action: 'The menu of a node or of the canvas' },
  { keys: '?', action: 'Show or hide this list' },
  { keys: 'Escape', action: 'Close a menu or this list' },
]

/** The Ctrl command a key press asks for, if any. */
export function commandOf(e: Pick<KeyboardEvent, 'key' | 'shiftKey'>): EditCommand | undefined {
  const key = e.key.toLowerCase()
  const hit = SHORTCUTS.find((s) => s.key === key && Boolean(s.shift) === (key === 'z' && e.shiftKey))
  return hit?.command
}

/** The editor's keyboard commands (SHORTCUTS), and `?` for the list of them. */
export function useEditorShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target)) return
      const ui = useUi.getState()
      if (e.key === '?' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault()
        ui.setShortcutsOpen(!ui.shortcutsOpen)
        return
      }
      if (e.key === 'Escape' && ui.shortcutsOpen) return ui.setShortcutsOpen(false)
      if (!(e.ctrlKey || e.metaKey)) return
      const command = commandOf(e)
      if (!command) return
      e.preventDefault()
      editCommand(command)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
