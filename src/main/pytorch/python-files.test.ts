import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pythonFile } from './python-files'

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-python-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('pythonFile', () => {
  it('finds safetensors_io.py beside the source', () => {
    expect(pythonFile('safetensors_io.py')).toMatch(
      /src[/\\]main[/\\]pytorch[/\\]python[/\\]safetensors_io\.py$/,
    )
  })

  it('finds the copies of a bundle, from its entry and from a chunk folder', () => {
    mkdirSync(join(dir, 'out/main/python'), { recursive: true })
    mkdirSync(join(dir, 'out/main/chunks'), { recursive: true })
    writeFileSync(join(dir, 'out/main/python/safetensors_io.py'), '')
    expect(pythonFile('safetensors_io.py', join(dir, 'out/main'))).toBe(
      join(dir, 'out/main/python/safetensors_io.py'),
    )
    expect(pythonFile('safetensors_io.py', join(dir, 'out/main/chunks'))).toBe(
      join(dir, 'out/main/chunks/../python/safetensors_io.py'),
    )
  })

  it('says where it looked when the file is missing', () => {
    expect(() => pythonFile('train.py', join(dir, 'nowhere'))).toThrow(
      /train\.py is missing: looked in .*nowhere/,
    )
  })
})
