import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

describe("the training panel's backend report", () => {
  it('shows the WebGPU adapter the server found, skipped by auto but selectable, in light and dark', async () => {
    const { page, errors } = await openAtStart(browser, server.url)
    await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.getByTestId('train-toggle').click()
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
