import { parseArgs } from 'node:util'
import { EXIT, processIo, UsageError, type CliCommand, type CliIo } from './io'

/**
 * The commands: a one-line summary for `cnn-studio --help` and the module that implements it,
 * loaded only when that command runs. A new command (train, export, serve, doctor) is one entry
 * here and one file exporting `command: CliCommand`.
 */
const COMMANDS: Record<
  string,
  { usage: string; summary: string; load: () => Promise<{ command: CliCommand }> }
> = {
  activations: {
    usage: 'activations <run> --sample N',
    summary: "every node's output for one test sample: shape, min, max, mean (--node, --json)",
    load: () => import('./activations'),
  },
  datasets: {
    usage: 'datasets [download ID | import ID PATH]',
    summary: 'the built-in datasets found here; download one, or import its files from disk',
    load: () => import('./datasets'),
  },
  doctor: {
    usage: 'doctor',
    summary: 'the TF.js backends that load here, the one training uses, local datasets (--json)',
    load: () => import('./doctor'),
  },
  evaluate: {
    usage: 'evaluate <run | project>',
    summary: 'accuracy, confusion matrix, per-class metrics, worst mistakes (--split, --json)',
    load: () => import('./evaluate'),
  },
  export: {
    usage: 'export <project | run | template> --out PATH',
    summary: 'ONNX (or TF.js) files of a trained model, verified against TF.js (--json)',
    load: () => import('./export'),
  },
  inspect: {
    usage: 'inspect <template | file.json>',
    summary: 'shapes, parameters and MACs of every node (--json, --expand)',
    load: () => import('./inspect'),
  },
  predict: {
    usage: 'predict <run | project> IMAGE...',
    summary: 'the most probable classes of PNG or JPEG images (--top, --json)',
    load: () => import('./predict'),
  },
  projects: {
    usage: 'projects',
    summary: 'every project: id, name, latest version, runs, last opened, totals (--json)',
    load: () => import('./projects'),
  },
  runs: {
    usage: 'runs [project]',
    summary: 'every run with status, dataset, hyperparameters, accuracy and id (--json)',
    load: () => import('./runs'),
  },
  serve: {
    usage: 'serve [--port N] [--data DIR] [--no-open]',
    summary: 'the editor in a browser on this machine (browser mode)',
    load: () => import('./serve'),
  },
  train: {
    usage: 'train <project | template> --dataset NAME',
    summary: 'train in a worker thread, the run and its checkpoints saved (--json, --resume)',
    load: () => import('./train'),
  },
  templates: {
    usage: 'templates',
    summary: 'the networks a project can start from (--json)',
    load: () => import('./templates'),
  },
}

const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length)) + 3
export const HELP = `cnn-studio: build, inspect, train and export convolutional networks

Usage: cnn-studio <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.padEnd(width)}${c.summary}`)
  .join('\n')}

Run 'cnn-studio <command> --help' for a command's options.
Exit status: 0 fine, 1 the graph has errors, 2 bad usage or unreadable input.`

/** Runs one command line; returns the exit status. Never throws. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP)
    return EXIT.ok
  }
  if (!name) {
    io.err(HELP)
    return EXIT.usage
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!entry) {
    io.err(
      `cnn-studio: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. See 'cnn-studio --help'.`,
    )
    return EXIT.usage
  }
  try {
    const { command } = await entry.load()
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    })
    if (values.help) {
      io.out(command.help)
      return EXIT.ok
    }
    const [fewest, most] =
      typeof command.positionals === 'number'
        ? [command.positionals, command.positionals]
        : command.positionals
    if (positionals.length < fewest || positionals.length > most) {
      const count = (n: number) => `${n} argument${n === 1 ? '' : 's'}`
      const wanted =
        most === 0 ? 'no arguments' : fewest === most ? count(most) : `${fewest} to ${most} arguments`
      throw new UsageError(`'${name}' takes ${wanted}, got ${positionals.length}.\n\n${command.help}`)
    }
    return await command.run(values, positionals, io)
  } catch (e) {
    // parseArgs reports unknown options and missing values with ERR_PARSE_ARGS_* codes.
    const code = (e as NodeJS.ErrnoException).code
    if (e instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`cnn-studio ${name}: ${(e as Error).message}`)
      return EXIT.usage
    }
    io.err(`cnn-studio ${name}: internal error (please report it):\n${(e as Error).stack ?? String(e)}`)
    return EXIT.internal
  }
}
