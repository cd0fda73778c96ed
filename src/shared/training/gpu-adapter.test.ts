import { describe, expect, it } from 'vitest'
import type { GpuAdapterReport } from '../api/training'
import { adapterMaker, adapterName, adapterTitle } from './gpu-adapter'

const swiftShader: GpuAdapterReport = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero-',
  description: 'SwiftShader driver 5.0.0',
  fallback: true,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
}

describe('adapter names', () => {
  it("puts Dawn's description first, then maker and design, and says software", () => {
    expect(adapterName(swiftShader)).toBe('SwiftShader driver 5.0.0 (google swiftshader, software)')
    const gpu = { ...swiftShader, vendor: 'nvidia', architecture: '', description: '', fallback: false }
    expect(adapterTitle(gpu)).toBe('swiftshader-device-subzero-')
    expect(adapterMaker(gpu)).toBe('nvidia')
    expect(adapterName({ ...gpu, device: '' })).toBe('an unnamed adapter (nvidia)')
  })
})
