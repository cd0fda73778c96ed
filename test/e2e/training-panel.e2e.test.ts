import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
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

/** Whether the element is wholly inside the training panel's visible part and the window. */
const inView = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect()
    const p = el.closest('.training-panel')!.getBoundingClientRect()
    return (
      r.height > 0 &&
      r.top >= Math.max(p.top, 0) &&
      r.bottom <= Math.min(p.bottom, (globalThis as unknown as { innerHeight: number }).innerHeight)
    )
  })

/** Records every text the ETA and the elapsed time show (with the epochs on the chart by then). */
const recordTexts = (page: Page) =>
  page.evaluate(`(() => {
    const seen = { eta: [], elapsed: [] }
    window.seen = seen
    const q = (s) => document.querySelector('[data-testid="' + s + '"]')?.textContent ?? null
    new MutationObserver(() => {
      const eta = q('train-eta')
      if (eta && seen.eta.at(-1) !== eta) seen.eta.push(eta)
      const epochs = document.querySelectorAll('[data-testid="chart-loss"] [data-series="train"] circle').length
      const elapsed = q('run-elapsed') && q('run-elapsed') + ' after ' + epochs + ' epochs'
      if (elapsed && seen.elapsed.at(-1) !== elapsed) seen.elapsed.push(elapsed)
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })()`)
const seen = (page: Page) => page.evaluate<{ eta: string[]; elapsed: string[] }>('window.seen')

describe.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))('the training panel during a run', () => {
  it('shows the live run in view after Start, ticks elapsed time, and estimates the ETA after a warm-up', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(server.url)
    await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.getByTestId('train-toggle').click()
    await expect.poll(() => page.getByTestId('dataset-class').count(), { timeout: 20_000 }).toBe(10)

    await page.getByLabel('Epochs', { exact: true }).fill('3')
    await page.getByLabel('Use N training images (0: all)').fill('12000')
    await recordTexts(page)
    // Start is at the foot of the long form: the panel is scrolled down to it.
    await page.getByTestId('train-start').click()
    await page.getByTestId('train-progress').waitFor({ timeout: 30_000 })
    expect(await inView(page, 'train-progress')).toBe(true)
    expect(await inView(page, 'run-elapsed')).toBe(true)
    // The form is a line now, with a way back to it.
    expect(await page.getByTestId('new-run-form').isHidden()).toBe(true)
    expect(await page.getByTestId('new-run-toggle').textContent()).toBe('Edit settings')

    // The clock moves before the first epoch ends (it used to read 0 s until then).
    await expect
      .poll(async () => (await seen(page)).elapsed, { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/^[1-9]\d? s after 0 epochs$/))
    // "estimating…" first, then a time once the warm-up batches are behind.
    await expect
      .poll(async () => (await seen(page)).eta.some((t) => /\d/.test(t)), { timeout: 60_000 })
      .toBe(true)
    const { eta } = await seen(page)
    expect(eta[0]).toBe('estimating…')
    expect(eta.find((t) => /\d/.test(t))).toMatch(/^(\d+ s|\d+ min \d\d s)$/)

    await page.screenshot({ path: join(SCREENSHOTS, 'training-panel-live-light.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SCREENSHOTS, 'training-panel-live-dark.png') })
    await page.emulateMedia({ colorScheme: 'light' })

    // The settings open on demand during the run, and stay open once it ends.
    await page.getByTestId('new-run-toggle').click()
    expect(await page.getByTestId('new-run-form').isVisible()).toBe(true)
    await page.getByTestId('new-run-toggle').click()
    expect(await page.getByTestId('new-run-form').isHidden()).toBe(true)
    // While it runs the clock never goes back (snapshots read mid-run lag behind it).
    const seconds = (await seen(page)).elapsed.map((t) => Number(/^(\d+) s/.exec(t)?.[1] ?? NaN))
    expect(seconds.filter(Number.isFinite)).toEqual(
      [...seconds.filter(Number.isFinite)].sort((a, b) => a - b),
    )
    await page.getByTestId('train-stop').click()
    await expect
      .poll(() => page.getByTestId('run-shown-status').textContent(), { timeout: 60_000 })
      .toBe('stopped')
    expect(await page.getByTestId('new-run-form').isVisible()).toBe(true)
    expect(await page.getByTestId('new-run-toggle').count()).toBe(0)
    console.log('texts seen:', JSON.stringify(await seen(page)))
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)
})
