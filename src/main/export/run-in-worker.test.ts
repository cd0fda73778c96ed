import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { ExportJob } from './protocol'
import { ExportWorkerError, runExportInWorker } from './run-in-worker'

/** A stand-in worker thread running `body` with the job in `job` (plain JavaScript). */
const fake = (body: string) => () =>
  new Worker(
    `const { parentPort } = require('node:worker_threads'); parentPort.once('message', (job) => { ${body} })`,
    {
      eval: true,
    },
  )
const job = { input: {}, request: {}, dataDir: '/tmp' } as unknown as ExportJob

async function rejection(p: Promise<unknown>): Promise<ExportWorkerError> {
  const e = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(e).toBeInstanceOf(ExportWorkerError)
  return e as ExportWorkerError
}

describe('runExportInWorker', () => {
  it("answers the worker's report and ends the thread", async () => {
    let worker: Worker | undefined
    const report = await runExportInWorker(job, () => {
      // The interval would keep the thread alive forever: only terminate() ends it.
      worker = fake(
        `setInterval(() => {}, 1000); parentPort.postMessage({ type: 'done', report: { dataDir: job.dataDir } })`,
      )()
      return worker
    })
    expect(report).toEqual({ dataDir: '/tmp' })
    await new Promise((resolve) => worker!.once('exit', resolve))
  })

  it("passes the worker's failure on with its reason", async () => {
    const e = await rejection(
      runExportInWorker(
        job,
        fake(`parentPort.postMessage({ type: 'failed', failure: 'invalid', message: 'bad path' })`),
      ),
    )
    expect([e.failure, e.message]).toEqual(['invalid', 'bad path'])
  })

  it('reports a thread that ends without answering (killed, out of memory) as internal, nothing written', async () => {
    const e = await rejection(runExportInWorker(job, fake('process.exit(3)')))
    expect(e.failure).toBe('internal')
    expect(e.message).toMatch(/ended unexpectedly \(exit code 3\).*nothing was written/)
  })

  it('reports a thread that throws', async () => {
    const e = await rejection(runExportInWorker(job, fake(`throw new Error('boom')`)))
    expect(e.failure).toBe('internal')
    expect(e.message).toMatch(/boom/)
  })
})
