import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findTorch } from '../../src/main/pytorch/find-torch'
import { launchBrowser, openAtStart, SCREENSHOTS, startServer } from './test-kit'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  server = await startServer()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe("the training panel's engine choice", () => {
  it('offers PyTorch as the server found it, with its device and processes, in light and dark', async () => {
    const torch = await findTorch()
    const { page, errors } = await openAtStart(browser, server.url)
    await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.getByTestId('train-toggle').click()
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
