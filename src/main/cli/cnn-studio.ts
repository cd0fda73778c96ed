import { parseArgs } from 'node:util'
import { inspect, inspectHelp } from './inspect'
import { EXIT, processIo, UsageError, type CliIo } from './io'
import { templates, templatesHelp } from './templates'

const help = `cnn-studio: build, inspect and train convolutional networks

Usage: cnn-studio <command> [options]

Commands:
  inspect <template | file.json>   shapes, parameters and MACs of every node (--json, --expand)
  templates                        the networks a project can start from (--json)

Run 'cnn-studio <command> --help' for a command's options.`

interface Command {
  help: string
  options: Record<string, { type: 'boolean' | 'string' }>
  positionals: number
  run(values: Record<string, unknown>, positionals: string[], io: CliIo): number | Promise<number>
}

const COMMANDS: Record<string, Command> = {
  inspect: {
    help: inspectHelp,
    options: { json: { type: 'boolean' }, expand: { type: 'boolean' } },
    positionals: 1,
    run: (v, [ref], io) => inspect(ref, { json: Boolean(v.json), expand: Boolean(v.expand) }, io),
  },
  templates: {
    help: templatesHelp,
    options: { json: { type: 'boolean' } },
    positionals: 0,
    run: (v, _p, io) => templates({ json: Boolean(v.json) }, io),
  },
}

/** Runs one command line; returns the exit status. Never throws on bad input. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help)
    return name ? EXIT.ok : EXIT.usage
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(
      `Unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. See 'cnn-studio --help'.`,
    )
    return EXIT.usage
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    })
    if (values.help) {
      io.out(command.help)
      return EXIT.ok
    }
    if (positionals.length !== command.positionals)
      throw new UsageError(
        `'${name}' takes ${command.positionals === 0 ? 'no arguments' : `${command.positionals} argument`}, got ${positionals.length}.\n\n${command.help}`,
      )
    return await command.run(values, positionals, io)
  } catch (e) {
    // parseArgs reports unknown options with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const code = (e as NodeJS.ErrnoException).code
    if (e instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`cnn-studio ${name}: ${(e as Error).message}`)
      return EXIT.usage
    }
    throw e
  }
}
