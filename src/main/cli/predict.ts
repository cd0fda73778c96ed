import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Services } from '../services'
import { requireTrainedRun } from './find-run'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'
import { withServices } from './with-services'

const help = `Usage: cnn-studio predict <run | project> IMAGE... [--top K] [--json]

The most probable classes of PNG or JPEG images under a run's best checkpoint, each image
preprocessed as the run's training images were (resized to the network's input, grey or RGB,
normalised with the run's statistics). A project stands for its newest trained run.

  --top K      classes listed per image (default 5)
  --data DIR   the data folder (default: $CNN_STUDIO_DATA, else the user data folder)
  --json       one line: an array of {"file", "top": [{"class", "name", "probability"}]}

Exit status: 0 predicted; 1 an image cannot be read or the run cannot be run; 2 bad usage or an
unknown run or project.`

const MAX_IMAGES = 64

export const command: CliCommand = {
  help,
  options: { top: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
  positionals: [2, MAX_IMAGES + 1],
  run: (v, [target, ...files], io) =>
    withServices('predict', v.data, io, (s) =>
      predict(s, target, files, { top: v.top, json: v.json === true }, io),
    ),
}

async function predict(
  services: Services,
  target: string,
  files: string[],
  o: { top: unknown; json: boolean },
  io: CliIo,
): Promise<number> {
  const top = o.top === undefined ? 5 : Number(o.top)
  if (!Number.isInteger(top) || top < 1 || top > 100)
    throw new UsageError(`--top is a whole number from 1 to 100, not '${String(o.top)}'.`)
  const images = files.map((file) => {
    try {
      return { name: basename(file), data: readFileSync(file).toString('base64') }
    } catch (e) {
      throw new UsageError(
        `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
      )
    }
  })
  const { run, note } = await requireTrainedRun(services, target)
  if (note && !o.json) io.err(note)
  const predictions = await services['insight.predict']({ runId: run.id, images, top })
  if (o.json) {
    io.out(JSON.stringify(predictions.map((p, i) => ({ file: files[i], top: p.top }))))
    return EXIT.ok
  }
  predictions.forEach((p, i) => {
    io.out(`${files[i]}:`)
    for (const t of p.top) io.out(`  ${(100 * t.probability).toFixed(2).padStart(6)}%  ${t.name}`)
  })
  return EXIT.ok
}
