import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TorchFound } from '../../shared/api/training'
import { noTorch } from '../../../test/pytorch-test-kit'
import { findTorch } from './find-torch'

/**
 * The PyTorch this machine has (findTorch's real probe), or null after a warning so a test can
 * skip; CNN_STUDIO_REQUIRE_TORCH=1 (CI, which installs Debian's python3-torch) makes a missing
 * PyTorch a failure instead (test/pytorch-test-kit.ts's noTorch).
 */
export async function torchOrSkip(): Promise<TorchFound | null> {
  const report = await findTorch()
  return report.found ?? noTorch(report.reason ?? 'PyTorch was not found')
}

/**
 * A stand-in "python" for tests: a shell script that ignores its arguments, runs `shell` (lines of
 * sh), prints `stdout` (and `stderr`) and exits with `code`, after `sleepS` seconds (POSIX only).
 */
export function fakePython(
  dir: string,
  name: string,
  o: { shell?: string; stdout?: string; stderr?: string; code?: number; sleepS?: number },
) {
  const file = path.join(dir, name)
  const heredoc = (text: string, to = '') => `cat ${to}<<'TEXT'\n${text}\nTEXT\n`
  writeFileSync(
    file,
    `#!/bin/sh\n${o.shell ? `${o.shell}\n` : ''}${heredoc(o.stdout ?? '')}${o.stderr ? heredoc(o.stderr, '>&2 ') : ''}` +
      `${o.sleepS ? `sleep ${o.sleepS}\n` : ''}exit ${o.code ?? 0}\n`,
  )
  chmodSync(file, 0o755)
  return file
}

/** A PyTorch "found" at `python` (a stand-in made by fakePython, or a real python). */
export const fakeFound = (python = 'python3'): TorchFound => ({
  python,
  pythonVersion: '3',
  torch: '0.0-fake',
  threads: 1,
  cuda: [],
  mps: false,
  distributed: true,
})
