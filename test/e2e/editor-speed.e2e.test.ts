import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandDocument } from '../../src/shared/graph/expand'
import { resnet152 } from '../../src/shared/templates/networks/resnet'
import { launchBrowser, openAtStart, SCREENSHOTS, startServer } from './test-kit'

// A large graph stays responsive because the canvas hands React Flow the same node objects where
// nothing changed: before, every edit and drag frame re-mounted all 516 cards of ResNet-152 expanded
// (React Flow measures a node object it has not seen). bench/editor.ts times it; this checks the cause.

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

/** Counts node cards added to the page from now on. */
const watchMounts = (page: Page) =>
  page.evaluate(`(() => {
    window.__mounted = 0
    new MutationObserver((ms) => {
      for (const m of ms)
        for (const n of m.addedNodes) if (n.classList?.contains('react-flow__node')) window.__mounted++
    }).observe(document.querySelector('.react-flow__nodes'), { childList: true })
  })()`)
const mounted = (page: Page) => page.evaluate<number>('window.__mounted')

describe('the editor on a large graph', () => {
  it('edits and drags on ResNet-152 expanded without re-mounting the cards that did not change', async () => {
    const doc = expandDocument(resnet152())
    expect(doc.nodes.length).toBeGreaterThan(500)
    const file = join(mkdtempSync(join(tmpdir(), 'cnn-e2e-speed-')), 'resnet152-expanded.json')
    writeFileSync(file, JSON.stringify(doc))
    const { page, errors } = await openAtStart(browser, server.url)
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.getByTestId('open-file').setInputFiles(file)
    const conv = page.locator('.react-flow__node[data-id="conv1"]')
    await conv.waitFor()
    const onScreen = await page.locator('.react-flow__node').count()
    expect(onScreen).toBeLessThan(40) // only what is visible is rendered
    await conv.click()
    await watchMounts(page)

    const bn = page.getByTestId('shape-conv1_bn')
    const before = await bn.textContent()
    await page.getByLabel('filters', { exact: true }).fill('48')
    await expect.poll(() => bn.textContent()).not.toBe(before)
    expect(await bn.textContent()).toContain('48')
    // The edge reads its label by its source's id: it shows the new shape too.
    const label = page.locator('.react-flow__edge[data-id="conv1->conv1_bn:0"] .react-flow__edge-text')
    await expect.poll(() => label.textContent()).toBe('112×112×48')
    expect(await mounted(page)).toBe(0)

    const box = (await conv.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + 10)
    await page.mouse.down()
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width / 2 + i * 6, box.y + 10 + i * 2)
    await page.mouse.up()
    const moved = (await conv.boundingBox())!
    expect(moved.x - box.x).toBeGreaterThan(100)
    // The edge into the moved node follows it: its path ends at the node's top.
    const edgeEnd = await page.evaluate<number>(`(() => {
      const path = document.querySelector('.react-flow__edge[data-id="input->conv1:0"] path')
      return path ? path.getBoundingClientRect().right : 0
    })()`)
    expect(edgeEnd).toBeGreaterThan(box.x + box.width / 2 + 60)
    // Nothing but cards newly brought on screen (none here) is mounted while dragging.
    expect(await mounted(page)).toBeLessThan(5)

    await page.screenshot({ path: join(SCREENSHOTS, 'speed-resnet152-dragged.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SCREENSHOTS, 'speed-resnet152-dragged-dark.png') })
    expect(errors).toEqual([])
    await page.close()
  })
})
