/**
 * The last line of defence of a long-lived process (`cnn-studio serve` and `train`, the Electron
 * main process): an exception or promise rejection that nothing handled is logged with its stack
 * and the process keeps going, since every service keeps its own state consistent (a run's writes
 * are guarded by its supervisor, a request answers with an error). Node would otherwise end the
 * process, taking every open project and live run with it. Many in a short time mean something is
 * failing in a loop: then the process exits with status 70 rather than spin.
 */
export interface LastResortOptions {
  /** Where the report goes (a line with the stack). */
  log: (line: string) => void
  /** More than this many within `windowMs` ends the process (default 10 in 60 s). */
  limit?: number
  windowMs?: number
  exit?: (code: number) => void
}

/** Installs the handlers; returns a function that removes them. */
export function installLastResort(options: LastResortOptions): () => void {
  const { log, limit = 10, windowMs = 60_000, exit = (code: number) => process.exit(code) } = options
  const times: number[] = []
  const handler = (what: string) => (e: unknown) => {
    log(`cnn-studio: ${what}, logged and ignored: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    const t = Date.now()
    times.push(t)
    while (times[0] < t - windowMs) times.shift()
    if (times.length > limit) {
      log(`cnn-studio: ${times.length} unexpected errors within ${windowMs / 1000} s; exiting.`)
      exit(70)
    }
  }
  const onException = handler('an unexpected error')
  const onRejection = handler('an unhandled promise rejection')
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}
