import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, dropKind, launchBrowser, openAtStart, SCREENSHOTS, startServer } from './test-kit'

// A new user's trial of the editor (issue 15): each test failed on the editor before its fix.

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

async function blank(): Promise<{ page: Page; errors: string[] }> {
  const opened = await openAtStart(browser, server.url)
  await opened.page.setViewportSize({ width: 1440, height: 900 })
  await opened.page.getByRole('button', { name: 'Blank network' }).click()
  await opened.page.getByTestId('canvas').waitFor()
  return opened
}

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)
const outerEdges = (page: Page) => page.locator('.react-flow__edge:not([data-id^="inner:"])')
const inspectorTitle = (page: Page) => page.getByRole('complementary', { name: 'Inspector' })

describe('the editor, as a new user tries it', () => {
  it('undoes the delete of a connected node, edges included, in one step', async () => {
    const { page, errors } = await blank()
    await dropKind(page, 'Input', 400, 100)
    await dropKind(page, 'Conv2D', 400, 280)
    await dropKind(page, 'Flatten', 400, 460)
    await connect(page, 'input1', 'conv2d1')
    await connect(page, 'conv2d1', 'flatten1')
    await expect.poll(() => outerEdges(page).count()).toBe(2)

    await node(page, 'conv2d1').click()
    await page.keyboard.press('Delete')
    await expect.poll(() => node(page, 'conv2d1').count()).toBe(0)
    expect(await outerEdges(page).count()).toBe(0)

    await page.keyboard.press('Control+z')
    await expect.poll(() => node(page, 'conv2d1').count()).toBe(1)
    await expect.poll(() => outerEdges(page).count()).toBe(2)
    expect(await page.getByTestId('errors').count()).toBe(0)
    // and redo deletes both again, in one step
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => node(page, 'conv2d1').count()).toBe(0)
    expect(await outerEdges(page).count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })

  it('leaves a deleted node out of the selection', async () => {
    const { page, errors } = await blank()
    await dropKind(page, 'Input', 400, 100)
    await dropKind(page, 'Dense', 400, 300)
    await node(page, 'dense1').click()
    await page.keyboard.press('Delete')
    await expect.poll(() => node(page, 'dense1').count()).toBe(0)
    await node(page, 'input1').click()
    await expect.poll(() => inspectorTitle(page).locator('h2').textContent()).toBe('Input')
    expect(await inspectorTitle(page).textContent()).not.toContain('nodes selected')
    expect(errors).toEqual([])
    await page.close()
  })

  it("drops Conv2D and Dense with ReLU, and offers a Dense (128) into Output (10) 'Set units to 10' first (linear logits)", async () => {
    const { page, errors } = await blank()
    await dropKind(page, 'Conv2D', 400, 100)
    expect(await page.getByLabel('activation').inputValue()).toBe('relu')
    expect(await inspectorTitle(page).textContent()).toContain('From the palette it comes with ReLU')
    await page.keyboard.press('Delete')

    await dropKind(page, 'Input', 400, 100)
    await dropKind(page, 'Flatten', 400, 250)
    await dropKind(page, 'Dense', 400, 400)
    expect(await page.getByLabel('activation').inputValue()).toBe('relu')
    await dropKind(page, 'Output', 400, 550)
    await connect(page, 'input1', 'flatten1')
    await connect(page, 'flatten1', 'dense1')
    await connect(page, 'dense1', 'output1')
    const fixes = page.getByTestId('errors').locator('button.fix')
    // The dropped Dense has ReLU: as the logits' layer it is made linear with its units.
    await expect
      .poll(() => fixes.allTextContents())
      .toEqual(['Set units to 10, linear', 'Set classes to 128'])
    await fixes.first().click()
    await expect.poll(() => page.getByTestId('shape-dense1').textContent()).toBe('10')
    await page.locator('.react-flow__node[data-id="dense1"]').click()
    expect(await page.getByLabel('activation').inputValue()).toBe('linear')
    expect(await page.getByTestId('errors').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })

  it('keeps the first node on an empty canvas where it was dropped', async () => {
    const { page, errors } = await blank()
    const canvas = (await page.getByTestId('canvas').boundingBox())!
    await dropKind(page, 'Input', 200, 150)
    await page.waitForTimeout(500) // a queued fit would have moved it by now
    const box = (await node(page, 'input1').boundingBox())!
    expect(Math.abs(box.x + box.width / 2 - (canvas.x + 200))).toBeLessThan(4)
    expect(Math.abs(box.y + box.height / 2 - (canvas.y + 150))).toBeLessThan(4)
    expect(errors).toEqual([])
    await page.close()
  })

  it('has a context menu on nodes and the canvas, and expands a block from its card', async () => {
    const { page, errors } = await blank()
    await dropKind(page, 'Input', 400, 100)
    await dropKind(page, 'ResidualBasic', 400, 300)
    await connect(page, 'input1', 'residualbasic1')
    const inner = page.locator('.react-flow__node[data-id^="residualbasic1/"]')
    const menu = page.getByTestId('context-menu')

    // the card's button, then a double-click, show and hide the layers
    await page.getByTestId('toggle-residualbasic1').click()
    await expect.poll(() => inner.count()).toBeGreaterThan(2)
    await node(page, 'residualbasic1').locator('.layer-node-head').dblclick()
    await expect.poll(() => inner.count()).toBe(0)

    // a node's menu: expand, duplicate, delete
    await node(page, 'residualbasic1').click({ button: 'right' })
    await expect
      .poll(() => menu.getByRole('menuitem').allTextContents())
      .toEqual(['Delete', 'Duplicate', 'Show layers', 'Fit view', 'Auto-layout', 'Keyboard shortcuts ?'])
    await page.screenshot({ path: join(SCREENSHOTS, 'editor-trial-context-menu-light.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SCREENSHOTS, 'editor-trial-context-menu-dark.png') })
    await page.emulateMedia({ colorScheme: 'light' })
    await menu.getByRole('menuitem', { name: 'Show layers' }).click()
    await expect.poll(() => inner.count()).toBeGreaterThan(2)
    expect(await menu.count()).toBe(0)

    await node(page, 'input1').click({ button: 'right' })
    expect(await menu.getByRole('menuitem').allTextContents()).not.toContain('Show layers')
    await menu.getByRole('menuitem', { name: 'Duplicate' }).click()
    await expect.poll(() => node(page, 'input2').count()).toBe(1)

    await node(page, 'input2').click({ button: 'right' })
    await menu.getByRole('menuitem', { name: 'Delete' }).click()
    await expect.poll(() => node(page, 'input2').count()).toBe(0)
    await page.keyboard.press('Control+z')
    await expect.poll(() => node(page, 'input2').count()).toBe(1)

    // the canvas's menu: layout and fit; Escape closes it
    const canvas = (await page.getByTestId('canvas').boundingBox())!
    await page.mouse.click(canvas.x + canvas.width - 300, canvas.y + 60, { button: 'right' })
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual([
      'Fit view',
      'Auto-layout',
      'Keyboard shortcuts ?',
    ])
    const before = await node(page, 'input2').boundingBox()
    await menu.getByRole('menuitem', { name: 'Auto-layout' }).click()
    await expect.poll(async () => (await node(page, 'input2').boundingBox())?.x).not.toBe(before?.x)
    await page.mouse.click(canvas.x + canvas.width - 300, canvas.y + 60, { button: 'right' })
    await page.keyboard.press('Escape')
    await expect.poll(() => menu.count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })

  it('lists every keyboard shortcut on ?', async () => {
    const { page, errors } = await blank()
    await dropKind(page, 'Input', 400, 100)
    const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await page.keyboard.press('?')
    await overlay.waitFor()
    // rendered from shortcuts.ts's SHORTCUTS (its unit test checks the table against the key handler)
    expect(await overlay.locator('kbd').allTextContents()).toEqual(
      expect.arrayContaining([
        'Ctrl+Z',
        'Ctrl+Shift+Z',
        'Ctrl+Y',
        'Ctrl+D',
        'Delete / Backspace',
        '?',
        'Escape',
      ]),
    )
    await page.screenshot({ path: join(SCREENSHOTS, 'editor-trial-shortcuts-light.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SCREENSHOTS, 'editor-trial-shortcuts-dark.png') })
    await page.keyboard.press('Escape')
    await expect.poll(() => overlay.count()).toBe(0)
    // typing ? in a field types it
    await page.getByLabel('Search layers').fill('')
    await page.getByLabel('Search layers').press('?')
    expect(await overlay.count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })
})
