import type { EventName, EventPayload } from '../../shared/api/contract'

/** Where the services send the contract's events (the window, the WebSocket clients, the terminal). */
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void
