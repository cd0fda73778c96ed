import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { inferGraph } from '../../shared/graph/infer'
import { getTemplate, projectNameOf } from '../../shared/templates'
import { pngBytes } from '../datasets/test-kit'
import { tempDir } from '../db/test-kit'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname
const data = tempDir('cnn-studio-projects-cli-')
const folder = tempDir('cnn-studio-digits-')

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args, '--data', data], { encoding: 'utf8', timeout: 120_000 })

const lenet = getTemplate('lenet5-mnist')!

beforeAll(() => {
  // Ten classes of grey 28×28 images: what lenet5-mnist takes.
  for (let c = 0; c < 10; c++) {
    mkdirSync(path.join(folder, `digit${c}`))
    for (let i = 0; i < 2; i++)
      writeFileSync(
        path.join(folder, `digit${c}`, `${i}.png`),
        pngBytes(28, 28, (x, y) => {
          const v = (x * 9 + y * c + i * 40) % 256
          return [v, v, v, 255]
        }),
      )
  }
})

describe('cnn-studio projects, and a project made from a template', () => {
  it('says there are none yet', () => {
    const r = cli('projects')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^No projects yet: open the app, or train a template/)
    expect(JSON.parse(cli('projects', '--json').stdout)).toEqual([])
  })

  it('train <template> names the project by the template title, as the app does, and finds it again', () => {
    const train = () =>
      cli('train', 'lenet5-mnist', '--dataset', folder, '--epochs', '1', '--batch-size', '5', '--json')
    const r = train()
    expect(r.status, r.stderr).toBe(0)
    expect(projectNameOf(lenet)).toBe('LeNet-5 (MNIST)')
    // The app's gallery creates a project with the template document's name.
    expect(lenet.document.name).toBe(projectNameOf(lenet))

    const list = JSON.parse(cli('projects', '--json').stdout)
    const totals = inferGraph(lenet.document).totals
    expect(list).toEqual([
      {
        id: expect.any(String),
        name: 'LeNet-5 (MNIST)',
        latestVersion: { id: expect.any(Number), savedAt: expect.any(String) },
        versions: 1,
        runs: 1,
        lastOpenedAt: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        nodes: lenet.document.nodes.length,
        trainable: totals.trainable,
        macs: totals.macs,
      },
    ])

    // Its runs, by the template's name, by its title and by its id.
    for (const target of ['lenet5-mnist', 'LeNet-5 (MNIST)', list[0].id]) {
      const runs = cli('runs', target, '--json')
      expect(runs.status, runs.stderr).toBe(0)
      expect(JSON.parse(runs.stdout).map((r: { project: string }) => r.project)).toEqual(['LeNet-5 (MNIST)'])
    }

    const text = cli('projects').stdout.split('\n')
    expect(text[0]).toMatch(
      /^Project\s+Name\s+Latest version\s+Runs\s+Last opened\s+Nodes\s+Trainable\s+MACs$/,
    )
    expect(text[2]).toMatch(
      new RegExp(
        `^${list[0].id}\\s+LeNet-5 \\(MNIST\\)\\s+${list[0].latestVersion.id} \\(1 saved\\)\\s+1\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+`,
      ),
    )
    expect(text.at(-2)).toBe("A project's runs: cnn-studio runs <project id or name>.")
  }, 300_000)

  it('says what a project argument accepts when none matches', () => {
    const r = cli('runs', 'no-such-thing')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /No project 'no-such-thing' \(id, exact name, or the name of the template it was made from\)\. See 'cnn-studio projects'\./,
    )
  })
})
