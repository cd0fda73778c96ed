import {
  createApi,
  EVENT_NAMES,
  type Api,
  type EventName,
  type EventPayload,
  type Handlers,
} from '../../shared/api/contract'
import { dispatch } from '../../shared/api/dispatch'

/**
 * An `Api` for component tests: the given handlers behind the real dispatch (so requests are
 * checked against the contract's schemas, as the services do), and events the test emits.
 */
export function createTestApi(handlers: Partial<Handlers>) {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const api: Api = createApi(
    (method, request) => dispatch(handlers, method, request, () => {}),
    (event, listener) => {
      if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown event '${String(event)}'.`)
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (payload: unknown) => void)
      return () => set.delete(listener as (payload: unknown) => void)
    },
  )
  return {
    api,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const fn of [...(listeners.get(event) ?? [])]) fn(payload)
    },
    listening: (event: EventName) => listeners.get(event)?.size ?? 0,
  }
}
