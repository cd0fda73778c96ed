import type { EventName, MethodName } from './contract'

/** Electron IPC channel names, shared by the preload and src/main/electron/ipc.ts. */
export const methodChannel = (method: MethodName): string => `api:${method}`
export const eventChannel = (event: EventName): string => `event:${event}`
