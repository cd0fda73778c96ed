import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'datasets', ...args], { encoding: 'utf8', timeout: 60_000 })
const FASHION = '/usr/share/datasets/fashion-mnist'

describe('cnn-studio datasets', () => {
  it('lists where each built-in is, imports one from local files, and refuses bad arguments', () => {
    const data = mkdtempSync(join(tmpdir(), 'cnn-datasets-'))
    const list = cli('--data', data)
    expect(list.status).toBe(0)
    expect(list.stdout).toMatch(/^mnist +not here \(cnn-studio datasets download mnist\)$/m)
    expect(list.stdout).toMatch(/^cifar10 +not here/m)
    if (existsSync(FASHION)) {
      expect(list.stdout).toMatch(new RegExp(`^fashion-mnist +${FASHION}$`, 'm'))
      const imported = cli('import', 'mnist', FASHION, '--data', data)
      expect(imported.stdout).toBe(`MNIST imported into ${join(data, 'datasets', 'mnist')}.\n`)
      expect(cli('--data', data).stdout).toMatch(
        new RegExp(`^mnist +${join(data, 'datasets', 'mnist')}$`, 'm'),
      )
    }
    const bad = cli('import', 'svhn', FASHION, '--data', data)
    expect([bad.status, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/Name a built-in dataset: mnist, fashion-mnist, cifar10/),
    ])
    expect(cli('import', 'cifar10', '/no/such/folder', '--data', data).stderr).toMatch(
      /\/no\/such\/folder does not exist/,
    )
    expect(cli('a', 'b', 'c', 'd').stderr).toMatch(/'datasets' takes 0 to 3 arguments, got 4/)
  })

  it("names the user's damaged file, not a temporary copy, and exits 2", () => {
    const data = mkdtempSync(join(tmpdir(), 'cnn-datasets-'))
    const folder = mkdtempSync(join(tmpdir(), 'cnn-datasets-src-'))
    for (const f of ['train-images', 't10k-images'])
      writeFileSync(join(folder, `${f}-idx3-ubyte.gz`), 'not an IDX file')
    for (const f of ['train-labels', 't10k-labels'])
      writeFileSync(join(folder, `${f}-idx1-ubyte.gz`), 'not an IDX file')
    const r = cli('import', 'mnist', folder, '--data', data)
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      `cnn-studio datasets: ${join(folder, 'train-images-idx3-ubyte.gz')}: not an IDX file (it must start with two zero bytes, a type and a rank). Download the file again, or use the one from the dataset as published.\n`,
    )
  })
})
