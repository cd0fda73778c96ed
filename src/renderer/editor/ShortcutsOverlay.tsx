import { useUi } from '../store/ui-store'
import { SHORTCUTS } from './shortcuts'

/** The `?` overlay: every shortcut, from the one table the key handler reads. */
export function ShortcutsOverlay() {
  const open = useUi((s) => s.shortcutsOpen)
  const setOpen = useUi((s) => s.setShortcutsOpen)
  if (!open) return null
  return (
    <div className="shortcuts-backdrop" onClick={() => setOpen(false)}>
      <div
        className="shortcuts"
        role="dialog"
        aria-label="Keyboard shortcuts"
        data-testid="shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={() => setOpen(false)} aria-label="Close">
            ×
          </button>
        </header>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">On macOS, ⌘ works wherever Ctrl is named.</p>
      </div>
    </div>
  )
}
