import { describe, expect, it } from 'vitest'
import { getTemplate } from '../shared/templates'
import { ONNX_ADVICE } from './file-type'
import { readGraphFile } from './read-graph-file'

const utf8 = (text: string) => new TextEncoder().encode(text)
const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)))

describe('readGraphFile', () => {
  const doc = getTemplate('lenet5')!.document

  it('reads a graph document and an exported project', () => {
    expect(readGraphFile('a.json', utf8(JSON.stringify(doc))).doc).toEqual(doc)
    const project = { format: 'cnn-studio/project', version: 1, name: 'x', document: doc, viewState: null }
    expect(readGraphFile('a.cnnproj.json', utf8(JSON.stringify(project))).doc).toEqual(doc)
  })

  it('names the file and the problem', () => {
    expect(readGraphFile('bad.json', utf8('{')).error).toMatch(/^bad\.json: The file is not valid JSON: /)
    expect(readGraphFile('x.json', utf8('{"format": "onnx"}')).error).toMatch(
      /^x\.json: Not a CNN Studio project: "format" is "onnx"/,
    )
  })

  it('names a file of another kind and what to do, whatever its name', () => {
    const said = (name: string, b: Uint8Array) => readGraphFile(name, b).error
    // A ModelProto: ir_version 8, then producer_name.
    const onnx = bytes([0x08, 0x08, 0x12, 0x0a], 'CNN Studio', [0x1a, 0x05], '0.1.0')
    expect(said('model.json', onnx)).toBe(
      `model.json: This is an ONNX model, not a CNN Studio graph or project. ${ONNX_ADVICE}`,
    )
    expect(said('LeNet.onnx', utf8('anything'))).toMatch(
      /^LeNet\.onnx: This is an ONNX model, .* ONNX import is not available yet/,
    )
    const png = bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR')
    expect(said('digit.png', png)).toBe(
      'digit.png: This is a PNG image, not a CNN Studio graph or project. Images are training data: put them in folders named after their classes and choose the folder as the dataset in the training panel. Open a graph (.json) or a project exported from CNN Studio (.cnnproj.json).',
    )
    expect(said('a.jpg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'))).toMatch(/This is a JPEG image/)
    expect(said('a.gif', bytes('GIF89a', [1, 0, 1, 0]))).toMatch(/This is a GIF image/)
    expect(said('p.zip', bytes('PK', [3, 4, 20, 0]))).toMatch(
      /This is a zip archive, .* Extract it, then open/,
    )
    expect(said('p.json.gz', bytes([0x1f, 0x8b, 8, 0]))).toMatch(/This is a gzip archive/)
    const tar = new Uint8Array(1024)
    tar.set(bytes('model.json'), 0)
    tar.set(bytes('ustar\u000000'), 257)
    expect(said('p.tar', tar)).toMatch(/This is a tar archive/)
    expect(said('paper.pdf', bytes('%PDF-1.7\n'))).toMatch(/^paper\.pdf: This is a PDF document, /)
    expect(said('weights.bin', bytes([1, 2, 0, 3]))).toMatch(/^weights\.bin: This is a binary file, /)
  })
})
