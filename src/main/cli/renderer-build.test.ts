import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureRendererBuilt } from './renderer-build'

function checkout(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'cnn-build-'))
  for (const [rel, mtime] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true })
    writeFileSync(join(root, rel), '')
    utimesSync(join(root, rel), mtime, mtime)
  }
  return root
}
const io = () => {
  const err: string[] = []
  return { err, io: { out: () => {}, err: (l: string) => err.push(l) } }
}

describe('ensureRendererBuilt', () => {
  it('serves an up-to-date build as it is', () => {
    const root = checkout({ 'out/renderer/index.html': 2000, 'src/renderer/App.tsx': 1000 })
    const { err, io: o } = io()
    expect(ensureRendererBuilt(root, o)).toBe(join(root, 'out/renderer'))
    expect(err).toEqual([])
  })

  it('notes a build older than the sources, ignoring tests', () => {
    const root = checkout({
      'out/renderer/index.html': 2000,
      'src/shared/a.ts': 3000,
      'src/renderer/a.test.ts': 4000,
    })
    const { err, io: o } = io()
    ensureRendererBuilt(root, o)
    expect(err).toEqual([
      "Note: the editor in out/renderer is older than src/shared/a.ts; run 'npm run build' to serve your changes.",
    ])
  })

  it('builds a missing editor, and says what to do when it cannot', () => {
    const root = checkout({ 'src/renderer/App.tsx': 1000 })
    const { err, io: o } = io()
    expect(() => ensureRendererBuilt(root, o)).toThrow(/Could not build the editor; run 'npm run build'/)
    expect(err).toEqual(['Building the editor (first run, a few seconds)…'])
  })
})
