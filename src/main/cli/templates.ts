import { inferGraph } from '../../shared/graph/infer'
import { TEMPLATES } from '../../shared/templates'
import { EXIT, type CliIo } from './io'
import { compact, int, table } from './table'

export const templatesHelp = `Usage: cnn-studio templates [--json]

Lists the networks a new project can start from, with their trainable parameters and MACs.`

export function templates(opts: { json: boolean }, io: CliIo): number {
  const list = TEMPLATES.map((t) => {
    const { totals } = inferGraph(t.document)
    return { name: t.name, title: t.title, trainable: totals.trainable, macs: totals.macs }
  })
  if (opts.json) {
    io.out(JSON.stringify(list))
    return EXIT.ok
  }
  const rows = list.map((t) => [t.name, t.title, int(t.trainable), compact(t.macs)])
  for (const line of table(['Name', 'Title', 'Trainable', 'MACs'], rows, [false, false, true, true]))
    io.out(line)
  return EXIT.ok
}
