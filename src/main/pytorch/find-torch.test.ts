import { describe, expect, it } from 'vitest'
import { findTorchPython, torchCandidates } from './find-torch'

describe('finding a python with torch', () => {
  it("tries the user's python alone when set, else python3 on PATH, then the system's", () => {
    expect(torchCandidates({ CNN_STUDIO_PYTHON: '/opt/venv/bin/python' })).toEqual(['/opt/venv/bin/python'])
    expect(torchCandidates({})).toEqual(['python3', '/usr/bin/python3'])
  })

  it('finds none when the chosen python is missing, and reports the version of one that works', () => {
    expect(findTorchPython({ CNN_STUDIO_PYTHON: '/nonexistent/python' })).toBeNull()
    const found = findTorchPython({})
    if (found) expect(found.torch).toMatch(/^\d+\.\d+/)
  })
})
