/**
 * Training speed on every TF.js backend that loads here, and on PyTorch in the same run: LeNet-5 on
 * the real Fashion-MNIST (batch 64) and the CIFAR ResNet-18 on random 32×32×3 data (batch 64, and
 * 128 in micro-batches of 32), Adam 1e-3, in samples per second and milliseconds per batch, with the
 * WebAssembly heap used; on one thread and on as many as training uses here (helper threads,
 * step.ts). Each backend runs in its own process (a fresh TF.js, no other backend's threads or GPU
 * buffers). When PyTorch imports (Debian's python3-torch), the same models, batch sizes and optimizer
 * run in PyTorch (bench/train_torch.py; CUDA when it has a GPU) and each row prints its ratio.
 *
 * Backends: those the ladder would load by itself (tfjs/backends.ts; not `cpu`, plain JavaScript,
 * minutes per ResNet batch), plus each `--backend NAME`, which is loaded as training loads a named
 * one: `--backend webgpu` takes a software adapter (SwiftShader) too, with a note that its numbers
 * are a CPU's.
 *
 * `--batches N` times N batches of every model (after one warm-up); `--models` picks them (a software
 * adapter runs only LeNet-5 unless named: ResNet-18 would take hours per batch there).
 *
 *   npm run bench:train [-- --backend webgpu] [-- --batches N] [-- --quick]
 *     [-- --models lenet5-mnist,resnet18-cifar]
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { BACKEND_NAMES, type GpuAdapterReport } from '../src/shared/api/training'
import { adapterName } from '../src/shared/training/gpu-adapter'
import { trainingThreads } from '../src/main/training/gradient-helpers'
import type { BackendName } from '../src/main/tfjs/backends'
import type { Result } from './train-one'

const { values } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    batches: { type: 'string' },
    quick: { type: 'boolean' },
    models: { type: 'string' },
  },
})
const named = (values.backend ?? []).flatMap((b) => b.split(',')) as BackendName[]
for (const b of named)
  if (!BACKEND_NAMES.includes(b)) throw new Error(`--backend ${b}: one of ${BACKEND_NAMES.join(', ')}`)
const passOn = [
  ...(values.batches ? ['--batches', values.batches] : []),
  ...(values.quick ? ['--quick'] : []),
  ...(values.models ? ['--models', values.models] : []),
]

/** What one backend's process reported: its device and results, or why it did not load. */
interface Measured {
  name: BackendName
  device?: string
  adapter?: GpuAdapterReport
  skipped?: string
  results: Result[]
}

/** Runs bench/train-one.ts for `name` in its own process, echoing each result as it comes. */
function measureIn(name: BackendName, forced: boolean): Promise<Measured> {
  const script = fileURLToPath(new URL('./train-one.ts', import.meta.url))
  // execArgv: tsx's loader, so the child runs TypeScript as this process does.
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, name, ...(forced ? ['--forced'] : []), ...passOn],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const measured: Measured = { name, results: [] }
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return void console.log(`  ${line}`)
    const m = JSON.parse(line) as Partial<Measured> & { result?: Result }
    if (m.result) {
      measured.results.push(m.result)
      console.log(`  ${line}`)
    } else {
      Object.assign(measured, m)
      console.log(m.device ? `  on ${m.device}` : `  skipped: ${m.skipped}`)
    }
  })
  return new Promise((resolve) =>
    child.once('close', (code) => {
      if (!measured.device && !measured.skipped) {
        measured.skipped = `its process exited with ${code}`
        console.log(`  skipped: ${measured.skipped}`)
      }
      resolve(measured)
    }),
  )
}

// In the ladder's order; plain JavaScript only when named.
const measured: Measured[] = []
for (const name of BACKEND_NAMES.filter((b) => b !== 'cpu' || named.includes(b))) {
  const forced = named.includes(name)
  console.log(`${name}${forced ? ' (named)' : ''}:`)
  measured.push(await measureIn(name, forced))
}

// PyTorch: the same models, batch sizes and optimizer, on as many threads as our fastest CPU path.
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0)
let torch: (Result & { device: string })[] = []
const torchThreads = trainingThreads('wasm')
if (python) {
  console.log(`PyTorch (${python}, ${torchThreads} threads):`)
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url))
  const r = spawnSync(python, [script, '--threads', String(torchThreads), ...passOn], { encoding: 'utf8' })
  if (r.status !== 0) console.log(`  failed: ${r.stderr.trim().split('\n').at(-1)}`)
  torch = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
  for (const t of torch) console.log(`  ${JSON.stringify(t)}`)
} else console.log('PyTorch is not installed (apt-get install python3-torch): no reference run.')

const cols: [string, number][] = [
  ['backend', 16],
  ['model', 16],
  ['batch', 6],
  ['threads', 8],
  ['ms/batch', 10],
  ['samples/s', 11],
  ['heap MB', 9],
  ['PyTorch s/s', 13],
  ['ratio', 8],
]
// Two decimals, or two significant digits below 0.1 (a software adapter's 0.0019×).
const ratio = (x: number) => (x >= 0.1 ? x.toFixed(2) : x.toPrecision(2))
const row = (cells: string[]) =>
  cells.map((c, i) => (i < 2 ? c.padEnd(cols[i][1]) : c.padStart(cols[i][1]))).join('')
console.log(`\n${row(cols.map(([c]) => c))}`)
for (const m of measured)
  for (const r of m.results) {
    const ref = torch.find((t) => r.model.startsWith(t.model) && t.batch === r.batch)
    console.log(
      row([
        m.name,
        r.model,
        String(r.batch),
        String(r.threads),
        r.msPerBatch.toFixed(1),
        r.samplesPerSecond.toFixed(1),
        r.heapMb === null ? '-' : r.heapMb.toFixed(0),
        ref ? ref.samplesPerSecond.toFixed(1) : '-',
        ref ? `${ratio(r.samplesPerSecond / ref.samplesPerSecond)}×` : '-',
      ]),
    )
  }
if (torch[0]) console.log(`ratio: samples/s over PyTorch's on ${torch[0].device}, ${torchThreads} threads`)
const unmeasured = measured.filter((m) => !m.results.length).map((m) => m.name)
if (unmeasured.length) console.log(`not measured (did not load, above): ${unmeasured.join(', ')}`)
const software = measured.find((m) => m.adapter?.fallback && m.results.length)
if (software)
  console.log(
    `Note: webgpu ran on a software adapter, ${adapterName(software.adapter!)}: a CPU emulating a GPU, ` +
      'so its numbers say nothing of a GPU’s speed (training never picks it by itself).',
  )
if (!named.includes('webgpu') && measured.some((m) => m.name === 'webgpu' && m.adapter?.fallback))
  console.log('(--backend webgpu measures the software adapter anyway)')
if (!existsSync('/usr/share/datasets/fashion-mnist'))
  console.log('(apt-get install dataset-fashion-mnist for the real data)')
