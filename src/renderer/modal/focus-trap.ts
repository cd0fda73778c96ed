const FOCUSABLE =
  'button:not([disabled]), select:not([disabled]), input:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])'

/**
 * Keeps Tab inside a modal dialog: from its last control Tab goes to the first, and Shift+Tab from
 * the first (or from the dialog itself) to the last. Call from the dialog's keydown handler.
 */
export function trapTab(e: { key: string; shiftKey: boolean; preventDefault(): void }, dialog: HTMLElement) {
  if (e.key !== 'Tab') return
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)]
  if (!items.length) return e.preventDefault()
  const first = items[0]
  const last = items[items.length - 1]
  const active = document.activeElement
  if (e.shiftKey && (active === first || active === dialog)) {
    e.preventDefault()
    last.focus()
  } else if (!e.shiftKey && (active === last || !dialog.contains(active))) {
    e.preventDefault()
    first.focus()
  }
}
