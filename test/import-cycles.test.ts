import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { folderCycles, importGraph, SRC, topFolder } from './import-graph-test-kit'

/**
 * Arrows run one way (ARCHITECTURE section 1): no module imports one that imports it back, and no
 * folder (`main/db`, `renderer/editor`, …) depends on one that depends on it.
 */
describe('the import graph of src/', () => {
  const graph = importGraph(SRC, join(SRC, '..', 'tsconfig.node.json'))

  it('is read whole: every import resolves, and the files of every runtime are in it', async () => {
    const { files, skipped } = await graph
    expect(skipped).toEqual([])
    for (const file of ['shared/layers/registry.ts', 'main/services/index.ts', 'renderer/App.tsx'])
      expect(Object.keys(files)).toContain(file)
  })

  it('has no cycle between files, type-only imports included', async () => {
    expect((await graph).fileCycles.map((c) => c.join(' → '))).toEqual([])
  })

  it('has no cycle between folders (test code aside)', async () => {
    expect(folderCycles((await graph).files, topFolder).map((c) => c.join(' ⇄ '))).toEqual([])
  })
})

describe('the checks fire', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-cycles-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
  }

  it('on a cycle through a type-only import', async () => {
    write({
      'a/kinds.ts': "import type { Fix } from './errors'\nexport type Kind = 'x'\nexport let f: Fix\n",
      'a/errors.ts': "import type { Kind } from './kinds'\nexport interface Fix { kind: Kind }\n",
    })
    const { fileCycles } = await importGraph(join(dir, 'a'))
    expect(fileCycles).toEqual([['errors.ts', 'kinds.ts']])
  })

  it('on folders that reach into each other through different files, but not from tests', async () => {
    write({
      'b/main/db/repo.ts': "import type { Checkpoint } from '../training/loop'\nexport let c: Checkpoint\n",
      'b/main/training/loop.ts':
        "import { open } from '../db/open'\nexport type Checkpoint = number\nopen()\n",
      'b/main/db/open.ts': 'export const open = () => 1\n',
      'b/main/datasets/mnist.ts': 'export const load = () => 1\n',
      'b/main/datasets/mnist.test.ts': "import { open } from '../db/open'\nopen()\n",
      'b/main/db/datasets-repo.ts': "import { load } from '../datasets/mnist'\nload()\n",
    })
    const { files, fileCycles } = await importGraph(join(dir, 'b'))
    expect(fileCycles).toEqual([])
    expect(folderCycles(files, topFolder)).toEqual([['main/db', 'main/training']])
  })
})
