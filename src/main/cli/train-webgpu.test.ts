import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { writeHalvesFolder } from '../datasets/test-kit'
import { openDataDatabase } from '../db/open'
import { tempDir } from '../db/test-kit'
import { createServices } from '../services'
import { projectWith } from '../services/test-kit'
import { useSwiftShader } from '../tfjs/test-kit'

/**
 * `cnn-studio train --backend webgpu` on SwiftShader (Vulkan on the CPU, which the child processes
 * find through the environment set here): a tiny graph on a tiny image folder, as slow as that
 * adapter allows.
 */
useSwiftShader()
const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname
const data = tempDir('cnn-studio-webgpu-cli-')
const folder = writeHalvesFolder(tempDir('cnn-studio-halves-'), { train: 10, test: 4 })

beforeAll(async () => {
  const db = openDataDatabase(data)
  const services = createServices({ dataDir: data, db })
  await projectWith(
    services,
    'tiny',
    chain([
      ['in', 'Input', { height: 8, width: 8, channels: 1 }],
      ['flat', 'Flatten'],
      ['fc', 'Dense', { units: 2 }],
      ['out', 'Output', { classes: 2 }],
    ]),
  )
  await services.close()
  db.close()
})

const args = (epochs: number) => [
  BIN,
  'train',
  'tiny',
  '--dataset',
  folder,
  '--backend',
  'webgpu',
  '--epochs',
  String(epochs),
  '--batch-size',
  '4',
  '--lr',
  '0.05',
  '--data',
  data,
  '--json',
]
const summaryOf = (stdout: string) =>
  JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>

/** The run's checkpoints and epoch metrics as stored, read by another connection. */
function stored(runId: string) {
  const db = new Database(path.join(data, 'cnn-studio.db'), { readonly: true, fileMustExist: true })
  try {
    const count = (sql: string) => (db.prepare(sql).get(runId) as { n: number }).n
    return {
      checkpoints: count('SELECT count(*) AS n FROM checkpoints WHERE run_id = ?'),
      epochLosses: count(
        "SELECT count(*) AS n FROM run_metrics WHERE run_id = ? AND batch IS NULL AND kind = 'train' AND name = 'loss'",
      ),
    }
  } finally {
    db.close()
  }
}

describe('cnn-studio train --backend webgpu on SwiftShader', () => {
  it('finishes above chance, with the adapter recorded and its checkpoint stored', () => {
    const r = spawnSync(process.execPath, args(2), { encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    const summary = summaryOf(r.stdout)
    expect(summary).toMatchObject({ status: 'finished', backend: 'webgpu', epochs: 2 })
    expect(summary.device).toMatch(/^GPU: SwiftShader .*\(google swiftshader, software\) via WebGPU/)
    // Two classes, four test images of each.
    expect(summary.testAccuracy).toBeGreaterThan(0.5)
    // One checkpoint per epoch; the last is the best here, so one row stands for both.
    expect(stored(summary.runId as string).checkpoints).toBeGreaterThanOrEqual(1)
  }, 60_000)

  it('killed after its first checkpoint, resumes with --resume and finishes on the same adapter', async () => {
    const earlier = runIds()
    const child = spawn(process.execPath, args(6), { stdio: 'ignore' })
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    // Wait for its run's first checkpoint, then kill the process at once.
    let runId: string | undefined
    for (let i = 0; ; i++) {
      if (i > 1500 || child.exitCode !== null) throw new Error('no checkpoint before the process ended')
      await new Promise((r) => setTimeout(r, 20))
      runId = runIds().find((id) => !earlier.includes(id))
      if (runId && stored(runId).checkpoints > 0) break
    }
    child.kill('SIGKILL')
    await exited
    const before = stored(runId)
    expect(before.epochLosses).toBeLessThan(6)

    const r = spawnSync(process.execPath, [BIN, 'train', '--resume', runId, '--data', data, '--json'], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(r.status, r.stderr).toBe(0)
    expect(summaryOf(r.stdout)).toMatchObject({
      runId,
      status: 'finished',
      backend: 'webgpu',
      device: expect.stringMatching(/SwiftShader/),
      epochs: 6,
    })
    // Every epoch once: the killed process's and the resumed one's.
    expect(stored(runId).epochLosses).toBe(6)
  }, 90_000)
})

/** The ids of the runs stored so far. */
function runIds(): string[] {
  const db = new Database(path.join(data, 'cnn-studio.db'), { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT id FROM runs').all() as { id: string }[]).map((r) => r.id)
  } finally {
    db.close()
  }
}
