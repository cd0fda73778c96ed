import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportRequestSchema } from '../src/shared/api/export'
import { inferGraph } from '../src/shared/graph/infer'
import { TEMPLATES } from '../src/shared/templates'
import { createServices } from '../src/main/services'
import { checkOnnxFiles, findOnnxChecker } from './onnx-test-kit'

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-onnx-templates-'))
const services = createServices({ dataDir: join(dir, 'data') })
const python = findOnnxChecker()
afterAll(async () => {
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('every template exports to ONNX that onnxruntime runs as TF.js does', () => {
  it.each(TEMPLATES.map((t) => [t.name]))(
    '%s (fresh weights): verified, checked, 4 bytes per parameter plus a small graph',
    async (name) => {
      const path = join(dir, `${name}.onnx`)
      const report = await services['export.model'](
        exportRequestSchema.parse({ source: { template: name }, path }),
      )
      const v = report.verification!
      expect(v).toMatchObject({ engine: 'onnxruntime', data: 'random', passed: true })
      // 1e-4 absolute, relative beyond logits of 1 (untrained ResNets reach logits in the thousands).
      expect(v.maxAbsDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, v.maxAbsLogit))
      expect(v.maxAbsDiff / Math.max(v.maxAbsLogit, 1e-30)).toBeLessThan(1e-5)
      expect(v.top1Agreement).toBe(1)
      expect(report.weights).toEqual({ trained: false, seed: 1 })

      const { trainable, nonTrainable } = inferGraph(TEMPLATES.find((t) => t.name === name)!.document).totals
      const weightBytes = 4 * (trainable + nonTrainable)
      expect(statSync(path).size).toBe(report.bytes)
      // Graph, names and metadata: well under 1% of any template's weights, and under 200 KB.
      expect(report.bytes - weightBytes).toBeGreaterThan(0)
      expect(report.bytes - weightBytes).toBeLessThan(Math.min(0.01 * weightBytes, 200_000))

      if (python) expect(checkOnnxFiles(python, [path])).toEqual({ [path]: null })
      rmSync(path)
    },
    300_000,
  )

  it('left no temporary files behind', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial') || f.endsWith('.probe'))).toEqual([])
  })
})
