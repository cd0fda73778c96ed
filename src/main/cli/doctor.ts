import { readdirSync } from 'node:fs'
import { BUILTIN_DATASETS } from '../../shared/api/training'
import { resolveDataDir } from '../data-dir'
import { DEBIAN_FASHION_MNIST, locate } from '../datasets/catalog'
import type { BackendAttempt } from '../../shared/api/training'
import { BACKENDS, failedAttempt, LOADERS } from '../tfjs/backends'
import { adapterName } from '../tfjs/webgpu'
import { formatMemory } from '../tfjs/memory-format'
import { EXIT, type CliCommand, type CliIo } from './io'

const help = `Usage: cnn-studio doctor [--json]

Checks what this machine offers for training: every TF.js backend (native CUDA, WebGPU on any
vendor's GPU, native CPU, WebAssembly, JavaScript), whether it loads and why not, WebGPU's adapter
and its limits, the one training would use, and the datasets found locally.

  --json   one object: {"backends": [{"name", "ok", "device", "reason", "adapter"}], "chosen",
           "datasets"}; adapter: {"vendor", "architecture", "device", "description", "fallback",
           "maxBufferSize", "maxStorageBufferBindingSize"} where WebGPU found one`

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
  // The built-ins in the data folder (or, for Fashion-MNIST, Debian's copy).
  const dataDir = resolveDataDir()
  const datasets = BUILTIN_DATASETS.flatMap((name) => {
    const path = locate(name, dataDir)
    return path ? [{ name, path, files: readdirSync(path).sort() }] : []
  })
  if (opts.json) {
    io.out(JSON.stringify({ backends, chosen, datasets }))
    return EXIT.ok
  }
  io.out('TF.js backends, fastest first:')
  for (const b of backends) {
    io.out(`  ${b.ok ? '✓' : '✗'} ${b.name.padEnd(15)} ${b.ok ? b.device : b.reason}`)
    if (b.adapter)
      io.out(
        `${' '.repeat(20)}adapter: ${adapterName(b.adapter)}; maxBufferSize ${formatMemory(b.adapter.maxBufferSize)}, maxStorageBufferBindingSize ${formatMemory(b.adapter.maxStorageBufferBindingSize)}`,
      )
  }
  io.out(chosen ? `Training would use: ${chosen}` : 'No backend loads: training is not possible here.')
  io.out('Datasets found:')
  if (datasets.length === 0)
    io.out(
      `  none (download them from the training panel, or on Debian: apt-get install dataset-fashion-mnist puts Fashion-MNIST in ${DEBIAN_FASHION_MNIST})`,
    )
  for (const d of datasets) io.out(`  ${d.name}: ${d.path} (${d.files.join(', ')})`)
  return chosen ? EXIT.ok : EXIT.graphErrors
}
