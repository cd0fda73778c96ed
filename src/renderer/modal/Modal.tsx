import { useEffect, useRef, type ReactNode } from 'react'
import { trapTab } from './focus-trap'
import './modal.css'

/**
 * A modal dialog over the editor: the focus moves into it and back where it was when it closes,
 * Tab stays inside, Escape closes it, and no key reaches the editor behind it (Backspace on a radio
 * button must not delete nodes). The export, evaluation and comparison dialogs are each one.
 */
export function Modal({
  className,
  labelledBy,
  testId,
  onClose,
  children,
}: {
  /** The dialog's own class, beside `modal`. */
  className: string
  /** The id of the element naming the dialog (its heading). */
  labelledBy: string
  testId: string
  /** Escape: the dialog decides whether it may close now. */
  onClose(): void
  children: ReactNode
}) {
  const dialog = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const before = document.activeElement
    dialog.current?.focus()
    return () => {
      if (before instanceof HTMLElement) before.focus()
    }
  }, [])
  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        className={`modal ${className}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={(e) => {
          e.stopPropagation()
          if (e.key === 'Escape') onClose()
          else if (dialog.current) trapTab(e, dialog.current)
        }}
      >
        {children}
      </div>
    </div>
  )
}
