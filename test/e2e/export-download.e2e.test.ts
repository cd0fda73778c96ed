import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, SCREENSHOTS, startServer, watchErrors } from './test-kit'

/**
 * Browser mode (issue 15): Export gives the user the file, not a path on the server: the dialog
 * shows Download, and the browser receives the verified .onnx bytes once. "Open file…" names a
 * file of another kind (a PNG) instead of quoting the JSON parser.
 */
let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
const dir = mkdtempSync(join(tmpdir(), 'cnn-export-download-e2e-'))

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  server = await startServer()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function openLeNet(page: Page) {
  await page.goto(server.url)
  const template = page.getByText('LeNet-5 (MNIST)', { exact: true })
  // The app reopens the last project (an earlier test made one), else starts at the gallery.
  await Promise.race([page.waitForSelector('.react-flow__node'), template.waitFor()])
  if ((await page.locator('.react-flow__node').count()) === 0) {
    await template.click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.waitForSelector('.react-flow__node')
  }
}

describe('browser mode: export downloads, Open file names foreign files', () => {
  it('downloads LeNet-5 as a verified .onnx file, once', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
    const errors = watchErrors(page)
    await openLeNet(page)
    await page.getByTestId('export-toggle').click()
    await page.getByTestId('export-dialog').waitFor()
    await expect.poll(() => page.getByTestId('export-source').count(), { timeout: 20_000 }).toBe(1)
    // No path on the server's disk: a Download button.
    expect(await page.getByTestId('export-path').count()).toBe(0)
    expect(await page.getByTestId('export-start').textContent()).toBe('Download')
    expect(await page.getByTestId('export-download-note').textContent()).toBe(
      'Your browser saves the .onnx file once it is verified.',
    )
    await page
      .getByTestId('export-dialog')
      .screenshot({ path: join(SCREENSHOTS, 'download-dialog-light.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page
      .getByTestId('export-dialog')
      .screenshot({ path: join(SCREENSHOTS, 'download-dialog-dark.png') })
    await page.emulateMedia({ colorScheme: 'light' })

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('export-start').click(),
    ])
    expect(download.suggestedFilename()).toBe('LeNet-5 (MNIST).onnx')
    const saved = join(dir, 'LeNet-5 (MNIST).onnx')
    await download.saveAs(saved)
    expect(await download.failure()).toBeNull()
    await page.getByTestId('export-report').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('export-report-out').textContent()).toBe('LeNet-5 (MNIST).onnx')
    expect(await page.getByTestId('export-verification').textContent()).toMatch(
      /^✓ Verified with onnxruntime on \d+ random inputs: max \|Δ logit\| .*top-1 agreement 100%\.$/,
    )
    // The verified bytes: LeNet-5's 61,706 float32 weights (about 248 KB), a model onnxruntime runs.
    const bytes = statSync(saved).size
    expect(bytes).toBeGreaterThan(240_000)
    expect(bytes).toBeLessThan(256_000)
    expect(await page.getByTestId('export-report-size').textContent()).toContain(
      `${bytes.toLocaleString('en-US')} bytes`,
    )
    const session = await ort.InferenceSession.create(readFileSync(saved))
    expect(session.inputNames).toEqual(['images'])
    await session.release()
    await page.getByTestId('export-report').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOTS, 'download-report-light.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SCREENSHOTS, 'download-report-dark.png') })

    // One-time: the same link again is 410, and never without the token.
    const [id] = /[^/]+$/.exec(new URL(download.url()).pathname)!
    const base = new URL(server.url).origin
    const token = new URL(server.url).searchParams.get('token')!
    expect((await fetch(`${base}/download/${id}?token=${token}`)).status).toBe(410)
    expect((await fetch(`${base}/download/${id}`)).status).toBe(401)
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)

  it('Open file… with a PNG says it is an image, not a project', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(server.url)
    // From the editor (reopened), back to the start screen where Open file… is.
    const openFile = page.getByTestId('open-file')
    await Promise.race([page.waitForSelector('.react-flow__node'), openFile.waitFor({ state: 'attached' })])
    if ((await openFile.count()) === 0) {
      await page
        .getByRole('button', { name: /projects|close|back/i })
        .first()
        .click()
      await openFile.waitFor({ state: 'attached' })
    }
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('IHDR\u0000\u0000\u0000\u0010'),
    ])
    await openFile.setInputFiles({ name: 'digit.png', mimeType: 'image/png', buffer: png })
    const message = page.getByText(/^digit\.png: /)
    await message.waitFor({ timeout: 10_000 })
    expect(await message.textContent()).toBe(
      'digit.png: This is a PNG image, not a CNN Studio graph or project. Images are training data: put them in folders named after their classes and choose the folder as the dataset in the training panel. Open a graph (.json) or a project exported from CNN Studio (.cnnproj.json).',
    )
    await page.screenshot({ path: join(SCREENSHOTS, 'download-open-png-light.png') })
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)
})
