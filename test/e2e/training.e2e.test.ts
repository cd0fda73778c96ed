import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, SCREENSHOTS, startServer, watchErrors } from './test-kit'

let server: Awaited<ReturnType<typeof startServer>>
let browser: Browser

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))('training in browser mode', () => {
  it('trains LeNet-5 on Fashion-MNIST from the panel: samples, live progress, curves, test accuracy', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    const errors = watchErrors(page)
    await page.goto(server.url)
    await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.getByTestId('train-toggle').click()

    // The dataset's classes with sample images, and no mismatch with the graph.
    await expect.poll(() => page.getByTestId('dataset-class').count(), { timeout: 20_000 }).toBe(10)
    expect(await page.locator('.dataset-preview canvas').count()).toBe(40)
    expect(await page.getByTestId('dataset-mismatch').count()).toBe(0)

    // A bad value is refused before anything starts.
    await page.getByLabel('Epochs', { exact: true }).fill('0')
    await expect.poll(() => page.getByTestId('train-invalid').count()).toBe(1)
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true)

    await page.getByLabel('Epochs', { exact: true }).fill('2')
    await page.getByLabel('Use N training images (0: all)').fill('6000')
    await page.getByTestId('train-start').click()
    await page.getByTestId('train-progress').waitFor({ timeout: 30_000 })
    await expect
      .poll(() => page.getByTestId('run-test').textContent(), { timeout: 120_000 })
      .toMatch(/^Test accuracy \d+\.\d+% · test loss \d\.\d{4}$/)
    const accuracy = Number((await page.getByTestId('run-test').textContent())!.match(/(\d+\.\d+)%/)![1])
    expect(accuracy).toBeGreaterThan(70)
    // Two epochs of training and validation points on both charts, and a line of batch losses.
    expect(await page.locator('[data-testid="chart-loss"] [data-series="train"] circle').count()).toBe(2)
    expect(
      await page.locator('[data-testid="chart-accuracy"] [data-series="validation"] circle').count(),
    ).toBe(2)
    expect(
      await page.locator('[data-testid="chart-loss"] [data-series="batch"] path').getAttribute('d'),
    ).toMatch(/L/)
    await expect.poll(() => page.getByTestId('run-row').textContent()).toMatch(/finished/)
    await page.getByTestId('run-shown').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOTS, 'training.png') })
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)
})
