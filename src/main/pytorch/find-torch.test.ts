import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { findTorch, findTorchPython, probeTorch, pythonCandidates, torchVersion } from './find-torch'
import { fakePython, torchOrSkip } from './test-kit'

describe('findTorch', () => {
  it('finds the PyTorch this machine has, with its version, threads and devices', async () => {
    const found = await torchOrSkip()
    if (!found) return
    expect(found.python).toMatch(/python/)
    expect(found.pythonVersion).toMatch(/^3\.\d+/)
    expect(torchVersion(found.torch)).not.toBeNull()
    expect(found.threads).toBeGreaterThanOrEqual(1)
    expect(Array.isArray(found.cuda)).toBe(true)
    expect(found.distributed).toBe(true)
    // Probed once per process.
    expect(await findTorch()).toBe(await findTorch())
    // The synchronous form finds the same.
    expect(findTorchPython()).toEqual({ python: found.python, torch: found.torch })
  })

  it('says no python was found, with how to install one, when CNN_STUDIO_PYTHON names none', async () => {
    const report = await findTorch({ env: { CNN_STUDIO_PYTHON: '/nonexistent/python3' } })
    expect(report.found).toBeNull()
    expect(report.tried).toEqual([
      { python: '/nonexistent/python3', reason: '/nonexistent/python3: not found' },
    ])
    expect(report.reason).toMatch(/^No python was found \(tried \/nonexistent\/python3\): install Python 3/)
    expect(report.reason).toContain('pip install torch')
    expect(report.reason).toContain('python3-torch')
    expect(findTorchPython({ CNN_STUDIO_PYTHON: '/nonexistent/python3' })).toBeNull()
  })

  it('says which python lacks torch, which has one too old, and goes on to the next', async () => {
    const dir = tempDir('cnn-studio-torch-')
    const none = fakePython(dir, 'no-torch', {
      stdout:
        '{"python": "/x/none", "version": "3.9.2", "error": "ModuleNotFoundError: No module named \'torch\'"}',
    })
    const old = fakePython(dir, 'old', {
      stdout: '{"python": "/x/old", "version": "3.8.0", "torch": "1.12.1"}',
    })
    const good = fakePython(dir, 'good', {
      stdout:
        'a warning on stdout\n{"python": "/x/good", "version": "3.11.2", "torch": "2.3.0+cu121", "threads": 16, "cuda": [{"name": "NVIDIA H100", "memoryBytes": 85899345920}], "mps": false, "distributed": true}',
    })
    const failing = await probeTorch([none, old])
    expect(failing.found).toBeNull()
    expect(failing.tried.map((t) => t.reason)).toEqual([
      `${none} (Python 3.9.2) has no PyTorch (ModuleNotFoundError: No module named 'torch')`,
      `${old} (Python 3.8.0) has PyTorch 1.12.1; the engine needs 1.13 or newer (pip install --upgrade torch)`,
    ])
    expect(failing.reason).toMatch(
      /^PyTorch cannot be used: .*To train with PyTorch, install PyTorch: pip install torch/,
    )
    const ok = await probeTorch([none, good])
    expect(ok.found).toEqual({
      python: '/x/good',
      pythonVersion: '3.11.2',
      torch: '2.3.0+cu121',
      threads: 16,
      cuda: [{ name: 'NVIDIA H100', memoryBytes: 85899345920 }],
      mps: false,
      distributed: true,
    })
    expect(ok.tried).toHaveLength(1)
  })

  it('gives up on a python that does not answer in time, and on one that is not python', async () => {
    const dir = tempDir('cnn-studio-torch-')
    const slow = fakePython(dir, 'slow', { sleepS: 5 })
    const broken = fakePython(dir, 'broken', { stdout: 'Segmentation fault', code: 139 })
    const r = await probeTorch([slow, broken], 300)
    expect(r.tried.map((t) => t.reason)).toEqual([
      `${slow} did not answer within 0.3 s`,
      expect.stringMatching(/is not a python 3 that runs here/),
    ])
  })

  it('looks for CNN_STUDIO_PYTHON alone when it is set, else python3 and Debian’s', () => {
    expect(pythonCandidates({ CNN_STUDIO_PYTHON: '/opt/py' }, 'linux')).toEqual(['/opt/py'])
    expect(pythonCandidates({}, 'linux')).toEqual(['python3', '/usr/bin/python3'])
    expect(pythonCandidates({}, 'win32')[0]).toBe('python')
    expect(torchVersion('1.13.0a0+git')).toEqual([1, 13])
    expect(torchVersion('nightly')).toBeNull()
  })
})
