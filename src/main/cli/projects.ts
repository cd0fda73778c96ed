import type { Services } from '../services'
import { EXIT, type CliCommand, type CliIo } from './io'
import { compact, int, table } from './table'
import { withServices } from './with-services'

const help = `Usage: cnn-studio projects [--json] [--data DIR]

Lists every project, most recently opened or changed first: its id, name, latest saved version,
number of runs, when it was last opened, and the latest version's nodes, trainable parameters and
MACs per sample. A project made from a template is named by the template's title, as in the app
('LeNet-5 (MNIST)' for lenet5-mnist); commands that take a project accept its id, its exact name,
or the template's name. Its runs are listed by 'cnn-studio runs <project>'.

  --data DIR   the data folder (default: $CNN_STUDIO_DATA, else the user data folder)
  --json       an array of {"id", "name", "latestVersion": {"id", "savedAt"} | null, "versions",
               "runs", "lastOpenedAt", "createdAt", "updatedAt", "nodes", "trainable", "macs"}`

export const command: CliCommand = {
  help,
  options: { json: { type: 'boolean' }, data: { type: 'string' } },
  positionals: 0,
  run: (v, _p, io) => withServices('projects', v.data, io, (s) => projects(s, v.json === true, io)),
}

/** `2024-05-01 14:03` in local time: a list is read by a person where they are. */
const when = (iso: string | null) => {
  if (iso === null) return 'never'
  const d = new Date(iso)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

async function projects(services: Services, json: boolean, io: CliIo): Promise<number> {
  const list = await services['projects.list']({})
  const runs = new Map<string, number>()
  for (const r of await services['runs.list']({})) runs.set(r.projectId, (runs.get(r.projectId) ?? 0) + 1)
  const rows = await Promise.all(
    list.map(async (p) => {
      const versions = await services['projects.versions']({ id: p.id })
      const latest = versions[0]
      return {
        id: p.id,
        name: p.name,
        latestVersion: latest ? { id: latest.id, savedAt: latest.createdAt } : null,
        versions: versions.length,
        runs: runs.get(p.id) ?? 0,
        lastOpenedAt: p.lastOpenedAt,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        nodes: p.nodes,
        trainable: p.trainable,
        macs: p.macs,
      }
    }),
  )
  if (json) {
    io.out(JSON.stringify(rows))
    return EXIT.ok
  }
  if (!rows.length) {
    io.out(
      "No projects yet: open the app, or train a template (cnn-studio train lenet5-mnist --dataset mnist; see 'cnn-studio templates').",
    )
    return EXIT.ok
  }
  const cells = rows.map((p) => [
    p.id,
    p.name,
    p.latestVersion ? `${p.latestVersion.id} (${p.versions} saved)` : '',
    String(p.runs),
    when(p.lastOpenedAt),
    int(p.nodes),
    int(p.trainable),
    compact(p.macs),
  ])
  for (const line of table(
    ['Project', 'Name', 'Latest version', 'Runs', 'Last opened', 'Nodes', 'Trainable', 'MACs'],
    cells,
    [false, false, false, true, false, true, true, true],
  ))
    io.out(line)
  io.out("A project's runs: cnn-studio runs <project id or name>.")
  return EXIT.ok
}
