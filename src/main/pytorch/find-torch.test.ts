import { describe, expect, it } from 'vitest'
import { findTorchPython, torchCandidates } from './find-torch'

describe('finding a python with torch', () => {
  it("tries the user's python first, then python3 on PATH, then the system's", () => {
    expect(torchCandidates({ CNN_STUDIO_PYTHON: '/opt/venv/bin/python' })).toEqual([
      '/opt/venv/bin/python',
      'python3',
      '/usr/bin/python3',
    ])
    expect(torchCandidates({})).toEqual(['python3', '/usr/bin/python3'])
  })

  it('skips interpreters that are missing or lack torch', () => {
    const found = findTorchPython({ CNN_STUDIO_PYTHON: '/nonexistent/python' })
    if (found) expect(found.python).not.toBe('/nonexistent/python')
    if (found) expect(found.torch).toMatch(/^\d+\.\d+/)
  })
})
