import { existsSync, mkdirSync } from 'node:fs'
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

/** Trains one epoch on a small stratified subset with the given batch size, until it has a test score. */
async function train(page: Page, batchSize: number) {
  await page.getByLabel('Epochs', { exact: true }).fill('1')
  await page.getByTestId('hp-batchSize').fill(String(batchSize))
  await page.getByLabel('Use N training images (0: all)').fill('600')
  const before = await page.getByTestId('run-row').count()
  await page.getByTestId('train-start').click()
  await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(before + 1)
  await expect
    .poll(() => page.getByTestId('run-row').first().getAttribute('data-status'), { timeout: 120_000 })
    .toBe('finished')
}

describe.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))('comparing runs in browser mode', () => {
  it('compares two runs of two graph versions: curves, differing settings, the graph diff', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(server.url)
    await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.getByTestId('train-toggle').click()
    await expect.poll(() => page.getByTestId('dataset-class').count(), { timeout: 20_000 }).toBe(10)

    // Run 1: the template as it is, batches of 64.
    await train(page, 64)

    // A second version: fc1 narrower (120 → 64 units); run 2 trains it with batches of 32.
    const inspectorUnits = page.getByLabel('units', { exact: true })
    await expect
      .poll(async () => {
        await page.locator('.react-flow__node[data-id="fc1"]').click()
        return inspectorUnits.count()
      })
      .toBe(1)
    await inspectorUnits.fill('64')
    await train(page, 32)

    // The list names what differs beyond optimizer, rate and epochs.
    expect(await page.getByTestId('run-differs').allTextContents()).toEqual(['batch 32', 'batch 64'])
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.getByTestId('runs-list').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-runs-list-light.png') })
    const compare = page.getByTestId('runs-compare')
    expect(await compare.isDisabled()).toBe(true)
    for (const box of await page.getByTestId('run-compare').all()) await box.check()
    expect(await compare.textContent()).toBe('Compare (2)')
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-runs-list-dark.png') })
    await page.emulateMedia({ colorScheme: 'light' })
    await compare.click()
    const dialog = page.getByTestId('compare-dialog')
    await dialog.waitFor()

    // One curve per run, named in the legend by project, dataset and date, oldest first.
    await expect.poll(() => page.getByTestId('compare-run').count()).toBe(2)
    const labels = await page.locator('[data-testid="compare-run"] .compare-run-label').allTextContents()
    expect(labels).toHaveLength(2)
    expect(labels[0]).toMatch(/^A · LeNet-5 \(MNIST\) · Fashion-MNIST · /)
    expect(labels[1]).toMatch(/^B · LeNet-5 \(MNIST\) · Fashion-MNIST · /)
    const series = page.locator('[data-testid="compare-accuracy"] [data-series]')
    expect(await series.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-series')))).toEqual(labels)
    expect(await page.locator('[data-testid="compare-accuracy"] circle').count()).toBe(2)

    // The differing settings are highlighted: the graph version and the batch size.
    const differing = await page
      .locator('[data-testid="compare-row"][data-differs="true"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))
    expect(differing).toEqual(['graph', 'batchSize'])
    expect(await page.getByTestId('compare-differing-count').textContent()).toBe('2 settings differ')

    // The graph diff: fc1's units, listed and marked on the canvas.
    await expect
      .poll(() => page.getByTestId('compare-diff-summary').textContent())
      .toMatch(/: 1 layer changed\.$/)
    expect(await page.locator('[data-testid="compare-diff-list"] li').allTextContents()).toEqual([
      '~ Dense fc1: units 120 → 64',
    ])
    const fc1 = page.getByTestId('diff-node-fc1')
    await fc1.waitFor()
    expect(await fc1.getAttribute('data-mark')).toBe('changed')
    expect(await page.getByTestId('diff-node-fc2').getAttribute('data-mark')).toBe('same')

    // Accuracy against parameters and MACs: a labelled point per run.
    expect(
      await page
        .locator('[data-testid="compare-scatter-params"] [data-testid="scatter-point"]')
        .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')).sort()),
    ).toEqual(['A', 'B'])

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await dialog.evaluate((d) => (d.scrollTop = 0))
      await page.screenshot({ path: join(SCREENSHOTS, `compare-${scheme}.png`) })
      await page.getByTestId('compare-diff').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENSHOTS, `compare-diff-${scheme}.png`) })
      await page.getByTestId('compare-scatter-macs').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENSHOTS, `compare-scatter-${scheme}.png`) })
    }
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(errors).toEqual([])
    await page.close()
  }, 300_000)
})
