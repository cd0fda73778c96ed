import { execFile, spawnSync } from 'node:child_process'
import type { TorchFound, TorchReport } from '../../shared/api/training'

/** The environment variable naming the python to use; when set, it is the only one tried. */
export const PYTHON_ENV = 'CNN_STUDIO_PYTHON'
/** The oldest PyTorch the engine's train.py is written for (Debian 12's python3-torch). */
export const MIN_TORCH: readonly [number, number] = [1, 13]
/** Importing torch from a cold disk cache takes seconds; CUDA's first query a few more. */
export const PROBE_TIMEOUT_MS = 60_000
export const INSTALL_HINT =
  "install PyTorch: pip install torch, or Debian's python3-torch (apt-get install python3-torch); " +
  `${PYTHON_ENV}=/path/to/python chooses the python to use`

/**
 * Run by each candidate: one JSON line on stdout, whatever torch prints elsewhere. CUDA and MPS are
 * asked in their own try, so a broken driver reports PyTorch without GPUs rather than no PyTorch.
 */
const PROBE = `
import json, sys
out = {"python": sys.executable, "version": sys.version.split()[0]}
try:
    import torch
except BaseException as e:
    out["error"] = type(e).__name__ + ": " + str(e)
else:
    out["torch"] = torch.__version__
    out["threads"] = torch.get_num_threads()
    out["cuda"] = []
    try:
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                p = torch.cuda.get_device_properties(i)
                out["cuda"].append({"name": p.name, "memoryBytes": p.total_memory})
    except Exception as e:
        out["cudaError"] = str(e)
    try:
        mps = getattr(torch.backends, "mps", None)
        out["mps"] = bool(mps is not None and mps.is_available())
    except Exception:
        out["mps"] = False
    try:
        import importlib.util
        out["distributed"] = bool(torch.distributed.is_available() and importlib.util.find_spec("torch.distributed.run"))
    except Exception:
        out["distributed"] = False
print(json.dumps(out))
`

interface ProbeAnswer {
  python?: string
  version?: string
  error?: string
  torch?: string
  threads?: number
  cuda?: { name: string; memoryBytes: number }[]
  mps?: boolean
  distributed?: boolean
}

/** Where python is looked for: `$CNN_STUDIO_PYTHON` alone when set, else python3 (python on Windows) and Debian's. */
export function pythonCandidates(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
): string[] {
  if (env[PYTHON_ENV]) return [env[PYTHON_ENV]]
  return platform === 'win32' ? ['python', 'python3', 'py'] : ['python3', '/usr/bin/python3']
}

/** `1.13.0a0+git…` → [1, 13]; null when it is not a version. */
export function torchVersion(v: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(v)
  return m ? [Number(m[1]), Number(m[2])] : null
}

const tooOld = (v: string) => {
  const n = torchVersion(v)
  return !n || n[0] < MIN_TORCH[0] || (n[0] === MIN_TORCH[0] && n[1] < MIN_TORCH[1])
}

type Probed = { found: TorchFound } | { reason: string; python: string }

/** What a candidate's run of PROBE says: PyTorch found there, or why not (a fragment naming the python). */
function probed(
  python: string,
  timeoutMs: number,
  run: {
    error: (Error & { code?: string | number | null; killed?: boolean }) | null
    stdout: string
    stderr: string
  },
): Probed {
  const not = (reason: string) => ({ python, reason })
  const err = run.error
  if (err?.code === 'ENOENT') return not(`${python}: not found`)
  if (err?.code === 'EACCES') return not(`${python}: not executable`)
  if (err?.killed || err?.code === 'ETIMEDOUT')
    return not(`${python} did not answer within ${timeoutMs / 1000} s`)
  const line = run.stdout.trim().split('\n').at(-1) ?? ''
  let a: ProbeAnswer
  try {
    a = JSON.parse(line) as ProbeAnswer
  } catch {
    const said = (run.stderr.trim().split('\n').at(-1) ?? '') || err?.message || 'no answer'
    return not(`${python} is not a python 3 that runs here (${said})`)
  }
  const name = `${python} (Python ${a.version})`
  if (a.error) return not(`${name} has no PyTorch (${a.error})`)
  if (!a.torch) return not(`${name} did not report torch's version`)
  if (tooOld(a.torch))
    return not(
      `${name} has PyTorch ${a.torch}; the engine needs ${MIN_TORCH.join('.')} or newer (pip install --upgrade torch)`,
    )
  return {
    found: {
      python: a.python || python,
      pythonVersion: a.version ?? '',
      torch: a.torch,
      threads: a.threads ?? 1,
      cuda: a.cuda ?? [],
      mps: a.mps === true,
      distributed: a.distributed === true,
    },
  }
}

