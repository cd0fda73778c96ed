import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { DB_FILE } from '../data-dir'
import { tempDir } from '../db/test-kit'
import { checkExportTarget, ExportTargetError, realPath } from './export-target'

const root = tempDir('cnn-studio-target-')
const data = path.join(root, 'data')
const elsewhere = path.join(root, 'elsewhere')

beforeAll(() => {
  mkdirSync(path.join(data, 'datasets', 'mnist'), { recursive: true })
  mkdirSync(elsewhere)
  writeFileSync(path.join(data, DB_FILE), 'SQLite format 3\0')
  symlinkSync(data, path.join(root, 'link'))
})

type Format = 'onnx' | 'tfjs' | 'pytorch'
const check = (p: string, format: Format = 'onnx', overwrite = false) =>
  checkExportTarget({ path: p, format, overwrite }, data)

function refusal(p: string, format: Format = 'onnx', overwrite = true): ExportTargetError {
  try {
    check(p, format, overwrite)
  } catch (e) {
    expect(e).toBeInstanceOf(ExportTargetError)
    return e as ExportTargetError
  }
  throw new Error(`expected ${p} to be refused`)
}

describe('realPath', () => {
  it('resolves .., and symbolic links in the part that exists', () => {
    expect(realPath(path.join(data, 'x', '..', 'a.onnx'))).toBe(path.join(realPath(data), 'a.onnx'))
    expect(realPath(path.join(root, 'link', 'new', 'a.onnx'))).toBe(
      path.join(realPath(data), 'new', 'a.onnx'),
    )
  })
})

describe("the data folder's own files", () => {
  it.each([
    ['the database', DB_FILE],
    ['its WAL', `${DB_FILE}-wal`],
    ['its shared memory', `${DB_FILE}-shm`],
    ['its rollback journal', `${DB_FILE}-journal`],
    ['another case', 'CNN-Studio.DB'],
    ['through ..', path.join('sub', '..', DB_FILE)],
  ])('%s is refused, overwrite or not', (_, name) => {
    const e = refusal(path.join(data, name))
    expect(e.reason).toBe('refused')
    expect(e.message).toMatch(/^Refusing to export there: .*project database/)
    expect(e.message).toMatch(/Choose a file outside the data folder's own files/)
  })

  it('through a symbolic link to the data folder, or a hard link to the database', () => {
    expect(refusal(path.join(root, 'link', DB_FILE)).message).toMatch(/project database/)
    const hard = path.join(elsewhere, 'innocent.onnx')
    linkSync(path.join(data, DB_FILE), hard)
    expect(refusal(hard).message).toBe(
      `Refusing to export there: ${hard} is CNN Studio's project database (${path.join(data, DB_FILE)}): exporting onto it would destroy every project and run. Choose a file outside the data folder's own files (cnn-studio.db*, datasets/, skipped-files/, runs/), for example in your Downloads folder.`,
    )
  })

  it('a database of another data folder, by its name', () => {
    expect(refusal(path.join(elsewhere, DB_FILE)).message).toMatch(/named like a CNN Studio project database/)
  })

  it('datasets/ and skipped-files/, as files or TF.js folders', () => {
    expect(refusal(path.join(data, 'datasets', 'mnist', 'm.onnx')).message).toMatch(
      `is inside ${path.join(data, 'datasets')}, where CNN Studio keeps its datasets.`,
    )
    expect(refusal(path.join(root, 'link', 'datasets'), 'tfjs').message).toMatch(
      `is ${path.join(data, 'datasets')}, where CNN Studio keeps its datasets.`,
    )
    expect(refusal(path.join(data, 'Skipped-Files', 'x.onnx')).message).toMatch(/skipped lists/)
  })

  it("the rest of the data folder is the user's", () => {
    expect(check(path.join(data, 'model.onnx'))).toEqual({
      out: path.join(data, 'model.onnx'),
      files: [path.join(data, 'model.onnx')],
      replaces: [],
    })
    expect(check(data, 'tfjs').files).toEqual([path.join(data, 'weights.bin'), path.join(data, 'model.json')])
  })
})

describe('an existing target', () => {
  it('is refused without overwrite, saying how to confirm, and listed with it', () => {
    const out = path.join(elsewhere, 'm.onnx')
    writeFileSync(out, 'x')
    const e = refusal(out, 'onnx', false)
    expect(e.reason).toBe('exists')
    expect(e.message).toBe(
      `${out} already exists. Choose another name, or confirm replacing it (--force on the command line; the Export dialog asks).`,
    )
    expect(check(out, 'onnx', true).replaces).toEqual([out])
  })

  it('a TF.js folder: only model.json and weights.bin count', () => {
    const folder = path.join(elsewhere, 'tfjs')
    mkdirSync(folder)
    writeFileSync(path.join(folder, 'notes.txt'), 'x')
    expect(check(folder, 'tfjs').replaces).toEqual([])
    writeFileSync(path.join(folder, 'weights.bin'), 'x')
    writeFileSync(path.join(folder, 'model.json'), 'x')
    expect(refusal(folder, 'tfjs', false).message).toMatch(
      /weights\.bin and .*model\.json already exist\. Choose another name, or confirm replacing them/,
    )
  })

  it("a PyTorch folder: any of its six files counts, listed once with the folder; the rest is the user's", () => {
    const folder = path.join(elsewhere, 'pytorch')
    mkdirSync(folder)
    writeFileSync(path.join(folder, 'notes.txt'), 'x')
    mkdirSync(path.join(folder, 'checkpoints'))
    expect(check(folder, 'pytorch')).toEqual({
      out: folder,
      files: [
        'weights.safetensors',
        'safetensors_io.py',
        'train.py',
        'config.json',
        'README.md',
        'model.py',
      ].map((f) => path.join(folder, f)),
      replaces: [],
    })
    writeFileSync(path.join(folder, 'train.py'), 'x')
    expect(refusal(folder, 'pytorch', false).message).toBe(
      `${path.join(folder, 'train.py')} already exists. Choose another name, or confirm replacing it (--force on the command line; the Export dialog asks).`,
    )
    writeFileSync(path.join(folder, 'model.py'), 'x')
    expect(refusal(folder, 'pytorch', false).message).toMatch(
      new RegExp(`^In ${folder}, train\\.py and model\\.py already exist\\. Choose another name`),
    )
    expect(check(folder, 'pytorch', true).replaces).toEqual(
      ['train.py', 'model.py'].map((f) => path.join(folder, f)),
    )
    // The data folder's own files stay refused in this format too.
    expect(refusal(path.join(data, 'datasets'), 'pytorch').message).toMatch(/^Refusing to export there: /)
  })

  it('a folder where a file goes, or a file where a folder goes', () => {
    expect(refusal(elsewhere).message).toBe(
      `${elsewhere} is a folder. Give the file to write, e.g. ${path.join(elsewhere, 'model.onnx')}.`,
    )
    const file = path.join(elsewhere, 'm.onnx')
    expect(refusal(file, 'tfjs').message).toBe(
      `${file} is a file: the TF.js format writes a folder (model.json and weights.bin). Give a folder, e.g. ${path.join(elsewhere, 'm')}-tfjs.`,
    )
    writeFileSync(file, 'x')
    expect(refusal(file, 'pytorch').message).toBe(
      `${file} is a file: the PyTorch format writes a folder (model.py, weights.safetensors, train.py…). Give a folder, e.g. ${path.join(elsewhere, 'm')}-pytorch.`,
    )
  })
})
