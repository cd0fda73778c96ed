import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, startServer, watchErrors } from './test-kit'

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

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true })
  const errors = watchErrors(page)
  await page.goto(server.url)
  return { page, errors }
}

const shape = (page: Page, id: string) => page.getByTestId(`shape-${id}`).textContent()

describe('projects in browser mode', () => {
  it('saves automatically, and a reload reopens the project intact in its view', async () => {
    const { page, errors } = await openPage()
    await page.getByText('LeNet-5 (MNIST)', { exact: true }).click()
    await page.getByRole('button', { name: 'Open in editor' }).click()
    await page.locator('.react-flow__node[data-id="conv1"]').click()
    await page.getByLabel('filters', { exact: true }).fill('12')
    await expect.poll(() => shape(page, 'conv1')).toBe('28×28×12')
    await expect
      .poll(() => page.getByTestId('save-status').textContent(), { timeout: 10_000 })
      .toBe('All changes saved')

    // The URL keeps no token after the first load: reload from the server's URL, as a user would.
    await page.goto(server.url)
    await page.waitForSelector('.react-flow__node')
    expect(await page.locator('.doc-name').textContent()).toBe('LeNet-5 (MNIST)')
    expect(await shape(page, 'conv1')).toBe('28×28×12')
    expect(await page.locator('.react-flow__node.selected').getAttribute('data-id')).toBe('conv1')
    expect(await page.getByTestId('total-trainable').textContent()).toBe('64,262')
    expect(errors).toEqual([])
    await page.close()
  })

  it('lists, renames and duplicates projects; exports one and imports it back', async () => {
    const { page, errors } = await openPage()
    await page.waitForSelector('.react-flow__node') // the last project reopens
    await page.getByRole('button', { name: '← Projects' }).click()
    const row = page.getByTestId('project-LeNet-5 (MNIST)')
    await row.getByRole('button', { name: 'Rename' }).click()
    await page.getByLabel('New name').fill('My LeNet')
    await page.getByLabel('New name').press('Enter')
    const renamed = page.getByTestId('project-My LeNet')
    await expect.poll(() => renamed.count()).toBe(1)
    await renamed.getByRole('button', { name: 'Duplicate' }).click()
    await expect.poll(() => page.getByTestId('project-My LeNet (copy)').count()).toBe(1)

    const download = page.waitForEvent('download')
    await renamed.getByRole('button', { name: 'Export' }).click()
    const file = await (await download).path()
    const exported = JSON.parse(readFileSync(file, 'utf8'))
    expect(exported).toMatchObject({ format: 'cnn-studio/project', version: 1, name: 'My LeNet' })

    await page.getByTestId('open-file').setInputFiles({
      name: 'imported.cnnproj.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...exported, name: 'Imported LeNet' })),
    })
    await page.waitForSelector('.react-flow__node')
    expect(await page.locator('.doc-name').textContent()).toBe('LeNet-5 (MNIST)')
    expect(await shape(page, 'conv1')).toBe('28×28×12')
    await page.getByRole('button', { name: '← Projects' }).click()
    await expect.poll(() => page.getByTestId('project-Imported LeNet').count()).toBe(1)

    // A malformed file is refused with the reason, and nothing is added.
    const before = await page.locator('[data-testid^="project-"]').count()
    await page.getByTestId('open-file').setInputFiles({
      name: 'broken.cnnproj.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "cnn-studio/project", "version": 1}'),
    })
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/^broken\.cnnproj\.json: Invalid project file: /)
    expect(await page.locator('[data-testid^="project-"]').count()).toBe(before)

    // Delete asks first.
    page.once('dialog', (d) => void d.accept())
    await page.getByTestId('project-My LeNet (copy)').getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => page.getByTestId('project-My LeNet (copy)').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })
})
