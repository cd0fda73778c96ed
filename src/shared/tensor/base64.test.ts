import { describe, expect, it } from 'vitest'
import { base64ToBytes, base64ToFloat32, bytesToBase64, float32ToBase64 } from './base64'

describe('float32 base64', () => {
  it('writes little-endian float32 bytes', () => {
    // 1.5 = 0x3fc00000; 1 = 0x3f800000.
    expect(float32ToBase64(Float32Array.from([1.5, 1]))).toBe('AADAPwAAgD8=')
  })

  it('round-trips exactly, NaN and infinities included', () => {
    const values = Float32Array.from([0, -0, 1.5, -3.25e-8, 3.4e38, Infinity, -Infinity, NaN])
    expect(Array.from(base64ToFloat32(float32ToBase64(values)))).toEqual(Array.from(values))
  })

  it('round-trips arrays larger than one chunk', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7) % 256)
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes)
  })

  it('refuses bytes that are not whole floats', () => {
    expect(() => base64ToFloat32(bytesToBase64(new Uint8Array(6)))).toThrow(/multiple of 4/)
  })
})
