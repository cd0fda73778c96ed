import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
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

type Box = { left: number; top: number; right: number; bottom: number }

/** What the canvas shows, measured in the page (strings: the e2e tsconfig has no DOM types). */
interface CanvasView {
  canvas: Box
  minimap: Box
  /** Every card React Flow rendered, with its box on screen. */
  nodes: { id: string; box: Box }[]
  /** The smallest text on a visible card, in screen pixels (font size × zoom). */
  minCardTextPx: number
  minEdgeTextPx: number
  /** Each block title whose text does not fit its box. */
  cutTitles: string[]
  titles: { kind: string; head: string }[]
  icons: { width: number; height: number }[]
  zoom: number
}

const measure = (page: Page): Promise<CanvasView> =>
  page.evaluate(`(() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom } }
    const canvas = box(document.querySelector('[data-testid="canvas"]'))
    const visible = (b) => b.right > canvas.left && b.left < canvas.right && b.bottom > canvas.top && b.top < canvas.bottom
    const px = (el, zoom) => parseFloat(getComputedStyle(el).fontSize) * zoom
    const zoom = Number(/scale\\(([\\d.]+)\\)/.exec(document.querySelector('.react-flow__viewport').style.transform)[1])
    const cards = [...document.querySelectorAll('.react-flow__node .layer-node')].filter((c) => visible(box(c)))
    const texts = cards.flatMap((c) => [...c.querySelectorAll('span, div')].filter((t) => t.children.length === 0 && t.textContent.trim()))
    return {
      canvas,
      minimap: box(document.querySelector('.react-flow__minimap')),
      nodes: [...document.querySelectorAll('.react-flow__node-layer')].map((n) => ({ id: n.dataset.id, box: box(n) })),
      minCardTextPx: Math.min(...texts.map((t) => px(t, zoom))),
      minEdgeTextPx: Math.min(...[...document.querySelectorAll('.react-flow__edge-text')].map((t) => px(t, zoom))),
      cutTitles: [...document.querySelectorAll('.layer-node-kind')]
        .filter((t) => t.scrollWidth > t.clientWidth + 0.5 || t.scrollHeight > t.clientHeight + 0.5)
        .map((t) => t.textContent),
      titles: [...document.querySelectorAll('.layer-node-head')].map((h) => ({ kind: h.querySelector('.layer-node-kind').textContent, head: h.title })),
      icons: [...document.querySelectorAll('.react-flow__controls-button svg')].map((s) => { const r = s.getBoundingClientRect(); return { width: r.width, height: r.height } }),
      zoom,
    }
  })()`)

const overlaps = (a: Box, b: Box) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
const inside = (a: Box, b: Box) =>
  a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5

/** `rgb(…)` or `color(srgb …)` as relative luminance, 0 (black) to 1 (white). */
function luminance(colour: string): number {
  const rgb = /rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)/.exec(colour)
  const srgb = /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)/.exec(colour)
  const [r, g, b] = rgb
    ? rgb.slice(1).map((v) => Number(v) / 255)
    : srgb
      ? srgb.slice(1).map(Number)
      : [NaN, NaN, NaN]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

const colours = (page: Page): Promise<Record<string, string>> =>
  page.evaluate(`(() => {
    const style = (sel) => getComputedStyle(document.querySelector(sel))
    return {
      minimap: style('.react-flow__minimap').backgroundColor,
      minimapNode: style('.react-flow__minimap-node').fill,
      edgeLabel: style('.react-flow__edge-textbg').fill,
      edgeText: style('.react-flow__edge-text').fill,
      controls: style('.react-flow__controls-button').backgroundColor,
      page: style('html').backgroundColor,
    }
  })()`)

async function openTemplate(title: string) {
  const { page, errors } = await openAtStart(browser, server.url)
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.locator('.cards').getByText(title, { exact: true }).click()
  await page.getByRole('button', { name: 'Open in editor' }).click()
  await page.waitForSelector('.react-flow__node')
  await settle(page)
  return { page, errors }
}

/** Waits until the viewport stops moving (fits run a frame or two after a layout change). */
async function settle(page: Page) {
  let last = ''
  await expect
    .poll(async () => {
      const now = await page.locator('.react-flow__viewport').getAttribute('style')
      const same = now === last
      last = now ?? ''
      return same
    })
    .toBe(true)
}

/** Emulates the system's scheme and waits for the app (theme "system") to follow it. */
async function emulateScheme(page: Page, scheme: 'light' | 'dark') {
  await page.emulateMedia({ colorScheme: scheme })
  await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe(scheme)
}

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `canvas-view-${name}.png`) })

