import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { exportDownloadSchema, type ExportDownloadRequest } from '../../shared/api/export'
import { DOWNLOADS_FOLDER } from '../export/downloads'
import { createServices } from '../services'
import { startServer, type RunningServer } from './http-server'

// export.download through the real services and the real HTTP transport: the verified bytes are
// streamed once, with the token only, then 410.
const dir = mkdtempSync(join(tmpdir(), 'cnn-download-'))
const data = join(dir, 'data')
mkdirSync(join(dir, 'renderer'))
writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>')
const services = createServices({ dataDir: data })
let server: RunningServer
beforeAll(async () => {
  server = await startServer({ services, staticDir: join(dir, 'renderer'), downloads: services.downloads })
})
afterAll(async () => {
  await server.close()
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

const exportForDownload = (request: ExportDownloadRequest) =>
  services['export.download'](exportDownloadSchema.parse(request))
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${server.port}${path}`, { headers })
const kept = (id: string, name: string) => join(data, DOWNLOADS_FOLDER, id, name)

describe('export.download and GET /download/<id>', () => {
  it('streams the verified ONNX bytes once, only with the token', async () => {
    const d = await exportForDownload({ source: { template: 'lenet5' } })
    expect(d.name).toBe('LeNet-5.onnx')
    expect(d.report.out).toBe('LeNet-5.onnx')
    expect(d.report.verification?.passed).toBe(true)
    const onDisk = readFileSync(kept(d.id, d.name))
    expect(onDisk.length).toBe(d.bytes)

    // Refused without the token, or with a wrong one: nothing is used up.
    expect((await get(`/download/${d.id}`)).status).toBe(401)
    expect((await get(`/download/${d.id}?token=wrong`)).status).toBe(401)

    const res = await get(`/download/${d.id}?token=${server.token}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="LeNet-5.onnx"; filename*=UTF-8''LeNet-5.onnx`,
    )
    const body = new Uint8Array(await res.arrayBuffer())
    expect(Buffer.from(body).equals(onDisk)).toBe(true)
    // The bytes are the model: onnxruntime loads them and gives the declared outputs.
    const session = await ort.InferenceSession.create(body)
    expect(session.outputNames).toEqual(d.report.outputs.map((o) => o.name))
    await session.release()

    const again = await get(`/download/${d.id}?token=${server.token}`)
    expect(again.status).toBe(410)
    expect(await again.text()).toMatch(/downloaded already or has expired/)
    await expect.poll(() => existsSync(join(data, DOWNLOADS_FOLDER, d.id))).toBe(false)
    expect((await get(`/download/${process.pid}-nothing?token=${server.token}`)).status).toBe(404)
  })

  it('a folder format comes as one .tar of the verified files', async () => {
    const d = await exportForDownload({ source: { template: 'lenet5' }, format: 'tfjs' })
    expect(d.name).toBe('LeNet-5-tfjs.tar')
    expect(d.report.files).toEqual(['weights.bin', 'model.json'])
    const res = await get(`/download/${d.id}?token=${server.token}`)
    expect(res.status).toBe(200)
    writeFileSync(join(dir, d.name), new Uint8Array(await res.arrayBuffer()))
    execFileSync('tar', ['-xf', join(dir, d.name), '-C', dir])
    const model = JSON.parse(readFileSync(join(dir, 'LeNet-5-tfjs', 'model.json'), 'utf8'))
    expect(model.modelTopology).toBeDefined()
    expect(readFileSync(join(dir, 'LeNet-5-tfjs', 'weights.bin')).length).toBeGreaterThan(0)
  })

  it('a failed export keeps nothing', async () => {
    await expect(exportForDownload({ source: { template: 'no-such' } })).rejects.toMatchObject({
      code: 'not-found',
    })
    // Fails in the export worker, after its folder was reserved.
    const { project } = await services['projects.create']({ name: 'broken' })
    await services['projects.save']({
      id: project.id,
      document: chain([
        ['in', 'Input', { height: 8, width: 8, channels: 1 }],
        ['fc', 'Dense', { units: 4 }],
        ['out', 'Output', { classes: 4 }],
      ]),
    })
    await expect(exportForDownload({ source: { projectId: project.id } })).rejects.toMatchObject({
      code: 'invalid',
    })
    await expect.poll(() => readdirSync(join(data, DOWNLOADS_FOLDER))).toEqual([])
  })
})
