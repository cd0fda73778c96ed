import { describe, expect, it } from 'vitest'
import { chain } from '../graph/test-kit'
import { parseProjectFile } from './project-file'

const doc = chain([
  ['in', 'Input', { height: 8, width: 8, channels: 1 }],
  ['c', 'Conv2D', { filters: 2, kernelSize: 3 }],
])
const file = {
  format: 'cnn-studio/project',
  version: 1,
  name: 'Net',
  exportedAt: '2025-01-01T00:00:00.000Z',
  document: doc,
  viewState: { viewport: { x: 1, y: 2, zoom: 3 }, selection: [] },
}

describe('parseProjectFile', () => {
  it('reads a project file, filling the document defaults', () => {
    const bare = { ...file, document: { ...doc, nodes: [{ id: 'in', kind: 'Input' }], edges: [] } }
    const r = parseProjectFile(bare)
    expect(r.error).toBeUndefined()
    expect(r.file!.document.nodes[0].params).toEqual({})
    expect(parseProjectFile(file).file).toEqual(file)
  })

  it('accepts a missing view state and export time', () => {
    const { viewState: _v, exportedAt: _e, ...rest } = file
    expect(parseProjectFile(rest).file).toMatchObject({ viewState: null, exportedAt: '' })
  })

  it('reads a bare graph document as a project named after it', () => {
    expect(parseProjectFile({ ...doc, name: 'G' }).file).toMatchObject({
      name: 'G',
      document: { ...doc, name: 'G' },
    })
    expect(parseProjectFile({ ...doc, name: '' }).file!.name).toBe('Untitled')
  })

  it('names what is wrong', () => {
    expect(parseProjectFile(null).error).toMatch(/must be a JSON object/)
    expect(parseProjectFile({ ...file, format: undefined }).error).toMatch(/"format" is undefined/)
    expect(parseProjectFile({ ...file, version: 9 }).error).toMatch(
      /newer CNN Studio \(project file version 9/,
    )
    expect(parseProjectFile({ ...file, version: '1' }).error).toMatch(/^Invalid project file: version: /)
    expect(parseProjectFile({ ...file, name: 5 }).error).toMatch(/^Invalid project file: name: /)
    expect(parseProjectFile({ ...file, document: { ...doc, version: 5 } }).error).toMatch(
      /^Invalid project file: "document": This graph was saved by a newer CNN Studio/,
    )
  })

  it('refuses a document nested too deeply, naming where, at any depth', () => {
    let deep: unknown = 1
    for (let i = 0; i < 20_000; i++) deep = { a: deep }
    const nodes = [{ id: 'c', kind: 'Conv2D', params: { filters: 2, kernelSize: 3, deep } }]
    expect(parseProjectFile({ ...file, document: { ...doc, nodes } }).error).toMatch(
      /^Invalid project file: "document": Invalid graph document: nodes\[0\]\.params\.deep\.a\.a…: nested more than 400 levels deep/,
    )
    expect(parseProjectFile({ ...doc, nodes }).error).toMatch(
      /^Invalid graph document: nodes\[0\]\.params\.deep/,
    )
  })
})
