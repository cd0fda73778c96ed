import { crc32, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseProjectFile } from '../../src/shared/api/project-file'
import { PROJECT_FILE_FORMAT, PROJECT_FILE_VERSION } from '../../src/shared/api/projects'
import { hyperparametersSchema } from '../../src/shared/api/training'
import { parseDocument, parseDocumentJson } from '../../src/shared/graph/document'
import { expandDocument } from '../../src/shared/graph/expand'
import { inferGraph } from '../../src/shared/graph/infer'
import { BLOCK_KINDS } from '../../src/shared/blocks/registry'
import { LAYER_KINDS } from '../../src/shared/layers/registry'
import { getTemplate } from '../../src/shared/templates'
import { estimateTrainingMemory } from '../../src/shared/training/memory-estimate'
import { parseCifarBatches } from '../../src/main/datasets/cifar10'
import { DatasetFileError, pairImagesAndLabels, parseIdx } from '../../src/main/datasets/idx'
import { decodeImage, resizeInto } from '../../src/main/datasets/image-folder'
import { cifarRecord, concat, idxBytes, jpegBytes, pngBytes } from '../../src/main/datasets/test-kit'
import { fuzzOptions, mutatedBytes, mutatedJson, oddValue, thrown } from './test-kit'

/**
 * The parsers of everything a user can hand the app, fed arbitrary and mutated valid inputs: each
 * answers with a value or its own clear error (a result with `error`, or a DatasetFileError naming
 * the file), never a RangeError or TypeError from inside, never a hang (vitest's timeout), never a
 * crash. Fixed seed and bounded runs (test-kit.ts); fast-check prints the seed and path of a failure.
 */

const TEMPLATE_DOCS = ['lenet5', 'resnet18', 'googlenet', 'mobilenet-v2'].map((n) => getTemplate(n)!.document)
const h = hyperparametersSchema.parse({})

/** A document parsed, then everything derived from it: none of it may throw on user input. */
function analyseAll(raw: unknown): void {
  const r = parseDocument(raw)
  if (r.error !== undefined) {
    expect(typeof r.error).toBe('string')
    expect(r.error.length).toBeGreaterThan(0)
    return
  }
  const a = inferGraph(r.doc)
  expandDocument(r.doc, a)
  if (a.errors.length === 0 && a.documentErrors.length === 0) estimateTrainingMemory(r.doc, h)
}

describe('graph documents (shared/graph/document.ts) and their analysis', () => {
  it('arbitrary values: a document or an error, never a throw', () => {
    fc.assert(
      fc.property(oddValue, (raw) => analyseAll(raw)),
      fuzzOptions(300),
    )
  })

  it('mutated templates: a document (analysed without throwing) or an error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATE_DOCS).chain(mutatedJson), (raw) => analyseAll(raw)),
      fuzzOptions(300),
    )
  })

  it('random graphs of every kind with odd parameters and wiring', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f']
    const paramNames = ['filters', 'units', 'kernelSize', 'strides', 'padding', 'dilation', 'poolSize']
      .concat(['height', 'width', 'channels', 'classes', 'inputs', 'axis', 'rate', 'fn', 'activation'])
      .concat(['multiplier', 'depthMultiplier', 'ceilMode', 'size', 'expansion', 'useBias'])
    const graph = fc.record({
      format: fc.constant('cnn-studio/graph'),
      version: fc.constant(1),
      nodes: fc.array(
        fc.record({
          id: fc.constantFrom(...ids),
          kind: fc.constantFrom(...LAYER_KINDS, ...BLOCK_KINDS, 'Nope'),
          params: fc.dictionary(fc.constantFrom(...paramNames), oddValue, { maxKeys: 3 }),
        }),
        { maxLength: 6 },
      ),
      edges: fc.array(
        fc.record({
          source: fc.constantFrom(...ids, 'zz'),
          target: fc.constantFrom(...ids),
          targetPort: fc.integer({ min: 0, max: 3 }),
        }),
        { maxLength: 8 },
      ),
    })
    fc.assert(
      fc.property(graph, (raw) => analyseAll(raw)),
      fuzzOptions(400),
    )
  })

  it('arbitrary and mutated JSON text', () => {
    const text = JSON.stringify(TEMPLATE_DOCS[0])
    const texts = fc.oneof(
      fc.string({ maxLength: 200 }),
      mutatedBytes(new TextEncoder().encode(text)).map((b) => new TextDecoder().decode(b)),
    )
    fc.assert(
      fc.property(texts, (t) => {
        const r = parseDocumentJson(t)
        expect(r.doc !== undefined || (typeof r.error === 'string' && r.error.length > 0)).toBe(true)
      }),
      fuzzOptions(300),
    )
  })
})

