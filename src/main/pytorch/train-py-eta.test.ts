import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createEtaEstimator } from '../../shared/training/eta'
import { pythonFile } from './python-files'

const python = spawnSync('python3', ['--version']).status === 0

/**
 * train.py's EtaEstimator is eta.ts's algorithm again: both engines' batch events must say the same
 * time left for the same batch times. The class is pure Python, so it runs without torch.
 */
describe.skipIf(!python)('train.py EtaEstimator', () => {
  it('gives eta.ts’s estimates batch by batch (warm-up, estimating, window)', () => {
    const source = readFileSync(pythonFile('train.py'), 'utf8')
    const cls = /^class EtaEstimator:\n(?:(?: {4}.*)?\n)+/m.exec(source)?.[0]
    expect(cls, 'train.py defines class EtaEstimator').toBeTruthy()
    // Slow warm-up, a steady speed, then a slower one that the window must follow.
    const batches: [number, number][] = [
      [64, 4],
      [64, 0.5],
      ...Array.from({ length: 40 }, (): [number, number] => [64, 0.05]),
      ...Array.from({ length: 300 }, (_, i): [number, number] => [i % 2 ? 32 : 64, 0.09]),
    ]
    const script = `import json\n${cls}\ne = EtaEstimator()\nout = []\nfor n, s in json.loads(input()):\n    e.record(n, s)\n    out.append(e.eta(1000))\nprint(json.dumps(out))\n`
    const run = spawnSync('python3', ['-c', script], {
      input: JSON.stringify(batches) + '\n',
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    const fromPython = JSON.parse(run.stdout) as (number | null)[]
    const e = createEtaEstimator()
    const fromTs = batches.map(([n, s]) => (e.record(n, s), e.eta(1000)))
    expect(fromPython.map((v) => v === null)).toEqual(fromTs.map((v) => v === null))
    fromPython.forEach((v, i) => v !== null && expect(v).toBeCloseTo(fromTs[i]!, 9))
    expect(fromTs.filter((v) => v === null).length).toBeGreaterThan(2)
  })
})
