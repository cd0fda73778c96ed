import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { chromium, type Browser, type Page } from 'playwright-core'

const ROOT = new URL('../../', import.meta.url).pathname
export const SCREENSHOTS = join(ROOT, 'test/e2e/screenshots')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * `cnn-studio serve` on a free port with a fresh data folder: the real browser mode. `env` adds to
 * the server's environment (useSwiftShader()'s variables give it a WebGPU adapter).
 */
export async function startServer(
  dataDir = mkdtempSync(join(tmpdir(), 'cnn-e2e-')),
  options: { env?: Record<string, string> } = {},
) {
  // E2E_URL points the tests at a server started by hand (debugging a test against a running app).
  if (process.env.E2E_URL) return { url: process.env.E2E_URL, dataDir, close: async () => {} }
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin/cnn-studio.js'), 'serve', '--port', '0', '--data', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  )
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', (line) => resolve(line.trim()))
    child.once('exit', (code) => reject(new Error(`cnn-studio serve exited with ${code}: ${stderr}`)))
    setTimeout(() => reject(new Error(`cnn-studio serve printed no URL in 60 s: ${stderr}`)), 60_000)
  })
  return {
    url,
    dataDir,
    async close() {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Fails the test on any error the page logs or throws. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  page.on('pageerror', (e) => errors.push(String(e)))
  return errors
}

/** Drags a palette entry onto the canvas at (x, y) in page pixels. */
export async function dropKind(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${kind}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } })
}

/** Connects the output handle of one node to input `port` of another by dragging with the mouse. */
export async function connect(page: Page, source: string, target: string, port = 0): Promise<void> {
  const from = page.locator(`.react-flow__node[data-id="${source}"] .react-flow__handle.source`)
  const to = page.locator(
    `.react-flow__node[data-id="${target}"] .react-flow__handle[data-handleid="in-${port}"]`,
  )
  const a = (await from.boundingBox())!
  const b = (await to.boundingBox())!
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
  await page.mouse.down()
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 })
  await page.mouse.up()
}

/**
 * Opens the app at the start screen. With projects, the app reopens the last one: leave it (the
 * editor saves on the way out) to get back to the start screen.
 */
export async function openAtStart(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true })
  const errors = watchErrors(page)
  await page.goto(url)
  const start = page.getByText('Start from a template')
  const back = page.getByRole('button', { name: '← Projects' })
  await start.or(back).first().waitFor()
  if (await back.isVisible()) await back.click()
  await start.waitFor()
  return { page, errors }
}
