import { readdirSync } from 'node:fs'
import { BUILTIN_DATASETS } from '../../shared/api/training'
import { resolveDataDir } from '../data-dir'
import { DEBIAN_FASHION_MNIST, locate } from '../datasets/catalog'
import type { BackendAttempt } from '../../shared/api/training'
import { BACKENDS, failedAttempt, LOADERS } from '../tfjs/backends'
import { describeTorch, findTorch } from '../pytorch/find-torch'
import { adapterName } from '../../shared/training/gpu-adapter'
import { formatMemory } from '../../shared/training/memory-format'
import { EXIT, type CliCommand, type CliIo } from './io'
import { wrap } from './table'

const help = `Usage: cnn-studio doctor [--json]

Checks what this machine offers for training: every TF.js backend (native CUDA, WebGPU on any
vendor's GPU, native CPU, WebAssembly, JavaScript), whether it loads and why not, WebGPU's adapter
and its limits, the one training would use; the PyTorch engine (python3 with torch >= 1.13: its
version, threads and GPUs, or why not); and the datasets found locally.

  --json   one object: {"backends": [{"name", "ok", "device", "reason", "adapter"}], "chosen",
           "pytorch", "datasets"}; adapter: {"vendor", "architecture", "device", "description",
           "fallback", "maxBufferSize", "maxStorageBufferBindingSize"} where WebGPU found one;
           pytorch: {"found": {"python", "pythonVersion", "torch", "threads", "cuda": [{"name",
           "memoryBytes"}], "mps", "distributed"} or null, "reason", "tried": [{"python", "reason"}]}`

export const command: CliCommand = {
  help,
  options: { json: { type: 'boolean' } },
  positionals: 0,
  run: (v, _p, io) => doctor({ json: v.json === true }, io),
}

export async function doctor(opts: { json: boolean }, io: CliIo): Promise<number> {
  const backends: (BackendAttempt & { device?: string })[] = []
  for (const name of BACKENDS) {
    try {
      const { device, adapter } = await LOADERS[name]({ forced: false })
      backends.push({ name, ok: true, device, ...(adapter ? { adapter } : {}) })
    } catch (e) {
      backends.push(failedAttempt(name, e))
    }
  }
  const chosen = backends.find((b) => b.ok)?.name ?? null
  const pytorch = await findTorch()
  // The built-ins in the data folder (or, for Fashion-MNIST, Debian's copy).
  const dataDir = resolveDataDir()
  const datasets = BUILTIN_DATASETS.flatMap((name) => {
    const path = locate(name, dataDir)
    return path ? [{ name, path, files: readdirSync(path).sort() }] : []
  })
  if (opts.json) {
    io.out(JSON.stringify({ backends, chosen, pytorch, datasets }))
    return EXIT.ok
  }
  // Reasons run long (Dawn's words, install advice): wrapped under their backend, not one line each.
  const width = process.stdout.isTTY ? Math.max(72, process.stdout.columns) : 100
  const col = 20 // where a backend's device or reason starts
  const say = (first: string, text: string, indent = col) =>
    wrap(first, text, width, indent).forEach((l) => io.out(l))
  io.out('TF.js backends, fastest first:')
  for (const b of backends) {
    say(`  ${b.ok ? '✓' : '✗'} ${b.name}`.padEnd(col), (b.ok ? b.device : b.reason) ?? '')
    if (b.adapter) {
      const a = b.adapter
      say(' '.repeat(col), `adapter: ${adapterName(a)}`)
      say(
        ' '.repeat(col),
        `limits: maxBufferSize ${formatMemory(a.maxBufferSize)}, maxStorageBufferBindingSize ${formatMemory(a.maxStorageBufferBindingSize)}`,
      )
    }
  }
  io.out(chosen ? `Training would use: ${chosen}` : 'No backend loads: training is not possible here.')
  io.out('PyTorch engine (--engine pytorch):')
  const found = pytorch.found
  say(`  ${found ? '✓' : '✗'} pytorch`.padEnd(col), found ? describeTorch(found) : (pytorch.reason ?? ''))
  for (const g of found?.cuda ?? [])
    say(' '.repeat(col), `CUDA GPU: ${g.name}, ${formatMemory(g.memoryBytes)}`)
  if (found) for (const t of pytorch.tried) say(' '.repeat(col), `not used: ${t.reason}`)
  io.out('Datasets found:')
  if (datasets.length === 0)
    say(
      '  ',
      `none (download them from the training panel, or on Debian: apt-get install dataset-fashion-mnist puts Fashion-MNIST in ${DEBIAN_FASHION_MNIST})`,
      4,
    )
  for (const d of datasets) say('  ', `${d.name}: ${d.path} (${d.files.join(', ')})`, 4)
  return chosen ? EXIT.ok : EXIT.graphErrors
}
