import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
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

const openPage = () => openAtStart(browser, server.url)

const shape = (page: Page, id: string) => page.getByTestId(`shape-${id}`).textContent()

async function setNumber(page: Page, label: string, value: number) {
  await page.getByLabel(label, { exact: true }).fill(String(value))
}

async function openTemplate(page: Page, title: string) {
  await page.getByText(title, { exact: true }).click()
  await page.getByRole('button', { name: 'Open in editor' }).click()
  await page.waitForSelector('.react-flow__node')
}

describe('the editor in browser mode', () => {
  it('builds LeNet-5 from the palette by drag and drop, showing every shape', async () => {
    const { page, errors } = await openPage()
    await page.getByRole('button', { name: 'Blank network' }).click()
    // [kind, params to type in the inspector, expected output shape]
    const layers: [string, [string, number][], string][] = [
      [
        'Input',
        [
          ['height', 32],
          ['width', 32],
          ['channels', 1],
        ],
        '32×32×1',
      ],
      [
        'Conv2D',
        [
          ['filters', 6],
          ['kernelSize height', 5],
          ['kernelSize width', 5],
        ],
        '28×28×6',
      ],
      ['AvgPool2D', [], '14×14×6'],
      [
        'Conv2D',
        [
          ['filters', 16],
          ['kernelSize height', 5],
          ['kernelSize width', 5],
        ],
        '10×10×16',
      ],
      ['AvgPool2D', [], '5×5×16'],
      [
        'Conv2D',
        [
          ['filters', 120],
          ['kernelSize height', 5],
          ['kernelSize width', 5],
        ],
        '1×1×120',
      ],
      ['Flatten', [], '120'],
      ['Dense', [['units', 84]], '84'],
      ['Dense', [['units', 10]], '10'],
      ['Output', [['classes', 10]], '10'],
    ]
    const ids: string[] = []
    for (const [i, [kind, params]] of layers.entries()) {
      await dropKind(page, kind, i < 5 ? 260 : 620, 90 + (i % 5) * 150)
      const id = await page.locator('.react-flow__node.selected').getAttribute('data-id')
      ids.push(id!)
      for (const [label, value] of params) await setNumber(page, label, value)
      if (kind === 'Conv2D' || (kind === 'Dense' && i === 7))
        await page.getByLabel('activation').selectOption('tanh')
      if (i > 0) await connect(page, ids[i - 1], id!)
    }
    expect(ids).toEqual([
      'input1',
      'conv2d1',
      'avgpool2d1',
      'conv2d2',
      'avgpool2d2',
      'conv2d3',
      'flatten1',
      'dense1',
      'dense2',
      'output1',
    ])
    for (const [i, id] of ids.entries()) expect(await shape(page, id), id).toBe(layers[i][2])
    // each connection is labelled with the tensor it carries
    await expect
      .poll(() => page.locator('.react-flow__edge-text').allTextContents())
      .toEqual(expect.arrayContaining(['32×32×1', '28×28×6', '1×1×120', '120', '84']))
    expect(await page.getByTestId('total-trainable').textContent()).toBe('61,706')
    expect(await page.getByTestId('errors').count()).toBe(0)
    await page.getByRole('button', { name: 'Auto-layout' }).click()
    await page.screenshot({ path: join(SCREENSHOTS, 'lenet5-built.png') })
    expect(errors).toEqual([])
    await page.close()
  })

  it('explains an invalid connection on the node and the edge, fixes it in one click, undoes and redoes', async () => {
    const { page, errors } = await openPage()
    await page.getByRole('button', { name: 'Blank network' }).click()
    await dropKind(page, 'Input', 300, 120)
    await setNumber(page, 'height', 7)
    await setNumber(page, 'width', 7)
    await setNumber(page, 'channels', 64)
    await dropKind(page, 'Dense', 300, 400)
    await connect(page, 'input1', 'dense1')
    const list = page.getByTestId('errors')
    await expect
      .poll(() => list.textContent())
      .toContain(
        'Dense needs a flat vector but its input is the 3-D map 7×7×64. Insert a Flatten (3136 features) or a GlobalAvgPool2D (64 features) before it.',
      )
    expect(await page.locator('.react-flow__node[data-id="dense1"] .layer-node.status-error').count()).toBe(1)
    await expect.poll(() => page.locator('.react-flow__edge.edge-error').count()).toBe(1)

    await list.getByRole('button', { name: 'Insert Flatten' }).click()
    await expect.poll(() => shape(page, 'dense1')).toBe('128')
    expect(await shape(page, 'flatten1')).toBe('3136')
    expect(await list.count()).toBe(0)

    await page.keyboard.press('Control+z')
    await expect.poll(() => list.count()).toBe(1)
    expect(await page.locator('.react-flow__node[data-id="flatten1"]').count()).toBe(0)
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => shape(page, 'dense1')).toBe('128')
    expect(errors).toEqual([])
    await page.close()
  })

  it('copies, pastes and deletes with the keyboard', async () => {
    const { page } = await openPage()
    await openTemplate(page, 'LeNet-5 (MNIST)')
    await page.locator('.react-flow__node[data-id="conv1"]').click()
    await page.keyboard.press('Control+c')
    await page.keyboard.press('Control+v')
    // The canvas opens at a readable zoom and draws only the nodes in view: look for the copy itself.
    await expect.poll(() => page.locator('.react-flow__node[data-id="conv2d1"]').count()).toBe(1)
    expect(await page.locator('.react-flow__node.selected').getAttribute('data-id')).toBe('conv2d1')
    await page.keyboard.press('Delete')
    await expect.poll(() => page.locator('.react-flow__node[data-id="conv2d1"]').count()).toBe(0)
    expect(await page.locator('.react-flow__node[data-id="conv1"]').count()).toBe(1)
    await page.close()
  })

  it('opens ResNet-18 with its totals, and ResNet-50 for a screenshot', async () => {
    const { page, errors } = await openPage()
    await openTemplate(page, 'ResNet-18')
    expect(await page.getByTestId('total-trainable').textContent()).toBe('11,689,512')
    expect(await page.getByTestId('total-macs').textContent()).toBe('1.81 G')
    await page.getByRole('button', { name: '← Projects' }).click()
    await openTemplate(page, 'ResNet-50')
    expect(await page.getByTestId('total-trainable').textContent()).toBe('25,557,032')
    // ResNet-50 opens readable from its top: show all of it (React Flow's fit button), then click
    // until the inspector shows the block (the view may still be settling).
    await page.locator('.react-flow__controls-fitview').click()
    const showLayers = page.getByRole('button', { name: 'Show layers' })
    await expect
      .poll(async () => {
        await page.locator('.react-flow__node[data-id="layer2_0"]').click()
        return showLayers.count()
      })
      .toBe(1)
    await showLayers.click()
    // conv1-3 with BN (and ReLU after the first two), the 1×1 projection with BN, add, ReLU: 12 layers,
    // listed in the inspector and drawn inside the block (those in view: the canvas culls the rest).
    await expect.poll(() => page.locator('.inspector .inner tr').count()).toBe(12)
    expect(await page.locator('[data-testid^="inner-layer2_0/"]').count()).toBeGreaterThan(4)
    await page.screenshot({ path: join(SCREENSHOTS, 'resnet50.png') })
    await openTemplateFromStart(page, 'LeNet-5')
    await page.screenshot({ path: join(SCREENSHOTS, 'lenet5.png') })
    expect(errors).toEqual([])
    await page.close()
  })
})

async function openTemplateFromStart(page: Page, title: string) {
  await page.getByRole('button', { name: '← Projects' }).click()
  await openTemplate(page, title)
}
