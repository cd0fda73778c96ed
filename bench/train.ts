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
 * The PyTorch engine (`--engine pytorch`), when PyTorch imports: the same models and batch sizes
 * trained through the training service (bench/train-engine.ts), its steady speed next to plain
 * PyTorch's (bench/train_torch.py on the same number of threads, right after: the hand-written
 * network, and the engine's own model.py in the same loop with train.py's allocator setting), so
 * the second ratio is what the engine adds per batch (feeding, JSON lines, control file); the
 * epoch's number with a checkpoint's conversion and the start-up (dataset, initial weights,
 * python, data) apart.
 * `--engine tfjs` or `--engine pytorch` measures only that engine; `--repeat N` runs the engine
 * comparison N times and keeps the best of each number (a shared machine).
 *
 *   npm run bench:train [-- --backend webgpu] [-- --batches N] [-- --quick]
 *     [-- --models lenet5-mnist,resnet18-cifar] [-- --engine tfjs|pytorch] [-- --repeat N]
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { BACKEND_NAMES, type GpuAdapterReport } from '../src/shared/api/training'
import { adapterName } from '../src/shared/training/gpu-adapter'
import { trainingThreads } from '../src/main/training/gradient-helpers'
import type { BackendName } from '../src/main/tfjs/backends'
import { findTorchPython } from '../src/main/pytorch/find-torch'
import { torchThreads as engineThreadsFor } from '../src/main/pytorch/torch-engine'
import { measureEngine, type EngineCase, type EngineResult } from './train-engine'
import type { Result } from './train-one'

const { values } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    batches: { type: 'string' },
    quick: { type: 'boolean' },
    models: { type: 'string' },
    engine: { type: 'string', multiple: true },
    repeat: { type: 'string' },
  },
})
const repeat = Math.max(1, Number(values.repeat ?? 1))
const engines = values.engine ?? ['tfjs', 'pytorch']
for (const e of engines)
  if (e !== 'tfjs' && e !== 'pytorch') throw new Error(`--engine ${e}: tfjs or pytorch`)
const modelsWanted = values.models?.split(',') ?? ['lenet5-mnist', 'resnet18-cifar']
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
for (const name of BACKEND_NAMES.filter(
  (b) => engines.includes('tfjs') && (b !== 'cpu' || named.includes(b)),
)) {
  const forced = named.includes(name)
  console.log(`${name}${forced ? ' (named)' : ''}:`)
  measured.push(await measureIn(name, forced))
}

// PyTorch: the same models, batch sizes and optimizer, on as many threads as our fastest CPU path.
const python = findTorchPython()?.python
type TorchResult = Result & { device: string; generated: boolean }
let torch: TorchResult[] = []
const torchThreads = trainingThreads('wasm')

/** bench/train_torch.py's lines (plain PyTorch), echoed. */
function plainTorch(threads: number, extra: string[] = []): TorchResult[] {
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url))
  const r = spawnSync(python!, [script, '--threads', String(threads), ...passOn, ...extra], {
    encoding: 'utf8',
  })
  if (r.status !== 0) console.log(`  failed: ${r.stderr.trim().split('\n').at(-1)}`)
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as TorchResult)
  for (const t of lines) console.log(`  ${JSON.stringify(t)}`)
  return lines
}
if (python && engines.includes('tfjs')) {
  console.log(`PyTorch (${python}, ${torchThreads} threads):`)
  torch = plainTorch(torchThreads)
} else if (!python) console.log('PyTorch is not installed (apt-get install python3-torch): no reference run.')

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
if (measured.some((m) => m.results.length)) console.log(`\n${row(cols.map(([c]) => c))}`)
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

// The PyTorch engine against plain PyTorch on the same threads, run here in turn (`--repeat N`
// times: the machine may be shared, so each number is the best of its runs, the best being the cost).
if (python && engines.includes('pytorch')) {
  const quick = values.quick || values.batches
  const cases: EngineCase[] = [
    ...(modelsWanted.includes('lenet5-mnist')
      ? [{ model: 'lenet5-mnist' as const, batch: 64, images: 64 * (quick ? 50 : 200) }]
      : []),
    ...(modelsWanted.includes('resnet18-cifar')
      ? [
          { model: 'resnet18-cifar' as const, batch: 64, images: 64 * (quick ? 3 : 5) },
          { model: 'resnet18-cifar' as const, batch: 128, images: 128 * (quick ? 3 : 5) },
        ]
      : []),
  ]
  const threads = engineThreadsFor(1)
  const keep = mkdtempSync(path.join(tmpdir(), 'cnn-studio-bench-model-py-'))
  const runs: { engine: EngineResult[]; hand: TorchResult[]; own: TorchResult[] }[] = []
  for (let k = 1; k <= repeat; k++) {
    console.log(`\nPyTorch engine (--engine pytorch, ${threads} threads), run ${k} of ${repeat}:`)
    const engine = await measureEngine(cases, keep)
    console.log(`plain PyTorch (${threads} threads): its hand-written networks, then the engine's model.py:`)
    const hand = plainTorch(threads, ['--windows', '5'])
    const modelPys = engine.flatMap((r) => ['--model-py', `${r.model}:${r.batch}=${r.modelPy}`])
    runs.push({
      engine,
      hand,
      own: plainTorch(threads, [...modelPys, '--keep-freed-memory', '--windows', '5']),
    })
  }
  rmSync(keep, { recursive: true, force: true })
  const ecols: [string, number][] = [
    ['model', 16],
    ['batch', 6],
    ['start s', 9],
    ['epoch s/s', 11],
    ['engine s/s', 12],
    ['PyTorch s/s', 13],
    ['ratio', 8],
    ['model.py s/s', 14],
    ['ratio', 8],
  ]
  const erow = (cells: string[]) =>
    cells.map((c, i) => (i < 1 ? c.padEnd(ecols[i][1]) : c.padStart(ecols[i][1]))).join('')
  console.log(`\n${erow(ecols.map(([c]) => c))}`)
  const max = (xs: (number | undefined)[]) => Math.max(...xs.filter((x): x is number => x !== undefined))
  const speedOf = (list: TorchResult[], c: EngineCase) =>
    list.find((t) => c.model.startsWith(t.model) && t.batch === c.batch)?.samplesPerSecond
  cases.forEach((c, i) => {
    const steady = max(runs.map((r) => r.engine[i].samplesPerSecond))
    const [hand, own] = [max(runs.map((r) => speedOf(r.hand, c))), max(runs.map((r) => speedOf(r.own, c)))]
    console.log(
      erow([
        c.model,
        String(c.batch),
        Math.min(...runs.map((r) => r.engine[i].startupSeconds)).toFixed(1),
        max(runs.map((r) => r.engine[i].epochSamplesPerSecond)).toFixed(1),
        steady.toFixed(1),
        hand.toFixed(1),
        `${ratio(steady / hand)}×`,
        own.toFixed(1),
        `${ratio(steady / own)}×`,
      ]),
    )
  })
  console.log(
    `engine: ${runs[0]?.engine[0]?.device}, best of ${repeat}. engine s/s: steady, the best stretch between two batch lines ` +
      "of epoch 1, on python's clock (plain PyTorch: the best of 5 windows); epoch s/s: train.py's for epoch 2 (epoch 1's checkpoint converted by the app meanwhile); start s: to the " +
      'first batch line. Ratios: engine s/s over plain PyTorch (bench/train_torch.py): its hand-written network; the ' +
      "engine's model.py with train.py's allocator setting (what the engine adds, alone)",
  )
}