const PROBE_OPTIONS = { windowsHide: true, maxBuffer: 1 << 20, encoding: 'utf8' } as const

/** One candidate: PyTorch found there, or why not (a sentence fragment naming the python). */
export function probePython(python: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Probed> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE], { ...PROBE_OPTIONS, timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve(probed(python, timeoutMs, { error, stdout, stderr })),
    )
  })
}

/** Tries each candidate in order and takes the first whose `import torch` works. */
export async function probeTorch(candidates: string[], timeoutMs = PROBE_TIMEOUT_MS): Promise<TorchReport> {
  const tried: TorchReport['tried'] = []
  for (const python of candidates) {
    const r = await probePython(python, timeoutMs)
    if ('found' in r) return { found: r.found, reason: null, tried }
    tried.push(r)
  }
  const ran = tried.filter((t) => !t.reason.endsWith(': not found'))
  const reason =
    ran.length === 0
      ? `No python was found (tried ${candidates.join(', ')}): install Python 3, then ${INSTALL_HINT}.`
      : `PyTorch cannot be used: ${tried.map((t) => t.reason).join('; ')}. To train with PyTorch, ${INSTALL_HINT}.`
  return { found: null, reason, tried }
}

const cache = new Map<string, Promise<TorchReport>>()

/**
 * The PyTorch engine's python: the first candidate ({@link pythonCandidates}) whose `import torch`
 * works with torch ≥ 1.13, probed in a child process with a timeout, once per process (per list of
 * candidates: a test may name another python).
 */
export function findTorch(
  options: { env?: Record<string, string | undefined>; platform?: NodeJS.Platform; timeoutMs?: number } = {},
): Promise<TorchReport> {
  const candidates = pythonCandidates(options.env, options.platform)
  const key = JSON.stringify(candidates)
  let report = cache.get(key)
  if (!report) {
    report = probeTorch(candidates, options.timeoutMs)
    cache.set(key, report)
  }
  return report
}

const syncCache = new Map<string, TorchPython | null>()

export interface TorchPython {
  /** The interpreter (its `sys.executable`). */
  python: string
  /** `torch.__version__`, e.g. `1.13.0a0` or `2.3.0+cu121`. */
  torch: string
}

/**
 * {@link findTorch} for callers that cannot wait (tests deciding whether to skip, the export's
 * check in PyTorch): the same candidates and probe, run synchronously, once per process per list.
 */
export function findTorchPython(env: Record<string, string | undefined> = process.env): TorchPython | null {
  const candidates = pythonCandidates(env)
  const key = JSON.stringify(candidates)
  if (!syncCache.has(key)) {
    let found: TorchPython | null = null
    for (const python of candidates) {
      const r = spawnSync(python, ['-c', PROBE], { ...PROBE_OPTIONS, timeout: PROBE_TIMEOUT_MS })
      const p = probed(python, PROBE_TIMEOUT_MS, {
        error: r.error ?? null,
        stdout: r.stdout ?? '',
        stderr: r.stderr ?? '',
      })
      if ('found' in p) {
        found = { python: p.found.python, torch: p.found.torch }
        break
      }
    }
    syncCache.set(key, found)
  }
  return syncCache.get(key)!
}

/**
 * How the report reads in one line: `PyTorch 1.13.0 (Python 3.11.2, /usr/bin/python3): CPU only`,
 * `…: CUDA (NVIDIA H100 80GB HBM3), CPU`. (Threads are not shown: a run uses one per core, its own
 * `--threads`, whatever torch's default is.)
 */
export function describeTorch(found: TorchFound): string {
  const gpus = found.cuda.length
    ? `CUDA (${found.cuda.map((g) => g.name).join(', ')}), CPU`
    : found.mps
      ? 'MPS (Apple GPU), CPU'
      : 'CPU only'
  return `PyTorch ${found.torch} (Python ${found.pythonVersion}, ${found.python}): ${gpus}`
}