describe('project files (shared/api/project-file.ts)', () => {
  const valid = {
    format: PROJECT_FILE_FORMAT,
    version: PROJECT_FILE_VERSION,
    name: 'p',
    exportedAt: '2024-01-01T00:00:00.000Z',
    document: TEMPLATE_DOCS[0],
    viewState: null,
  }
  it('arbitrary and mutated: a file or an error, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(oddValue, mutatedJson(valid), mutatedJson(TEMPLATE_DOCS[1])), (raw) => {
        const r = parseProjectFile(raw)
        if (r.error !== undefined) expect(r.error.length).toBeGreaterThan(0)
        else inferGraph(r.file.document)
      }),
      fuzzOptions(300),
    )
  })
})

/** Runs a byte parser: it returns, or throws a DatasetFileError with a message, nothing else. */
function onlyOwnErrors(parse: () => unknown): void {
  const e = thrown(parse)
  if (e === undefined) return
  expect(e, String(e)).toBeInstanceOf(DatasetFileError)
  expect((e as Error).message.length).toBeGreaterThan(0)
}

describe('IDX (main/datasets/idx.ts)', () => {
  const images = idxBytes(
    [3, 4, 5],
    Array.from({ length: 60 }, (_, i) => i),
  )
  const labels = idxBytes([3], [0, 1, 2])
  const valid = fc.constantFrom(images, labels, new Uint8Array(gzipSync(images)))
  it('arbitrary bytes, mutated files and mutated gzip: a value or a DatasetFileError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), valid.chain(mutatedBytes)), (bytes) =>
        onlyOwnErrors(() => {
          const a = parseIdx('f.idx', bytes)
          pairImagesAndLabels(a, parseIdx('l.idx', labels), ['f.idx', 'l.idx'])
        }),
      ),
      fuzzOptions(400),
    )
  })

  it('a header promising more than any buffer holds', () => {
    const huge = idxBytes([0xffffffff, 0xffffffff, 0xffffffff], [])
    expect(() => parseIdx('h.idx', huge)).toThrow(DatasetFileError)
  })
})

describe('CIFAR-10 batches (main/datasets/cifar10.ts)', () => {
  const valid = concat(
    cifarRecord(3, (p) => [p % 256, 0, 255]),
    cifarRecord(9, () => [1, 2, 3]),
  )
  it('arbitrary bytes and mutated batches: a set or a DatasetFileError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 7000 }), mutatedBytes(valid)), (bytes) =>
        onlyOwnErrors(() => parseCifarBatches([{ name: 'data_batch_1.bin', bytes }])),
      ),
      fuzzOptions(200),
    )
  })
})

describe('PNG and JPEG in image folders (main/datasets/image-folder.ts)', () => {
  const png = pngBytes(6, 5, (x, y) => [x * 40, y * 50, 90, 200])
  const jpeg = jpegBytes(7, 4, [200, 30, 60])
  const out = new Uint8Array(8 * 8 * 3)
  const decodeAndResize = (bytes: Uint8Array) =>
    onlyOwnErrors(() => resizeInto(decodeImage('img', bytes), { height: 8, width: 8, channels: 3 }, out, 0))

  it('arbitrary bytes, with and without an image signature: an image or a DatasetFileError', () => {
    const signed = fc
      .tuple(fc.constantFrom(png.subarray(0, 8), jpeg.subarray(0, 3)), fc.uint8Array({ maxLength: 200 }))
      .map(([head, rest]) => Uint8Array.from([...head, ...rest]))
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), signed), decodeAndResize),
      fuzzOptions(300),
    )
  })

  it('mutated PNG and JPEG files', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(new Uint8Array(png), new Uint8Array(jpeg)).chain(mutatedBytes),
        decodeAndResize,
      ),
      fuzzOptions(300),
    )
  })

  /** The PNG with its IHDR's width and height replaced, the chunk's CRC fixed so the decoder reads on. */
  function pngClaiming(width: number, height: number): Uint8Array {
    const b = Buffer.from(png)
    b.writeUInt32BE(width, 16)
    b.writeUInt32BE(height, 20)
    b.writeUInt32BE(crc32(b.subarray(12, 29)) >>> 0, 29)
    return new Uint8Array(b)
  }

  it('a tiny PNG claiming a huge image is refused before gigabytes are allocated', () => {
    // Found by this fuzz test: 78 bytes claiming 30,000×30,000 pixels decoded "fine" into 3.6 GB.
    for (const [w, h] of [
      [30_000, 30_000],
      [1_000_000, 300],
      [2 ** 31 - 1, 2 ** 31 - 1],
    ]) {
      const e = thrown(() => decodeImage('big.png', pngClaiming(w, h)))
      expect(e).toBeInstanceOf(DatasetFileError)
    }
    expect((thrown(() => decodeImage('big.png', pngClaiming(30_000, 30_000))) as Error).message).toMatch(
      /^big\.png: the header says 30000×30000 pixels, but the file's \d+ bytes cannot hold them/,
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (w, h) => onlyOwnErrors(() => decodeImage('big.png', pngClaiming(w % 50_000 || 1, h % 50_000 || 1))),
      ),
      fuzzOptions(40),
    )
  })
})
