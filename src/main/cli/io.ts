/** Where a command writes; tests pass collecting streams. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
}

/** Exit statuses: 0 fine, 1 the graph has errors, 2 the command could not run (bad usage or input). */
export const EXIT = { ok: 0, graphErrors: 1, usage: 2 } as const

export class UsageError extends Error {}
