import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../db/test-kit'
import { freePort } from './run-folder'
import { torchOrSkip } from './test-kit'
import { TORCHRUN } from './torchrun-shim'

describe('the torch.distributed.run launcher', () => {
  it('starts two gloo processes that meet, where the plain launcher fails (PyTorch 1.13, Python 3.11)', async () => {
    const found = await torchOrSkip()
    if (!found) return
    const dir = tempDir('cnn-studio-torchrun-')
    const script = path.join(dir, 'ranks.py')
    writeFileSync(
      script,
      'import torch, torch.distributed as dist\ndist.init_process_group("gloo")\n' +
        't = torch.tensor([dist.get_rank() + 1.0]); dist.all_reduce(t)\n' +
        'print(f"rank {dist.get_rank()} of {dist.get_world_size()}: {t.item():g}", flush=True)\n',
    )
    const args = ['--nnodes', '1', '--nproc_per_node', '2', '--master_addr', '127.0.0.1']
    const r = spawnSync(
      found.python,
      ['-c', TORCHRUN, ...args, '--master_port', String(await freePort()), script],
      {
        encoding: 'utf8',
        timeout: 90_000,
      },
    )
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n').sort(), r.stdout + r.stderr).toEqual([
      'rank 0 of 2: 3',
      'rank 1 of 2: 3',
    ])
  }, 120_000)
})
