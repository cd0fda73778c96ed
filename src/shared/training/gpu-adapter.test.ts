import { describe, expect, it } from 'vitest'
import { adapterMaker, adapterName, adapterTitle } from './gpu-adapter'
import { SWIFTSHADER_ADAPTER as swiftShader } from './test-kit'

describe('adapter names', () => {
  it("puts Dawn's description first, then maker and design, and says software", () => {
    expect(adapterName(swiftShader)).toBe('SwiftShader driver 5.0.0 (google swiftshader, software)')
    const gpu = { ...swiftShader, vendor: 'nvidia', architecture: '', description: '', fallback: false }
    expect(adapterTitle(gpu)).toBe('swiftshader-device-subzero-')
    expect(adapterMaker(gpu)).toBe('nvidia')
    expect(adapterName({ ...gpu, device: '' })).toBe('an unnamed adapter (nvidia)')
  })
})
