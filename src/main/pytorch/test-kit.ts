import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TorchFound } from '../../shared/api/training'
import { findTorch } from './find-torch'

/**
 * The PyTorch this machine has (findTorch's real probe), or null with a message so a test can
 * skip; CNN_STUDIO_REQUIRE_TORCH=1 (CI, which installs Debian's python3-torch) makes a missing
 * PyTorch a failure instead.
 */
export async function torchOrSkip(): Promise<TorchFound | null> {
  const report = await findTorch()
  if (report.found) return report.found
  if (process.env.CNN_STUDIO_REQUIRE_TORCH === '1')
    throw new Error(`PyTorch is required here (CNN_STUDIO_REQUIRE_TORCH=1): ${report.reason}`)
  console.warn(`PyTorch tests skipped: ${report.reason}`)
  return null
}

/**
 * A stand-in "python" for tests: a shell script that prints `stdout` and exits with `code`, after
 * `sleepS` seconds (POSIX only).
 */
export function fakePython(
  dir: string,
  name: string,
  o: { stdout?: string; code?: number; sleepS?: number },
) {
  const file = path.join(dir, name)
  writeFileSync(
    file,
    `#!/bin/sh\n${o.sleepS ? `sleep ${o.sleepS}\n` : ''}cat <<'JSON'\n${o.stdout ?? ''}\nJSON\nexit ${o.code ?? 0}\n`,
  )
  chmodSync(file, 0o755)
  return file
}
