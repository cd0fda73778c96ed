import { TEMPLATES } from '../../shared/templates'
import { createTemplatesService } from '../services/templates-service'
import { EXIT, type CliCommand, type CliIo } from './io'
import { compact, int, table } from './table'

const help = `Usage: cnn-studio templates [--json]

Lists the networks a new project can start from, with their trainable parameters and MACs.
Any name shown works with 'cnn-studio inspect <name>'.

  --json   an array of {"name", "title", "trainable", "macs"}`

export const command: CliCommand = {
  help,
  options: { json: { type: 'boolean' } },
  positionals: 0,
  run: (v, _p, io) => templates({ json: v.json === true }, io),
}

export async function templates(opts: { json: boolean }, io: CliIo): Promise<number> {
  // The same service the window and browser mode call through the contract; only it, so that this
  // command never opens the project database or loads other services' native modules.
  const list = (await createTemplatesService(TEMPLATES)['templates.list']({})).map(
    ({ name, title, trainable, macs }) => ({
      name,
      title,
      trainable,
      macs,
    }),
  )
  if (opts.json) {
    io.out(JSON.stringify(list))
    return EXIT.ok
  }
  const rows = list.map((t) => [t.name, t.title, int(t.trainable), compact(t.macs)])
  for (const line of table(['Name', 'Title', 'Trainable', 'MACs'], rows, [false, false, true, true]))
    io.out(line)
  return EXIT.ok
}
