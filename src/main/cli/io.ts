/** Where a command writes; tests pass collecting streams. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
}

/**
 * Exit statuses: 0 fine, 1 the graph has errors, 2 the command could not run (bad usage or input),
 * 3 a defect in CNN Studio itself (an exception no input should cause).
 */
export const EXIT = { ok: 0, graphErrors: 1, usage: 2, internal: 3 } as const

/** Bad usage or unusable input: printed as one message, exit status 2. */
export class UsageError extends Error {}

/**
 * One subcommand, in its own module (inspect.ts, templates.ts, later train, export, serve, doctor).
 * The dispatcher loads a module only when its command runs, so `--help` and small commands start
 * fast; it parses `options` with node:util parseArgs and checks the number of positionals.
 */
export interface CliCommand {
  /** The full text of `cnn-studio <command> --help`. */
  help: string
  options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }>
  /** Exactly this many positional arguments, or [fewest, most]. */
  positionals: number | readonly [number, number]
  run(
    values: Record<string, string | boolean | (string | boolean)[] | undefined>,
    positionals: string[],
    io: CliIo,
  ): number | Promise<number>
}
