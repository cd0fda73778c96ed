import { createServices } from '../services'
import { EXIT, type CliIo } from './io'
import { compact, int, table } from './table'

export const templatesHelp = `Usage: cnn-studio templates [--json]

Lists the networks a new project can start from, with their trainable parameters and MACs.`

export async function templates(opts: { json: boolean }, io: CliIo): Promise<number> {
  // The same service the window and browser mode call through the contract.
  const list = (await createServices()['templates.list']({})).map(({ name, title, trainable, macs }) => ({
    name,
    title,
    trainable,
    macs,
  }))
  if (opts.json) {
    io.out(JSON.stringify(list))
    return EXIT.ok
  }
  const rows = list.map((t) => [t.name, t.title, int(t.trainable), compact(t.macs)])
  for (const line of table(['Name', 'Title', 'Trainable', 'MACs'], rows, [false, false, true, true]))
    io.out(line)
  return EXIT.ok
}
