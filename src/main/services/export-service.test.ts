import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import { exportRequestSchema, type ExportRequest } from '../../shared/api/export'
import { chain } from '../../shared/graph/test-kit'
import { hyperparametersSchema } from '../../shared/api/training'
import { openDataDatabase } from '../db/open'
import { createRunsRepo } from '../db/runs-repo'
import { createServices } from '.'
import { suggestExportPath } from './export-service'

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-export-service-'))
const data = join(dir, 'data')
const db = openDataDatabase(data)
const services = createServices({ dataDir: data, db })
afterAll(async () => {
  await services.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const exportTo = (request: ExportRequest) => services['export.model'](exportRequestSchema.parse(request))

async function failure(request: ExportRequest): Promise<ApiError> {
  try {
    await exportTo(request)
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    return e as ApiError
  }
  throw new Error('expected the export to fail')
}

/** What a folder holds: a failed export leaves nothing, temporary files included. */
const listing = (folder: string) => readdirSync(folder).sort()

describe('export.model refuses bad input clearly and writes nothing', () => {
  it('a graph with errors: names the node and the fix', async () => {
    const { project } = await services['projects.create']({ name: 'broken' })
    const broken = chain([
      ['in', 'Input', { height: 8, width: 8, channels: 1 }],
      ['fc', 'Dense', { units: 4 }],
      ['out', 'Output', { classes: 4 }],
    ])
    await services['projects.save']({ id: project.id, document: broken })
    const out = join(dir, 'broken.onnx')
    const e = await failure({ source: { projectId: project.id }, path: out })
    expect(e.code).toBe('invalid')
    expect(e.message).toMatch(
      /^The graph cannot be exported:\n- fc: Dense needs a flat vector but its input is the 3-D map 8×8×1\. Insert a Flatten/,
    )
    expect(existsSync(out)).toBe(false)
  })

  it('a run without weights: says why and what to do instead', async () => {
    const { project } = await services['projects.create']({ name: 'no weights', template: 'lenet5-mnist' })
    const [version] = await services['projects.versions']({ id: project.id })
    const runs = createRunsRepo(db)
    runs.create({
      id: 'run-without-weights',
      versionId: version.id,
      dataset: { builtin: 'fashion-mnist' },
      datasetName: 'fashion-mnist',
      hyperparameters: hyperparametersSchema.parse({}),
      macs: 1,
      now: new Date().toISOString(),
    })
    const e = await failure({ source: { runId: 'run-without-weights' }, path: join(dir, 'x.onnx') })
    expect(e.code).toBe('invalid')
    expect(e.message).toBe(
      "Run 'run-without-weights' has no saved weights: it is queued and finished no epoch. Train it for at least one epoch, or export the project untrained.",
    )
    expect((await failure({ source: { runId: 'gone' }, path: join(dir, 'x.onnx') })).code).toBe('not-found')
  })

  it('a folder that does not exist, or a file where the folder should be', async () => {
    const missing = await failure({ source: { template: 'lenet5' }, path: join(dir, 'nowhere', 'm.onnx') })
    expect(missing.message).toBe(
      `The folder ${join(dir, 'nowhere')} does not exist. Create it or choose another place.`,
    )
    writeFileSync(join(dir, 'a-file'), 'x')
    const notFolder = await failure({ source: { template: 'lenet5' }, path: join(dir, 'a-file', 'm.onnx') })
    expect(notFolder.message).toBe(`${join(dir, 'a-file')} is not a folder. Choose another place.`)
  })

  it('an export that disagrees with TF.js is refused loudly, leaving no file', async () => {
    const folder = join(dir, 'strict')
    rmSync(folder, { recursive: true, force: true })
    const { mkdirSync } = await import('node:fs')
    mkdirSync(folder)
    // LeNet-5's logits differ from TF.js's by about 1e-6: a tolerance of 1e-12 must fail.
    const e = await failure({
      source: { template: 'lenet5' },
      path: join(folder, 'm.onnx'),
      tolerance: 1e-12,
    })
    expect(e.code).toBe('internal')
    expect(e.message).toMatch(
      /^The exported model does not compute what TF.js computes: logits differ by up to /,
    )
    expect(e.message).toMatch(/Nothing was written\./)
    expect(listing(folder)).toEqual([])
  })

  it('an existing file is refused without overwrite, before any worker starts', async () => {
    const out = join(dir, 'kept.onnx')
    writeFileSync(out, 'old contents')
    const e = await failure({ source: { template: 'lenet5' }, path: out })
    expect(e.code).toBe('conflict')
    expect(e.message).toMatch(/already exists\. Choose another name, or confirm replacing it/)
    expect(readFileSync(out, 'utf8')).toBe('old contents')
    expect(await services['export.checkTarget']({ path: out, format: 'onnx' })).toEqual({
      out,
      replaces: [out],
    })
  })

  it("the data folder's database is never a target, whatever the path looks like", async () => {
    for (const path of [join(data, 'cnn-studio.db'), join(data, 'a', '..', 'cnn-studio.db-wal')]) {
      const e = await failure({ source: { template: 'lenet5' }, path, overwrite: true })
      expect(e.code).toBe('invalid')
      expect(e.message).toMatch(/^Refusing to export there: .* project database/)
      await expect(services['export.checkTarget']({ path, format: 'onnx' })).rejects.toMatchObject({
        code: 'invalid',
      })
    }
    expect((await services['projects.list']({})).length).toBeGreaterThan(0)
  })

  it('an existing file is replaced whole with overwrite, and an untrained export says so', async () => {
    const out = join(dir, 'lenet.onnx')
    writeFileSync(out, 'old contents')
    const report = await exportTo({
      source: { template: 'lenet5' },
      path: out,
      layout: 'NHWC',
      opset: 13,
      overwrite: true,
    })
    expect(report).toMatchObject({
      out,
      files: [out],
      opset: 13,
      layout: 'NHWC',
      weights: { trained: false, seed: 1 },
      inputs: [{ name: 'images', shape: ['N', 32, 32, 1] }],
    })
    expect(report.warnings[0]).toMatch(/^Untrained: the weights are freshly initialised \(seed 1\)/)
    expect(readdirSync(dir).filter((f) => f.includes('.cnn-studio-tmp-'))).toEqual([])
  })
})

describe('export.suggestPath', () => {
  it('proposes a name that does not exist yet, a file for ONNX and a folder for TF.js and PyTorch', () => {
    const home = mkdtempSync(join(dir, 'home-'))
    expect(suggestExportPath('Le/Net', 'onnx', home)).toBe(join(home, 'Le-Net.onnx'))
    expect(suggestExportPath('Le/Net', 'tfjs', home)).toBe(join(home, 'Le-Net-tfjs'))
    expect(suggestExportPath('Le/Net', 'pytorch', home)).toBe(join(home, 'Le-Net-pytorch'))
    writeFileSync(join(home, 'Le-Net-pytorch'), '')
    expect(suggestExportPath('Le/Net', 'pytorch', home)).toBe(join(home, 'Le-Net-pytorch (2)'))
  })
})
