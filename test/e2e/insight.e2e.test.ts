import { existsSync, mkdirSync } from 'node:fs'
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

describe.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))(
  'inside a trained run in browser mode',
  () => {
    it('evaluates a LeNet-5, opens a mistake, and explains a convolution pixel with the real numbers', async () => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
      const errors = watchErrors(page)
      mkdirSync(SCREENSHOTS, { recursive: true })
      const shoot = async (name: string) => {
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme })
          await page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`) })
        }
        await page.emulateMedia({ colorScheme: 'light' })
      }
      await page.goto(server.url)
      await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
      await page.getByRole('button', { name: 'Open in editor' }).click()
      await page.getByTestId('train-toggle').click()
      await expect.poll(() => page.getByTestId('dataset-class').count(), { timeout: 20_000 }).toBe(10)
      await page.getByLabel('Epochs', { exact: true }).fill('1')
      await page.getByLabel('Use N training images (0: all)').fill('1200')
      await page.getByTestId('train-start').click()
      await expect
        .poll(() => page.getByTestId('run-row').first().getAttribute('data-status'), { timeout: 120_000 })
        .toBe('finished')
      await page.getByTestId('run-row').first().click()

      // The evaluation: the matrix's cells sum to the 10,000 test images.
      await page.getByTestId('run-evaluate').click()
      const dialog = page.getByTestId('eval-dialog')
      await dialog.getByTestId('eval-matrix').waitFor({ timeout: 60_000 })
      const cells = await dialog.getByTestId('eval-cell').allTextContents()
      expect(cells).toHaveLength(100)
      expect(cells.reduce((s, c) => s + Number(c.replace(/,/g, '')), 0)).toBe(10_000)
      await expect.poll(() => dialog.getByTestId('eval-facts').textContent()).toMatch(/onnxruntime/)
      await shoot('insight-evaluation')

      // A cell of the matrix: the gallery shows exactly its samples.
      const cell = dialog.locator('[data-testid="eval-cell"] button').first()
      const name = (await cell.getAttribute('aria-label'))!
      const [, truth, predicted, count] = /^True (.+), predicted (.+): (\d+)$/.exec(name)!
      await cell.click()
      await expect.poll(() => dialog.getByTestId('eval-sample').count()).toBe(Math.min(Number(count), 48))
      expect(new Set(await dialog.getByTestId('eval-sample-true').allTextContents())).toEqual(
        new Set([truth]),
      )
      expect(new Set(await dialog.getByTestId('eval-sample-predicted').allTextContents())).toEqual(
        new Set([predicted]),
      )
      await dialog.getByTestId('eval-sample').first().scrollIntoViewIfNeeded()
      await shoot('insight-gallery')

      // Look inside the mistake: the canvas shows the sample, with a thumbnail on each layer.
      await dialog.getByTestId('eval-sample').first().getByRole('button').first().click()
      await dialog.getByTestId('eval-look-inside').click()
      await dialog.waitFor({ state: 'detached' })
      const bar = page.getByTestId('insight-sample-bar')
      await expect
        .poll(() => bar.getByTestId('insight-prediction').textContent(), { timeout: 60_000 })
        .toMatch(new RegExp(`true ${truth}.*predicted ${predicted}`))
      await page.getByTestId('thumbnail-conv2').waitFor()
      // The training panel made room for the canvas.
      expect(await page.getByTestId('training-panel').isVisible()).toBe(false)

      // A convolution's view: its 16 feature maps, then a pixel explained.
      await page.locator('.react-flow__node[data-id="conv2"]').click()
      const view = page.getByTestId('node-view')
      await expect
        .poll(() => view.locator('[data-testid="fm-grid"] canvas').count(), { timeout: 30_000 })
        .toBe(16)
      await shoot('insight-feature-maps')
      await view.getByTestId('node-tab-explain').click()
      const output = view.locator('[data-testid="conv-explainer"] canvas').first()
      const box = (await output.boundingBox())!
      await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.55)
      await expect.poll(() => view.getByTestId('conv-sum').textContent()).toMatch(/Σ = .* \+ bias .* = z/)
      // The window's products, summed with the bias and activated, are the feature map's value.
      expect(await view.getByTestId('conv-activated').textContent()).toMatch(
        /relu\(z\) = .*the feature map holds .* ✓/,
      )
      await shoot('insight-convolution')

      // Grad-CAM over the sample for the predicted class.
      await bar.getByTestId('insight-method-grad-cam').click()
      await bar.getByTestId('insight-attribution').waitFor({ timeout: 60_000 })
      await shoot('insight-grad-cam')
      expect(errors).toEqual([])
      await page.close()
    }, 300_000)
  },
)
