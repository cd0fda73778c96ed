import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFilesAtomically } from '../../src/main/export/write-atomic'
import { cli, emptyFolder, sleep, source, startCli, startScript, tempDir, tempsIn } from './fault-test-kit'

/**
 * Issue 14: an export killed mid-write leaves no partial file under the target's name, and the
 * temporary files it leaves are removed by the next export into that folder.
 */

const KILLS = 4
/** Random but reproducible delays: a kill lands somewhere different in each cycle. */
const delays = (from: number, to: number) =>
  Array.from({ length: KILLS }, (_, i) => from + (((i * 7919) % 1000) / 1000) * (to - from))

/** A child writing through the export's writer in a loop: ONNX-sized files, each byte = the cycle. */
const onnxWriter = (out: string) => `
  const { writeFilesAtomically } = await import(${source('src/main/export/write-atomic.ts')})
  const size = 24 * 1024 * 1024
  console.log('ready')
  for (let i = 1; ; i++) {
    await writeFilesAtomically([{ path: ${JSON.stringify(out)}, data: new Uint8Array(size).fill(i % 256) }])
    console.log('wrote ' + i)
  }`

/** The same for TF.js: weights.bin of a size that changes each time, and model.json that states it. */
const tfjsWriter = (folder: string) => `
  const { writeFolderAtomically } = await import(${source('src/main/export/write-atomic.ts')})
  console.log('ready')
  for (let i = 1; ; i++) {
    const bytes = (4 + (i % 5)) * 1024 * 1024
    await writeFolderAtomically(${JSON.stringify(folder)}, [
      { name: 'weights.bin', data: new Uint8Array(bytes).fill(i % 256) },
      { name: 'model.json', data: JSON.stringify({ cycle: i, bytes }) },
    ])
    console.log('wrote ' + i)
  }`

describe('an export killed while it writes', () => {
  it('ONNX: the target is absent or one whole file, never a partial one', async () => {
    const folder = emptyFolder(tempDir('kill-onnx'), 'out')
    const out = path.join(folder, 'model.onnx')
    let leftTemps = 0
    for (const delay of delays(150, 900)) {
      const child = startScript(onnxWriter(out))
      await child.waitFor((l) => l === 'ready')
      await sleep(delay)
      await child.kill()
      leftTemps += tempsIn(folder).length
      if (existsSync(out)) {
        const bytes = readFileSync(out)
        expect(bytes.length).toBe(24 * 1024 * 1024)
        expect(bytes.every((b) => b === bytes[0])).toBe(true)
      }
    }
    // Most kills land in the middle of a 24 MB write: their temporary files stay behind…
    expect(leftTemps).toBeGreaterThan(0)
    // …until the next export into the folder, which removes them.
    await writeFilesAtomically([{ path: out, data: 'next export' }])
    expect(readdirSync(folder)).toEqual(['model.onnx'])
  }, 120_000)

  it('TF.js: model.json always describes the weights.bin beside it', async () => {
    const parent = tempDir('kill-tfjs')
    const folder = path.join(parent, 'model-tfjs')
    for (const delay of delays(150, 900)) {
      const child = startScript(tfjsWriter(folder))
      await child.waitFor((l) => l === 'ready')
      await sleep(delay)
      await child.kill()
      if (existsSync(path.join(folder, 'model.json'))) {
        const manifest = JSON.parse(readFileSync(path.join(folder, 'model.json'), 'utf8'))
        const weights = readFileSync(path.join(folder, 'weights.bin'))
        expect(weights.length).toBe(manifest.bytes)
        expect(weights[0]).toBe(manifest.cycle % 256)
      } else if (existsSync(folder)) {
        // Killed between moving the old model.json aside and renaming the new one in: no model, no mix.
        expect(readdirSync(folder).filter((n) => !n.startsWith('.'))).not.toContain('model.json')
      }
    }
    await writeFilesAtomically([{ path: path.join(folder, 'model.json'), data: '{}' }])
    expect(tempsIn(parent)).toEqual([])
    expect(tempsIn(folder)).toEqual([])
  }, 120_000)

  it('`cnn-studio export` killed at any point: no partial file, and the next export sweeps up', async () => {
    const root = tempDir('kill-cli')
    const data = path.join(root, 'data')
    const folder = emptyFolder(root, 'out')
    const out = path.join(folder, 'lenet5.onnx')
    const reference = path.join(root, 'reference.onnx')
    const started = Date.now()
    const first = cli(['export', 'lenet5', '--out', reference, '--data', data])
    expect(first.status, first.stderr).toBe(0)
    const whole = readFileSync(reference)
    const duration = Date.now() - started
    const args = ['export', 'lenet5', '--out', out, '--data', data, '--force']
    for (const delay of delays(0.3 * duration, 1.1 * duration)) {
      const child = startCli(args)
      await sleep(delay)
      await child.kill()
      if (existsSync(out)) expect(readFileSync(out).equals(whole)).toBe(true)
    }
    const next = cli(args)
    expect(next.status, next.stderr).toBe(0)
    expect(readdirSync(folder)).toEqual(['lenet5.onnx'])
    expect(statSync(out).size).toBe(whole.length)
  }, 240_000)
})
