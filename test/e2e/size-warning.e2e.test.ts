import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, dropKind, launchBrowser, openAtStart, SCREENSHOTS, startServer } from './test-kit'

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

describe('a layer too large for any backend', () => {
  it('is warned of on its card and in the status bar, in light and dark', async () => {
    const { page, errors } = await openAtStart(browser, server.url)
    await page.getByRole('button', { name: 'Blank network' }).click()
    await dropKind(page, 'Input', 300, 120)
    await dropKind(page, 'Conv2D', 300, 320)
    await page.getByLabel('filters', { exact: true }).fill('1000000000')
    await connect(page, 'input1', 'conv2d1')
    const card = page.getByTestId('warning-conv2d1')
    await expect.poll(() => card.textContent()).toBe('⚠ output 676 G > 2^31')
    expect(await page.locator('.react-flow__node[data-id="conv2d1"] .layer-node.has-warning').count()).toBe(1)
    // A warning, not an error: the node keeps its shape, and the error list stays empty.
    expect(await page.getByTestId('shape-conv2d1').textContent()).toBe('26×26×1000000000')
    expect(await page.getByTestId('errors').count()).toBe(0)
    const list = page.getByTestId('warnings')
    expect(await list.textContent()).toMatch(
      /conv2d1: Its output holds 676 G elements for one image \(26×26×1000000000\), more than 2\^31/,
    )
    await list.getByRole('button', { name: 'conv2d1' }).click()
    await page.getByRole('button', { name: 'Fit', exact: true }).click()
    const node = page.locator('.react-flow__node[data-id="conv2d1"]')
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.waitForTimeout(300) // the fit's animation
      await page.screenshot({ path: join(SCREENSHOTS, `size-warning-${scheme}.png`) })
      await node.screenshot({ path: join(SCREENSHOTS, `size-warning-node-${scheme}.png`) })
    }
    expect(errors).toEqual([])
    await page.close()
  })
})
