import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { processAlive, sweepStaleTemps, tempPathFor } from './temp-files'

/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!

describe('export temporary files', () => {
  it('are named after the target and this process, beside the target', () => {
    const t = tempPathFor('/x/y/model.onnx')
    expect(path.dirname(t)).toBe('/x/y')
    expect(path.basename(t)).toMatch(
      new RegExp(`^\\.model\\.onnx\\.cnn-studio-tmp-${process.pid}-[0-9a-f]{8}$`),
    )
    expect(tempPathFor('/x/m')).not.toBe(tempPathFor('/x/m'))
  })

  it('knows a running process from an ended one', () => {
    expect(processAlive(process.pid)).toBe(true)
    expect(processAlive(deadPid())).toBe(false)
  })

  it('sweeps those of ended processes, files and folders, and nothing else', () => {
    const dir = tempDir('cnn-studio-temps-')
    const dead = deadPid()
    const names = {
      deadFile: `.model.onnx.cnn-studio-tmp-${dead}-0a1b2c3d`,
      deadFolder: `.m-tfjs.cnn-studio-tmp-${dead}-0a1b2c3e`,
      ours: `.model.onnx.cnn-studio-tmp-${process.pid}-0a1b2c3f`,
      user: 'model.onnx',
      lookalike: '.model.onnx.cnn-studio-tmp-notapid',
    }
    writeFileSync(path.join(dir, names.deadFile), 'partial')
    mkdirSync(path.join(dir, names.deadFolder))
    writeFileSync(path.join(dir, names.deadFolder, 'weights.bin'), 'partial')
    for (const n of [names.ours, names.user, names.lookalike]) writeFileSync(path.join(dir, n), 'x')
    expect(sweepStaleTemps(dir).sort()).toEqual([names.deadFile, names.deadFolder].sort())
    expect(readdirSync(dir).sort()).toEqual([names.ours, names.user, names.lookalike].sort())
    // A live process's file stays, whoever it is.
    writeFileSync(path.join(dir, `.a.cnn-studio-tmp-${dead}-00000000`), 'x')
    expect(sweepStaleTemps(dir, () => true)).toEqual([])
    expect(sweepStaleTemps(path.join(dir, 'missing'))).toEqual([])
    expect(existsSync(path.join(dir, names.user))).toBe(true)
  })
})
