import { describe, expect, it } from 'vitest'
import { getTemplate } from '../shared/templates'
import { readGraphFile } from './read-graph-file'

describe('readGraphFile', () => {
  const doc = getTemplate('lenet5')!.document

  it('reads a graph document and an exported project', () => {
    expect(readGraphFile('a.json', JSON.stringify(doc)).doc).toEqual(doc)
    const project = { format: 'cnn-studio/project', version: 1, name: 'x', document: doc, viewState: null }
    expect(readGraphFile('a.cnnproj.json', JSON.stringify(project)).doc).toEqual(doc)
  })

  it('names the file and the problem', () => {
    expect(readGraphFile('bad.json', '{').error).toMatch(/^bad\.json: The file is not valid JSON: /)
    expect(readGraphFile('x.json', '{"format": "onnx"}').error).toMatch(
      /^x\.json: Not a CNN Studio project: "format" is "onnx"/,
    )
  })
})
