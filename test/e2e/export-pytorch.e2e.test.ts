import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findTorchPython } from '../../src/main/pytorch/find-torch'
import { launchBrowser, SCREENSHOTS, startServer, watchErrors } from './test-kit'

/**
 * The Export dialog's PyTorch format in browser mode: LeNet-5 exported untrained, downloaded as a .tar of the folder,
 * verified in PyTorch where the server's machine has it (screenshots light and dark at 1440×900),
 * and, from a server that cannot find torch, written unverified with the reason shown.
 */
const SIX = ['README.md', 'config.json', 'model.py', 'safetensors_io.py', 'train.py', 'weights.safetensors']
const torch = findTorchPython()
let browser: Browser
const dir = mkdtempSync(join(tmpdir(), 'cnn-export-pytorch-e2e-'))

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Opens LeNet-5 as a new project, then the Export dialog with the PyTorch format. */
async function exportDialog(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
  const errors = watchErrors(page)
  await page.goto(url)
  await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
  await page.getByRole('button', { name: 'Open in editor' }).click()
  await page.waitForSelector('.react-flow__node')
  await page.getByTestId('export-toggle').click()
  await page.getByTestId('export-dialog').waitFor()
  await expect.poll(() => page.getByTestId('export-source').count(), { timeout: 20_000 }).toBe(1)
  await page.getByTestId('export-format-pytorch').check()
  return { page, errors }
}

/** Clicks Download and extracts the .tar the browser receives into `dir`; returns the folder. */
async function download(page: Page, name: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 150_000 }),
    page.getByTestId('export-start').click(),
  ])
  expect(file.suggestedFilename()).toBe('LeNet-5 (MNIST)-pytorch.tar')
  const tar = join(dir, `${name}.tar`)
  await file.saveAs(tar)
  mkdirSync(join(dir, name))
  execFileSync('tar', ['-xf', tar, '-C', join(dir, name)])
  return join(dir, name, 'LeNet-5 (MNIST)-pytorch')
}

describe('exporting to PyTorch in browser mode', () => {
  it.skipIf(!torch)(
    'downloads the folder (a .tar) from the dialog, verified in PyTorch',
    async () => {
      const server = await startServer()
      try {
        const { page, errors } = await exportDialog(server.url)
        expect(await page.getByTestId('export-pytorch-note').textContent()).toMatch(/model\.py/)
        const out = await download(page, 'verified')
        await page.getByTestId('export-report').waitFor({ timeout: 90_000 })
        expect(await page.getByTestId('export-report-out').textContent()).toBe('LeNet-5 (MNIST)-pytorch.tar')
        expect(await page.getByTestId('export-verification').textContent()).toMatch(
          /^✓ Verified with PyTorch on 16 random inputs: max \|Δ logit\| .*top-1 agreement 100%\.$/,
        )
        expect(await page.getByTestId('export-report-files').textContent()).toContain('model.py')
        expect(readdirSync(out).sort()).toEqual(SIX)
        await page.getByTestId('export-report').scrollIntoViewIfNeeded()
        await page.screenshot({ path: join(SCREENSHOTS, 'export-pytorch-light.png') })
        await page.emulateMedia({ colorScheme: 'dark' })
        await page.screenshot({ path: join(SCREENSHOTS, 'export-pytorch-dark.png') })
        expect(errors).toEqual([])
        await page.close()
      } finally {
        await server.close()
      }
    },
    180_000,
  )

  it('downloads it unverified, saying why, where the server finds no torch', async () => {
    // CNN_STUDIO_PYTHON, when set, is the only python tried (find-torch.ts).
    const server = await startServer(undefined, { env: { CNN_STUDIO_PYTHON: join(dir, 'no-such-python') } })
    try {
      const { page, errors } = await exportDialog(server.url)
      const out = await download(page, 'unverified')
      await page.getByTestId('export-report').waitFor({ timeout: 90_000 })
      expect(await page.getByTestId('export-verification').textContent()).toMatch(
        /^⚠ Not verified\. PyTorch was not found \(CNN_STUDIO_PYTHON names .*no-such-python, which does not run or cannot import torch\)/,
      )
      expect(readdirSync(out).sort()).toEqual(SIX)
      await page.getByTestId('export-report').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENSHOTS, 'export-pytorch-unverified-light.png') })
      await page.emulateMedia({ colorScheme: 'dark' })
      await page.screenshot({ path: join(SCREENSHOTS, 'export-pytorch-unverified-dark.png') })
      expect(errors).toEqual([])
      await page.close()
    } finally {
      await server.close()
    }
  }, 180_000)
})
