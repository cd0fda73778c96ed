import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { checkWritableFolder, writeFilesAtomically, writeFolderAtomically } from './write-atomic'

const temps = (dir: string) => readdirSync(dir).filter((n) => n.includes('.cnn-studio-tmp-'))

describe('writeFilesAtomically', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const dir = tempDir('cnn-studio-write-')
    const out = path.join(dir, 'm.onnx')
    writeFileSync(out, 'old')
    await writeFilesAtomically([{ path: out, data: new Uint8Array([1, 2, 3]) }])
    expect([...readFileSync(out)]).toEqual([1, 2, 3])
    expect(readdirSync(dir)).toEqual(['m.onnx'])
  })

  it('on a failure, changes nothing and removes its temporary files', async () => {
    const dir = tempDir('cnn-studio-write-')
    const first = path.join(dir, 'a.bin')
    writeFileSync(first, 'old')
    await expect(
      writeFilesAtomically([
        { path: first, data: 'new' },
        { path: path.join(dir, 'missing', 'b.bin'), data: 'new' },
      ]),
    ).rejects.toThrow(/^Writing .*a\.bin, .*b\.bin failed: ENOENT/)
    expect(readFileSync(first, 'utf8')).toBe('old')
    expect(readdirSync(dir).sort()).toEqual(['a.bin'])
  })

  it('moves the entry file (last) aside first and puts it back if the others cannot be replaced', async () => {
    const dir = tempDir('cnn-studio-write-')
    writeFileSync(path.join(dir, 'model.json'), 'old model')
    // A folder where weights.bin should go: renaming a file over it fails.
    mkdirSync(path.join(dir, 'weights.bin'))
    writeFileSync(path.join(dir, 'weights.bin', 'x'), 'x')
    await expect(
      writeFilesAtomically([
        { path: path.join(dir, 'weights.bin'), data: 'new weights' },
        { path: path.join(dir, 'model.json'), data: 'new model' },
      ]),
    ).rejects.toThrow(/failed/)
    expect(readFileSync(path.join(dir, 'model.json'), 'utf8')).toBe('old model')
    expect(temps(dir)).toEqual([])
  })

  it('sweeps temporary files that an ended process left in the folder', async () => {
    const dir = tempDir('cnn-studio-write-')
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    writeFileSync(path.join(dir, `.m.onnx.cnn-studio-tmp-${dead}-12345678`), 'half')
    await writeFilesAtomically([{ path: path.join(dir, 'm.onnx'), data: 'whole' }])
    expect(readdirSync(dir)).toEqual(['m.onnx'])
  })
})

describe('writeFolderAtomically', () => {
  it('creates a new folder whole, under a temporary name first', async () => {
    const dir = tempDir('cnn-studio-write-')
    const folder = path.join(dir, 'model-tfjs')
    await writeFolderAtomically(folder, [
      { name: 'weights.bin', data: 'w' },
      { name: 'model.json', data: '{}' },
    ])
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin'])
    expect(readdirSync(dir)).toEqual(['model-tfjs'])
  })

  it("writes into an existing folder, keeping the user's other files", async () => {
    const folder = tempDir('cnn-studio-write-')
    writeFileSync(path.join(folder, 'notes.txt'), 'mine')
    writeFileSync(path.join(folder, 'model.json'), 'old')
    await writeFolderAtomically(folder, [
      { name: 'weights.bin', data: 'w' },
      { name: 'model.json', data: 'new' },
    ])
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'notes.txt', 'weights.bin'])
    expect(readFileSync(path.join(folder, 'model.json'), 'utf8')).toBe('new')
  })

  it('leaves nothing under the target name when it fails', async () => {
    const dir = tempDir('cnn-studio-write-')
    const folder = path.join(dir, 'model-tfjs')
    await expect(writeFolderAtomically(folder, [{ name: 'sub/x', data: 'w' }])).rejects.toThrow(/failed/)
    expect(existsSync(folder)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('checkWritableFolder', () => {
  it('names the folder and what to do; its probe leaves nothing', async () => {
    const dir = tempDir('cnn-studio-write-')
    await checkWritableFolder(path.join(dir, 'm.onnx'))
    expect(readdirSync(dir)).toEqual([])
    await expect(checkWritableFolder(path.join(dir, 'no', 'm.onnx'))).rejects.toThrow(
      `The folder ${path.join(dir, 'no')} does not exist. Create it or choose another place.`,
    )
  })
})
