import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, SCREENSHOTS, startServer, watchErrors } from './test-kit'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser
// The server runs on this machine: the paths typed in the dialog are paths here.
const dir = mkdtempSync(join(tmpdir(), 'cnn-export-e2e-'))

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

describe('exporting in browser mode', () => {
  it('exports LeNet-5 untrained to ONNX from the dialog, verified, and refuses a missing folder', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    const errors = watchErrors(page)
    await page.goto(server.url)
    await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.waitForSelector('.react-flow__node')

    await page.getByTestId('export-toggle').click()
    await page.getByTestId('export-dialog').waitFor()
    // A new project has no runs: untrained weights are the only source, with a warning.
    await expect.poll(() => page.getByTestId('export-source').count(), { timeout: 20_000 }).toBe(1)
    await page.getByTestId('export-source').check()
    expect(await page.getByTestId('export-source').isChecked()).toBe(true)
    expect(await page.getByTestId('export-untrained').textContent()).toMatch(/untrained/)
    // A suggested file name, in Downloads or the home folder.
    await expect.poll(() => page.getByTestId('export-path').inputValue()).toMatch(/\.onnx$/)
    // No native dialog in the browser.
    expect(await page.getByTestId('export-choose').count()).toBe(0)

    const out = join(dir, 'lenet5.onnx')
    await page.getByTestId('export-path').fill(out)
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-report').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('export-report-out').textContent()).toBe(out)
    expect(await page.getByTestId('export-verification').textContent()).toMatch(
      /^✓ Verified with onnxruntime on \d+ random inputs: max \|Δ logit\| .*top-1 agreement 100%\.$/,
    )
    expect(await page.getByTestId('export-report').textContent()).toContain('images [N, 1, 28, 28]')
    // LeNet-5 has 61,706 float32 weights: about 248 KB.
    const bytes = statSync(out).size
    expect(bytes).toBeGreaterThan(240_000)
    expect(bytes).toBeLessThan(256_000)
    expect(await page.getByTestId('export-report-size').textContent()).toContain(
      `${bytes.toLocaleString('en-US')} bytes`,
    )
    await page.screenshot({ path: join(SCREENSHOTS, 'export.png') })

    // A folder that does not exist: the reason in the dialog, the form kept, nothing written.
    const missing = join(dir, 'missing', 'lenet5.onnx')
    await page.getByTestId('export-path').fill(missing)
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-error').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('export-error').getAttribute('role')).toBe('alert')
    expect(await page.getByTestId('export-error').textContent()).toMatch(/does not exist/)
    expect(await page.getByTestId('export-report').count()).toBe(0)
    expect(await page.getByTestId('export-path').inputValue()).toBe(missing)
    expect(existsSync(join(dir, 'missing'))).toBe(false)
    expect(readdirSync(dir)).toEqual(['lenet5.onnx'])
    expect(statSync(out).size).toBe(bytes)

    // The refused call is an HTTP 400, which Chromium logs; nothing else may be.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([])
    await page.close()
  }, 120_000)

  it("asks before replacing an existing file, and refuses the data folder's database", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    const errors = watchErrors(page)
    await page.goto(server.url)
    // The app reopens the last project (the test above made one), else starts at the gallery.
    const template = page.getByText('LeNet-5 (MNIST)', { exact: true })
    await Promise.race([page.waitForSelector('.react-flow__node'), template.waitFor()])
    if ((await page.locator('.react-flow__node').count()) === 0) {
      await template.click()
      await page.getByRole('button', { name: 'Open in editor' }).click()
      await page.waitForSelector('.react-flow__node')
    }
    await page.getByTestId('export-toggle').click()
    await expect.poll(() => page.getByTestId('export-source').count(), { timeout: 20_000 }).toBe(1)

    const out = join(dir, 'existing.onnx')
    writeFileSync(out, 'kept until the user says otherwise')
    await page.getByTestId('export-path').fill(out)
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-confirm').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('export-confirm').textContent()).toContain(
      `${out} already exists. Replace it with this export?`,
    )
    await page
      .getByTestId('export-dialog')
      .screenshot({ path: join(SCREENSHOTS, 'export-replace-light.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.getByTestId('export-dialog').screenshot({ path: join(SCREENSHOTS, 'export-replace-dark.png') })
    await page.emulateMedia({ colorScheme: 'light' })

    // Keeping it writes nothing; replacing it exports over it.
    await page.getByTestId('export-keep').click()
    expect(await page.getByTestId('export-confirm').count()).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe('kept until the user says otherwise')
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-replace').click()
    await page.getByTestId('export-report').waitFor({ timeout: 60_000 })
    expect(statSync(out).size).toBeGreaterThan(240_000)
    expect(readdirSync(dir).filter((n) => n.includes('cnn-studio-tmp'))).toEqual([])

    // The project database is never a target: the reason at once, the projects still listed.
    const db = join(server.dataDir, 'sub', '..', 'cnn-studio.db')
    await page.getByTestId('export-path').fill(db)
    await page.getByTestId('export-start').click()
    await page.getByTestId('export-error').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('export-error').textContent()).toMatch(
      /^Refusing to export there: .* is CNN Studio's project database/,
    )
    expect(await page.getByTestId('export-confirm').count()).toBe(0)
    // The refused check is an HTTP 400, which Chromium logs; nothing else may be.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([])
    await page.close()
  }, 120_000)
})
