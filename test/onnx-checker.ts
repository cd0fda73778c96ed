import { spawnSync } from 'node:child_process'

/**
 * The reference ONNX checker: `onnx.checker.check_model(full_check=True)` from Debian's python3-onnx
 * (which belongs to /usr/bin/python3, not to other interpreters on PATH). Where it is missing the
 * checks are skipped, unless CNN_STUDIO_REQUIRE_ONNX_CHECKER=1 (CI) makes that a failure.
 */
const PYTHONS = ['/usr/bin/python3', 'python3']

export function findOnnxChecker(): string | null {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' })
    if (r.status === 0) return python
  }
  if (process.env.CNN_STUDIO_REQUIRE_ONNX_CHECKER === '1')
    throw new Error(
      'python3-onnx is required here (CNN_STUDIO_REQUIRE_ONNX_CHECKER=1): apt-get install python3-onnx',
    )
  return null
}

const SCRIPT = `
import json, sys, onnx
out = {}
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        out[path] = None
    except Exception as e:
        out[path] = str(e)
print(json.dumps(out))
`

/** Each file's checker error, or null when it passes. */
export function checkOnnxFiles(python: string, paths: string[]): Record<string, string | null> {
  const r = spawnSync(python, ['-c', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (r.status !== 0) throw new Error(`The ONNX checker did not run: ${r.stderr}`)
  return JSON.parse(r.stdout) as Record<string, string | null>
}
