import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { pngBytes } from '../datasets/test-kit'
import { tempDir } from '../db/test-kit'
import { openDataDatabase } from '../db/open'
import { createServices } from '../services'
import { NOT_DEFAULT_ARGS, NOT_DEFAULTS } from './test-kit'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname

const data = tempDir('cnn-studio-train-cli-')
const folder = tempDir('cnn-studio-images-')
const bad = ['cats/broken.png', 'cats/empty.png', 'dogs/notes.png']

beforeAll(async () => {
  // Two classes of 8×8 images, and three files that are not images.
  for (const [c, colour] of [
    ['cats', 40],
    ['dogs', 200],
  ] as const) {
    mkdirSync(path.join(folder, c))
    for (let i = 0; i < 8; i++)
      writeFileSync(
        path.join(folder, c, `${i}.png`),
        pngBytes(8, 8, (x) => [colour, x * 9 + i, 0, 255]),
      )
  }
  writeFileSync(path.join(folder, bad[0]), pngBytes(8, 8, () => [0, 0, 0, 255]).subarray(0, 40))
  writeFileSync(path.join(folder, bad[1]), '')
  writeFileSync(path.join(folder, bad[2]), 'shopping list')
  const db = openDataDatabase(data)
  const services = createServices({ dataDir: data, db })
  const { project } = await services['projects.create']({ name: 'tiny' })
  await services['projects.save']({
    id: project.id,
    document: chain([
      ['in', 'Input', { height: 8, width: 8, channels: 3 }],
      ['flat', 'Flatten'],
      ['fc', 'Dense', { units: 2 }],
      ['out', 'Output', { classes: 2 }],
    ]),
  })
  await services.close()
  db.close()
})

const train = (...extra: string[]) =>
  spawnSync(
    process.execPath,
    [
      BIN,
      'train',
      'tiny',
      '--dataset',
      folder,
      '--epochs',
      '1',
      '--batch-size',
      '4',
      '--data',
      data,
      ...extra,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  )

describe('cnn-studio train on an image folder with unreadable files', () => {
  it('says how many were skipped, the first few and where the whole list is', () => {
    const r = train()
    expect(r.status, r.stderr).toBe(0)
    const list = path.join(data, 'skipped-files', `${path.basename(folder)}-`)
    const warning = r.stderr.split('\n').filter((l) => /skipped|^ {2}/.test(l))
    expect(warning[0]).toBe(
      `warning: 3 files in ${folder} could not be read and were skipped (corrupt, empty or not PNG/JPEG images):`,
    )
    expect(warning.slice(1, 4).map((l) => l.split(':')[0].trim())).toEqual(
      bad.map((b) => path.join(folder, b)),
    )
    expect(warning[4]).toMatch(new RegExp(`^  full list: ${list}[0-9a-f]{8}\\.tsv$`))
    const file = warning[4].slice('  full list: '.length)
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^# 3 files of ${folder} could not be read and were skipped`))
    expect(lines.slice(2).map((l) => l.split('\t')[0])).toEqual(bad.map((b) => path.join(folder, b)))
  })

  it('reports them in the --json summary', () => {
    const r = train('--json')
    expect(r.status, r.stderr).toBe(0)
    const summary = JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!)
    expect(summary.status).toBe('finished')
    expect(summary.skipped).toMatchObject({
      count: 3,
      list: expect.stringMatching(/skipped-files\/.*\.tsv$/),
      first: bad.map((b) => ({ file: path.join(folder, b), reason: expect.any(String) })),
    })
    expect(r.stderr).not.toMatch(/warning/)
  })
})

describe('cnn-studio train --engine pytorch, refused before a run exists', () => {
  const runs = () => {
    const db = openDataDatabase(data)
    try {
      return db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }
    } finally {
      db.close()
    }
  }

  it('says how to install PyTorch when no python has it, and writes no run', () => {
    const before = runs().n
    const r = spawnSync(
      process.execPath,
      [BIN, 'train', 'tiny', '--dataset', folder, '--data', data, '--engine', 'pytorch'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CNN_STUDIO_PYTHON: '/nonexistent/python3' },
      },
    )
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(
      /^cnn-studio train: No python was found \(tried \/nonexistent\/python3\): install Python 3, then install PyTorch: pip install torch, or Debian's python3-torch/m,
    )
    expect(runs().n).toBe(before)
  })

  it('refuses PyTorch options without the PyTorch engine, and a TF.js backend with it', () => {
    const device = train('--device', 'cpu')
    expect(device.status).toBe(2)
    expect(device.stderr).toMatch(
      /--device and --processes choose how PyTorch trains: add --engine pytorch\./,
    )
    expect(train('--engine', 'pytorch', '--processes', '0').stderr).toMatch(
      /--processes must be a whole number from 1 to 64, got '0'/,
    )
    expect(train('--engine', 'jax').stderr).toMatch(/--engine must be one of tfjs, pytorch, got 'jax'/)
    const backend = train('--engine', 'pytorch', '--backend', 'wasm')
    expect(backend.status).toBe(1)
    expect(backend.stderr).toMatch(
      /--backend wasm chooses a TF.js backend; a PyTorch run chooses its device instead/,
    )
  })
})

describe('cnn-studio train, every hyperparameter flag', () => {
  it('reaches the run: its stored hyperparameters are the ones asked for', async () => {
    const r = train(...NOT_DEFAULT_ARGS, '--json')
    expect(r.status, r.stderr).toBe(0)
    const { runId } = JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!)
    const db = openDataDatabase(data)
    const services = createServices({ dataDir: data, db })
    try {
      const run = await services['runs.get']({ runId })
      expect(run.hyperparameters).toEqual(NOT_DEFAULTS)
    } finally {
      await services.close()
      db.close()
    }
  }, 120_000)
})
