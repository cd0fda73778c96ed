import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tarFolder } from './tar'

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-tar-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('tarFolder', () => {
  it('writes an archive that tar extracts to the same bytes', () => {
    const weights = Uint8Array.from({ length: 1300 }, (_, i) => (i * 37) % 256)
    const folder = `${'A long project name '.repeat(5).trim()}-pytorch`
    const archive = tarFolder(folder, [
      { name: 'model.py', data: 'import torch\n' },
      { name: 'weights.safetensors', data: weights },
      { name: 'empty.txt', data: '' },
    ])
    expect(archive.length % 512).toBe(0)
    writeFileSync(join(dir, 'a.tar'), archive)
    expect(
      execFileSync('tar', ['-tf', join(dir, 'a.tar')], { encoding: 'utf8' })
        .trim()
        .split('\n'),
    ).toEqual([`${folder}/model.py`, `${folder}/weights.safetensors`, `${folder}/empty.txt`])
    execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir])
    expect(readFileSync(join(dir, folder, 'model.py'), 'utf8')).toBe('import torch\n')
    expect(new Uint8Array(readFileSync(join(dir, folder, 'weights.safetensors')))).toEqual(weights)
    expect(readFileSync(join(dir, folder, 'empty.txt')).length).toBe(0)
  })

  it('refuses a name that does not fit rather than cutting it', () => {
    expect(() => tarFolder('f', [{ name: 'x'.repeat(101), data: '' }])).toThrow(/too long for a tar header/)
  })
})
