import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { loadDataset } from './catalog'
import { readSkipped, recordSkipped, skippedListPath } from './skipped-list'
import { pngBytes } from './test-kit'

describe('the list of skipped files', () => {
  it('is one file per folder in the data folder, named after the folder', () => {
    const a = skippedListPath('/data', '/photos/cats & dogs')
    expect(a).toMatch(/^\/data\/skipped-files\/cats-dogs-[0-9a-f]{8}\.tsv$/)
    expect(skippedListPath('/data', '/other/cats & dogs')).not.toBe(a)
    expect(skippedListPath('/data', '/photos/x/../cats & dogs')).toBe(a)
  })

  it('is written, read back (tabs and line breaks too) and removed when nothing is skipped', () => {
    const data = tempDir()
    const skipped = [
      { file: '/p/a\tb.png', reason: 'not a PNG\nor JPEG image' },
      { file: '/p/c.png', reason: 'empty' },
      { file: '/p/d.png', reason: 'empty' },
      { file: '/p/e.png', reason: 'empty' },
    ]
    const list = recordSkipped(data, '/p', skipped)
    expect(list).toBe(skippedListPath(data, '/p'))
    expect(readFileSync(list!, 'utf8').split('\n')[2]).toBe('/p/a\\tb.png\tnot a PNG\\nor JPEG image')
    expect(readSkipped(data, '/p')).toEqual({ list, count: 4, first: skipped.slice(0, 3) })
    expect(recordSkipped(data, '/p', [])).toBeNull()
    expect(existsSync(list!)).toBe(false)
    expect(readSkipped(data, '/p')).toBeNull()
  })

  it('never stops a load: a data folder it cannot write gives no list', () => {
    const data = tempDir()
    writeFileSync(path.join(data, 'skipped-files'), 'a file where the folder goes')
    expect(recordSkipped(data, '/p', [{ file: '/p/x', reason: 'empty' }])).toBeNull()
  })

  it('is kept by loadDataset for image folders', () => {
    const data = tempDir()
    const folder = tempDir('cnn-studio-images-')
    for (const c of ['a', 'b']) {
      mkdirSync(path.join(folder, c))
      for (let i = 0; i < 6; i++)
        writeFileSync(
          path.join(folder, c, `${i}.png`),
          pngBytes(4, 4, () => [i, 0, 0, 255]),
        )
    }
    writeFileSync(path.join(folder, 'a', 'bad.png'), 'not an image')
    const ds = loadDataset({ folder }, data)
    expect(ds.skipped).toHaveLength(1)
    expect(readSkipped(data, folder)).toMatchObject({
      count: 1,
      first: [{ file: path.join(folder, 'a', 'bad.png') }],
    })
  })
})