describe('the canvas view', () => {
  for (const [title, file] of [
    ['LeNet-5', 'lenet5'],
    ['ResNet-18', 'resnet18'],
  ] as const)
    it(`opens ${title} readable from its input, titles whole, zoom icons visible`, async () => {
      const { page, errors } = await openTemplate(title)
      const v = await measure(page)
      // Text on the cards and the edges' shapes reads at 11 px or more on screen.
      expect(v.minCardTextPx).toBeGreaterThanOrEqual(10.99)
      expect(v.minEdgeTextPx).toBeGreaterThanOrEqual(10.99)
      // The graph starts at its input, whole on screen, and no card is under the minimap.
      const input = v.nodes.find((n) => n.id === 'input')!
      expect(inside(input.box, v.canvas)).toBe(true)
      for (const n of v.nodes) expect(overlaps(n.box, v.minimap), n.id).toBe(false)
      // Block titles ("Residual basic block") are whole, and the head's tooltip names the node.
      expect(v.cutTitles).toEqual([])
      expect(v.titles.length).toBeGreaterThan(0)
      for (const t of v.titles) expect(t.head.startsWith(`${t.kind} · `)).toBe(true)
      // The zoom controls' icons are drawn at a visible size.
      expect(v.icons).toHaveLength(3)
      for (const icon of v.icons) {
        expect(icon.width).toBeGreaterThanOrEqual(12)
        expect(icon.height).toBeGreaterThanOrEqual(12)
      }
      for (const scheme of ['light', 'dark'] as const) {
        await emulateScheme(page, scheme)
        await shoot(page, `${file}-${scheme}`)
      }
      expect(errors).toEqual([])
      await page.close()
    })

  it('draws the minimap, edge labels and zoom controls in the dark theme', async () => {
    const { page, errors } = await openTemplate('LeNet-5')
    await emulateScheme(page, 'dark')
    const dark = await colours(page)
    for (const part of ['minimap', 'edgeLabel', 'controls', 'page'] as const)
      expect(luminance(dark[part]), `${part}: ${dark[part]}`).toBeLessThan(0.25)
    expect(luminance(dark.edgeText), dark.edgeText).toBeGreaterThan(0.6)
    expect(luminance(dark.minimapNode), dark.minimapNode).toBeLessThan(0.6)
    await emulateScheme(page, 'light')
    const light = await colours(page)
    for (const part of ['minimap', 'edgeLabel', 'controls', 'page'] as const)
      expect(luminance(light[part]), `${part}: ${light[part]}`).toBeGreaterThan(0.75)
    expect(errors).toEqual([])
    await page.close()
  })

  it('keeps the theme chosen over the system scheme across a reload, or follows the system', async () => {
    const { page, errors } = await openAtStart(browser, server.url)
    const theme = () => page.evaluate('document.documentElement.dataset.theme')
    const pageLuminance = async () =>
      luminance(String(await page.evaluate('getComputedStyle(document.documentElement).backgroundColor')))
    const picker = page.getByRole('combobox', { name: 'Theme' })

    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await picker.inputValue()).toBe('system')
    await expect.poll(theme).toBe('dark')
    await picker.selectOption('light')
    expect(await theme()).toBe('light')
    expect(await pageLuminance()).toBeGreaterThan(0.75)
    await page.reload()
    await picker.waitFor()
    expect(await picker.inputValue()).toBe('light')
    expect(await theme()).toBe('light')
    expect(await pageLuminance()).toBeGreaterThan(0.75)
    await shoot(page, 'theme-light-over-dark')

    await page.emulateMedia({ colorScheme: 'light' })
    await picker.selectOption('dark')
    await page.reload()
    await picker.waitFor()
    expect(await picker.inputValue()).toBe('dark')
    expect(await pageLuminance()).toBeLessThan(0.25)
    await shoot(page, 'theme-dark-over-light')

    // Back to the system's: it follows the scheme as it changes.
    await picker.selectOption('system')
    expect(await theme()).toBe('light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(theme).toBe('dark')
    await page.reload()
    await picker.waitFor()
    expect(await picker.inputValue()).toBe('system')
    expect(await theme()).toBe('dark')
    expect(errors).toEqual([])
    await page.close()
  })

  it('fits the graph again when the training panel opens and closes', async () => {
    const { page, errors } = await openTemplate('LeNet-5')
    const check = async (when: string) => {
      await settle(page)
      const v = await measure(page)
      const shown = v.nodes.filter((n) => overlaps(n.box, v.canvas))
      expect(shown.length, when).toBeGreaterThan(3)
      for (const n of shown) {
        expect(overlaps(n.box, v.minimap), `${when}: ${n.id} under the minimap`).toBe(false)
        expect(n.box.left, `${when}: ${n.id} off the left`).toBeGreaterThanOrEqual(v.canvas.left)
        expect(n.box.right, `${when}: ${n.id} off the right`).toBeLessThanOrEqual(v.canvas.right)
      }
      expect(inside(v.nodes.find((n) => n.id === 'input')!.box, v.canvas), when).toBe(true)
      expect(v.minCardTextPx, when).toBeGreaterThanOrEqual(10.99)
    }
    await page.getByTestId('train-toggle').click()
    await page.getByTestId('training-panel').waitFor()
    await check('training open')
    for (const scheme of ['light', 'dark'] as const) {
      await emulateScheme(page, scheme)
      await shoot(page, `training-${scheme}`)
    }
    await page.getByTestId('train-toggle').click()
    await page.getByTestId('training-panel').waitFor({ state: 'hidden' })
    await check('training closed')
    expect(errors).toEqual([])
    await page.close()
  })
})
