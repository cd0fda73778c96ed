import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inferGraph } from '../../shared/graph/infer'
import { chain } from '../../shared/graph/test-kit'
import { getTemplate } from '../../shared/templates'
import { createServices } from '../services'
import { wideLenetProject } from '../services/test-kit'

const BIN = new URL('../../../bin/cnn-studio.js', import.meta.url).pathname

/** Runs the real command line in a child process, as a user would. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-cli-'))
function file(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

describe('cnn-studio inspect', () => {
  it('prints one JSON object agreeing with inferGraph for a template', () => {
    const r = cli('inspect', 'resnet18', '--json')
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout)
    const a = inferGraph(getTemplate('resnet18')!.document)
    expect(out.totals).toEqual(a.totals)
    expect(out.totals.trainable).toBe(11_689_512)
    expect(out.errors).toEqual([])
    expect(out.nodes).toHaveLength(a.order.length)
    expect(out.nodes[0]).toEqual({
      id: 'input',
      name: 'input',
      kind: 'Input',
      outputShape: [null, 224, 224, 3],
      params: { trainable: 0, nonTrainable: 0 },
      macs: 0,
      error: null,
      warning: null,
    })
    expect(out.warnings).toEqual([])
    expect(Object.keys(out.nodes[1]).sort()).toEqual([
      'error',
      'id',
      'kind',
      'macs',
      'name',
      'outputShape',
      'params',
      'warning',
    ])
  })

  it('shows the layers inside blocks with --expand', () => {
    const out = JSON.parse(cli('inspect', 'resnet18', '--json', '--expand').stdout)
    const ids = out.nodes.map((n: { id: string }) => n.id)
    const at = ids.indexOf('layer2_0')
    expect(ids.slice(at + 1, at + 3)).toEqual(['layer2_0/conv1', 'layer2_0/conv1_bn'])
    expect(ids).toContain('layer2_0/proj')
    expect(out.nodes.find((n: { id: string }) => n.id === 'layer2_0/proj').outputShape).toEqual([
      null,
      28,
      28,
      128,
    ])
    const text = cli('inspect', 'resnet18', '--expand').stdout
    expect(text).toMatch(/└ conv1 \(Conv2D\)\s+\(None, 28, 28, 128\)\s+73,728/)
  })

  it('prints a Keras-style table with totals', () => {
    const r = cli('inspect', 'lenet5')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/c5 \(Conv2D\)\s+\(None, 1, 1, 120\)\s+48,120\s+48,000/)
    expect(r.stdout).toMatch(/Trainable params:\s+61,706/)
    expect(r.stdout).toMatch(/Non-trainable params:\s+0/)
    expect(r.stdout).toMatch(/MACs:\s+416,520/)
    expect(r.stdout).toMatch(/Activation memory:\s+36,992 bytes/)
  })

  it('exits 1 and prints every error with its node for a graph with errors', () => {
    const doc = chain([
      ['in', 'Input', { height: 8, width: 8, channels: 1 }],
      ['conv', 'Conv2D', { filters: 4 }],
      ['fc', 'Dense', { units: 10 }],
      ['out', 'Output', { classes: 10 }],
    ])
    const path = file('bad.json', doc)
    const r = cli('inspect', path)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(
      /1 error\(s\):\n {2}fc: Dense needs a flat vector but its input is the 3-D map 6×6×4\./,
    )
    expect(r.stdout).toMatch(/fc \(Dense\)\s+error: Dense needs a flat vector/)
    expect(r.stdout).toMatch(/out \(Output\)\s+unknown \(an input has an error\)/)
    expect(r.stdout).toMatch(/Trainable params:\s+40\n/)
    const json = JSON.parse(cli('inspect', path, '--json').stdout)
    expect(json.errors).toEqual([
      { nodeId: 'fc', message: expect.stringMatching(/^Dense needs a flat vector/) },
    ])
    expect(json.nodes.find((n: { id: string }) => n.id === 'out').outputShape).toBeNull()
  })

  it('warns of a tensor beyond 2^31 elements on its row and at the end, and still exits 0', () => {
    const path = file(
      'huge.json',
      chain([
        ['in', 'Input', { height: 28, width: 28, channels: 1 }],
        ['conv', 'Conv2D', { filters: 1e9, kernelSize: 3 }],
        ['gap', 'GlobalAvgPool2D'],
        ['fc', 'Dense', { units: 10 }],
        ['out', 'Output', { classes: 10 }],
      ]),
    )
    const r = cli('inspect', path)
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(
      /conv \(Conv2D\)\s+\(None, 26, 26, 1000000000\)\s+10,000,000,000\s+[\d,]+\s+warning\n/,
    )
    expect(r.stderr).toMatch(
      /2 warning\(s\):\n {2}conv: Its output holds 676 G elements for one image \(26×26×1000000000\), more than 2\^31/,
    )
    const json = JSON.parse(cli('inspect', path, '--json').stdout)
    expect(json.errors).toEqual([])
    expect(json.warnings).toEqual([
      { nodeId: 'conv', message: expect.stringMatching(/^Its output holds 676 G/) },
      { nodeId: 'fc', message: expect.stringMatching(/^Its weights hold 10.0 G parameters/) },
    ])
    expect(json.nodes.find((n: { id: string }) => n.id === 'conv').warning).toBe(json.warnings[0].message)
  })

  it('reports problems of the document itself, and reads a graph file of any name', () => {
    const doc = chain([
      ['in', 'Input', { height: 4, width: 4, channels: 1 }],
      ['flat', 'Flatten', {}],
      ['fc', 'Dense', { units: 2 }],
    ])
    doc.nodes.push({ ...doc.nodes[2] })
    const path = file('dup.graph', doc)
    const r = cli('inspect', path)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/1 error\(s\):\n {2}graph: Two nodes have the id 'fc'/)
    expect(r.stdout).toMatch(/fc \(Dense\)\s+\(None, 2\)\s+34\s+32/)
    const json = JSON.parse(cli('inspect', path, '--json').stdout)
    expect(json.errors).toEqual([
      { nodeId: null, message: expect.stringMatching(/Two nodes have the id 'fc'/) },
    ])
    expect(json.totals).toEqual(inferGraph(doc).totals)
  })

  it('exits 2 with a clear message for unreadable input', () => {
    const notJson = cli('inspect', file('broken.json', '{"format": '))
    expect(notJson.status).toBe(2)
    expect(notJson.stderr).toMatch(/broken\.json: The file is not valid JSON/)
    const notGraph = cli('inspect', file('other.json', { format: 'onnx' }))
    expect(notGraph.stderr).toMatch(/Not a CNN Studio graph/)
    const missing = cli('inspect', join(dir, 'missing.json'))
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/No such file: .*missing\.json/)
    const unknown = cli('inspect', 'resnet19')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/'resnet19' is neither a template nor a \.json file\. Templates: lenet5, /)
  })

  it('exits 2 naming where a graph file nests too deeply (20,000 levels)', () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`
    const text = `{"format":"cnn-studio/graph","version":1,"edges":[],"nodes":[{"id":"x","kind":"Dense","params":{"units":2,"deep":${deep}}}]}`
    const r = cli('inspect', file('deep.json', text))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(
      /deep\.json: Invalid graph document: nodes\[0\]\.params\.deep\.a\.a…: nested more than 400 levels deep/,
    )
  })
})

describe('cnn-studio', () => {
  it('lists templates as JSON', () => {
    const r = cli('templates', '--json')
    expect(r.status).toBe(0)
    const list = JSON.parse(r.stdout)
    expect(list).toHaveLength(12)
    expect(list.find((t: { name: string }) => t.name === 'vgg16')).toEqual({
      name: 'vgg16',
      title: 'VGG-16',
      trainable: 138_357_544,
      macs: 15_470_264_320,
    })
  })

  it('rejects unknown commands, options and missing arguments with status 2', () => {
    expect(cli('fly').stderr).toMatch(
      /unknown command 'fly'\. Commands: activations, datasets, doctor, evaluate, export, inspect, predict, projects, runs, serve, train, templates/,
    )
    expect(cli('fly').status).toBe(2)
    expect(cli('inspect', 'lenet5', '--jsno').status).toBe(2)
    expect(cli('inspect').stderr).toMatch(/'inspect' takes 1 argument, got 0/)
    expect(cli('inspect', 'a', 'b').stderr).toMatch(/'inspect' takes 1 argument, got 2/)
    expect(cli('templates', 'x').status).toBe(2)
    expect(cli().status).toBe(2)
    const help = cli('--help')
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/inspect <template \| file\.json>/)
    expect(cli('inspect', '--help').stdout).toMatch(/--expand/)
  })

  it('ends quietly when its output pipe closes', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" inspect googlenet --expand | head -1`], {
      encoding: 'utf8',
    })
    expect(r.stdout).toBe('Model: GoogLeNet\n')
    expect(r.stderr).not.toMatch(/EPIPE/)
  })
})

describe('cnn-studio train', () => {
  it('refuses a run that cannot fit the backend with the numbers, exit status 1, and creates no run', async () => {
    const data = mkdtempSync(join(tmpdir(), 'cnn-studio-train-'))
    const services = createServices({ dataDir: data })
    const projectId = await wideLenetProject(services)
    await services.close()
    const r = cli(
      'train',
      'wide',
      '--dataset',
      'fashion-mnist',
      '--batch-size',
      '4096',
      '--backend',
      'wasm',
      '--data',
      data,
    )
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(
      /^cnn-studio train: Training needs ≈ [\d.]+ GiB at batch 4096: .* the wasm backend has 3.98 GiB .* The largest batch that fits is \d+: set the batch size to \d+ or less/m,
    )
    const after = createServices({ dataDir: data })
    expect(await after['runs.list']({ id: projectId })).toEqual([])
    await after.close()
  })
})
