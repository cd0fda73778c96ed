import type { SaveStatus } from './use-autosave'

export function SaveIndicator({ status }: { status: SaveStatus }) {
  const text =
    status.state === 'saved'
      ? 'All changes saved'
      : status.state === 'saving'
        ? 'Saving…'
        : status.state === 'pending'
          ? 'Unsaved changes'
          : `Not saved: ${status.message}`
  return (
    <span className={`save-status save-${status.state}`} role="status" data-testid="save-status">
      {text}
    </span>
  )
}
