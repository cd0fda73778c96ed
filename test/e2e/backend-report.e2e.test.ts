import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findTorch } from '../../src/main/pytorch/find-torch'
import { useSwiftShader } from '../../src/main/tfjs/test-kit'
import { launchBrowser, openAtStart, SCREENSHOTS, startServer } from './test-kit'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // The server finds SwiftShader (a software WebGPU adapter), as a machine without a GPU would with it.
  server = await startServer(undefined, { env: useSwiftShader() })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** LeNet-5 (MNIST) opened from the start page, its training panel open. */
async function openTraining() {
  const opened = await openAtStart(browser, server.url)
  // The template in the gallery (a test before may have made a project of the same name).
  await opened.page.locator('.gallery').getByText('LeNet-5 (MNIST)', { exact: true }).first().click()
  await opened.page.getByRole('button', { name: 'Open in editor' }).click()
  await opened.page.getByTestId('train-toggle').click()
  return opened
}

describe("the training panel's backend report", () => {
  it('shows the WebGPU adapter the server found, skipped by auto but selectable, in light and dark', async () => {
    const { page, errors } = await openTraining()
    const card = page.getByTestId('gpu-adapter')
    await card.waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('backend-report').locator('p').first().textContent()).toBe(
      'Auto trains with wasm on CPU (WebAssembly).',
    )
    expect(await page.getByTestId('backend-failed-webgpu').textContent()).toMatch(
      /^webgpu: found only a software adapter, slower than wasm, so auto skips it/,
    )
    expect(await page.getByTestId('gpu-adapter-name').textContent()).toMatch(/^SwiftShader/)
    expect(await page.getByTestId('gpu-adapter-type').textContent()).toBe('software: runs on the CPU')
    expect(await card.textContent()).toMatch(/Largest buffer\d[\d.]* [MG]iB/)
    const select = page.getByTestId('train-backend')
    await select.selectOption('webgpu')
    expect(await select.inputValue()).toBe('webgpu')
    const backend = page.locator('.training-panel .backend')
    await backend.scrollIntoViewIfNeeded()
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(SCREENSHOTS, `backend-report-${scheme}.png`) })
      await backend.screenshot({ path: join(SCREENSHOTS, `backend-report-panel-${scheme}.png`) })
    }
    expect(errors).toEqual([])
    await page.close()
  })
})

describe("the training panel's engine choice", () => {
  it('offers PyTorch as the server found it, with its device and processes, in light and dark', async () => {
    const torch = await findTorch()
    const { page, errors } = await openTraining()
    const report = page.getByTestId('engine-report')
    await report.locator('p', { hasNotText: 'Looking for PyTorch' }).first().waitFor({ timeout: 60_000 })
    const engine = page.getByTestId('train-engine')
    const panel = page.locator('.training-panel .engine')
    await panel.scrollIntoViewIfNeeded()
    await panel.screenshot({ path: join(SCREENSHOTS, 'engine-choice-tfjs-light.png') })
    if (torch.found) {
      expect(await report.textContent()).toContain(
        `Also here: PyTorch ${torch.found.torch} in ${torch.found.python}`,
      )
      await engine.selectOption('pytorch')
      await page.getByTestId('train-device').selectOption('cpu')
      await page.getByTestId('train-processes').selectOption('2')
      expect(await page.getByTestId('train-backend').count()).toBe(0)
    } else expect(await page.getByTestId('engine-missing').textContent()).toContain('pip install torch')
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(SCREENSHOTS, `engine-choice-${scheme}.png`) })
      await panel.screenshot({ path: join(SCREENSHOTS, `engine-choice-panel-${scheme}.png`) })
    }
    expect(errors).toEqual([])
    await page.close()
  })
})
