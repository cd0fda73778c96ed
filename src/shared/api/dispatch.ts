import { formatIssues } from '../graph/document'
import { ApiError, CONTRACT, isMethodName, type Envelope, type Handlers } from './contract'

/**
 * Serves one call for any transport (Electron IPC, HTTP, the renderer's in-page fallback): checks
 * the method name, parses the payload with the method's schema, runs the handler and answers with
 * an envelope. Never throws: an `ApiError` keeps its code, anything else becomes `internal` and is
 * logged.
 */
export async function dispatch(
  handlers: Partial<Handlers>,
  method: unknown,
  payload: unknown,
  log: (message: string, error: unknown) => void = (m, e) => console.error(m, e),
): Promise<Envelope<unknown>> {
  if (!isMethodName(method))
    return { ok: false, error: { code: 'bad-request', message: `Unknown method ${JSON.stringify(method)}.` } }
  const handler = handlers[method] as ((request: unknown) => unknown) | undefined
  if (!handler)
    return { ok: false, error: { code: 'unavailable', message: `${method} is not available here.` } }
  const parsed = CONTRACT.methods[method].request.safeParse(payload ?? {})
  if (!parsed.success)
    return {
      ok: false,
      error: { code: 'bad-request', message: `Invalid request for ${method}: ${formatIssues(parsed.error)}` },
    }
  try {
    return { ok: true, value: await handler(parsed.data) }
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: { code: e.code, message: e.message } }
    log(`${method} failed:`, e)
    return {
      ok: false,
      error: { code: 'internal', message: `${method} failed: ${e instanceof Error ? e.message : String(e)}` },
    }
  }
}
