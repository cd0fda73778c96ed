import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

describe('the output-size formula in browser mode', () => {
  it("shows a LeNet-5 conv's formula over its output shape, on the canvas and in the inspector", async () => {
    const { page, errors } = await openAtStart(browser, server.url)
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.getByText('LeNet-5', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.waitForSelector('.react-flow__node')

    // C3: 16 kernels of 5×5 over S2's 14×14 map.
    const onNode = page.getByTestId('shape-c3').locator('.shape-formula-anchor')
    await expect.poll(() => onNode.textContent()).toBe('10×10×16')
    const tip = page.getByTestId('shape-formula')
    await onNode.hover()
    await tip.waitFor()
    expect(await tip.locator('.shape-formula-line').allTextContents()).toEqual([
      'height: out = ⌊(14 + 0 + 0 − 1·(5−1) − 1) / 1⌋ + 1 = 10',
      'width: out = ⌊(14 + 0 + 0 − 1·(5−1) − 1) / 1⌋ + 1 = 10',
    ])
    // Drawn over the canvas, not under the next node: what the page hits at the tooltip's centre
    // (hit-testable for this check only, as it lets the pointer through; a string, as this
    // tsconfig has no DOM types).
    const box = (await tip.boundingBox())!
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2
    const hit = await page.evaluate(`(() => {
      const t = document.querySelector('[data-testid="shape-formula"]')
      t.style.pointerEvents = 'auto'
      const on = t.contains(document.elementFromPoint(${x}, ${y}))
      t.style.pointerEvents = ''
      return on
    })()`)
    expect(hit).toBe(true)
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(SCREENSHOTS, `shape-formula-node-${scheme}.png`) })
    }
    await page.mouse.move(5, 5)
    await tip.waitFor({ state: 'detached' })

    // The inspector's output shape, by keyboard, on a pooling layer.
    await page.locator('.react-flow__node[data-id="s4"]').click()
    const inInspector = page.getByTestId('inspector-output').locator('.shape-formula-anchor')
    await expect.poll(() => inInspector.textContent()).toBe('5×5×16')
    await inInspector.focus()
    await tip.waitFor()
    expect(await tip.locator('.shape-formula-line').first().textContent()).toBe(
      'height: out = ⌊(10 + 0 + 0 − 1·(2−1) − 1) / 2⌋ + 1 = 5',
    )
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(SCREENSHOTS, `shape-formula-inspector-${scheme}.png`) })
    }
    expect(errors).toEqual([])
    await page.close()
  })
})
