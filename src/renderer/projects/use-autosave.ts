import { useReactFlow } from '@xyflow/react'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import { useDocument } from '../store/document-store'
import { useUi } from '../store/ui-store'
import { errorMessage } from '../error-message'

/** How long after the last change a save starts. */
export const AUTOSAVE_DELAY_MS = 1500

export type SaveStatus =
  { state: 'saved' } | { state: 'pending' } | { state: 'saving' } | { state: 'failed'; message: string }

export interface OpenProject {
  id: string
  versionId: number
}

/**
 * Saves the document and the view a moment after each change, when the page is hidden (closing a
 * tab or the window) and on demand (`flush`, e.g. before leaving the editor). Saves run one at a
 * time; a change during a save is saved next. A failed save keeps the changes and says why.
 */
export function useAutosave(api: Api, project: OpenProject | null) {
  const flow = useReactFlow()
  const [status, setStatus] = useState<SaveStatus>({ state: 'saved' })
  const versionId = useRef(project?.versionId)
  const savedRevision = useRef(useDocument.getState().revision)
  const running = useRef<Promise<SaveStatus> | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  /** Resolves to how it went: `failed` with the reason, else the document is stored. */
  const save = useCallback(async (): Promise<SaveStatus> => {
    if (!project) return { state: 'saved' }
    if (running.current) await running.current
    const { doc, revision } = useDocument.getState()
    if (revision === savedRevision.current) return { state: 'saved' }
    setStatus({ state: 'saving' })
    const viewState = { viewport: flow.getViewport(), selection: [...useUi.getState().selection] }
    const run = api.projects
      .save({ id: project.id, document: doc, viewState, baseVersionId: versionId.current })
      .then(
        (r): SaveStatus => {
          versionId.current = r.versionId
          savedRevision.current = revision
          setStatus(useDocument.getState().revision === revision ? { state: 'saved' } : { state: 'pending' })
          return { state: 'saved' }
        },
        (e: unknown): SaveStatus => {
          const failed = { state: 'failed', message: errorMessage(e) } as const
          setStatus(failed)
          return failed
        },
      )
      .finally(() => (running.current = null))
    running.current = run
    return run
  }, [api, project, flow])

  useEffect(() => {
    if (!project) return
    const unsubscribe = useDocument.subscribe((s, prev) => {
      if (s.revision === prev.revision) return
      // Same state, same object: no re-render of the editor on every drag frame.
      setStatus((old) => (old.state === 'pending' ? old : { state: 'pending' }))
      if (timer.current) clearTimeout(timer.current)
      timer.current = setTimeout(() => void save(), AUTOSAVE_DELAY_MS)
    })
    const onHide = () => document.visibilityState === 'hidden' && void save()
    document.addEventListener('visibilitychange', onHide)
    return () => {
      unsubscribe()
      document.removeEventListener('visibilitychange', onHide)
      // Leaving the editor (File > New, another project) saves what is pending.
      if (timer.current) {
        clearTimeout(timer.current)
        void save()
      }
    }
  }, [project, save])

  /** Saves what is pending now; resolves to the outcome (the version saved is then the latest). */
  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current)
    return save()
  }, [save])

  return { status, flush }
}
