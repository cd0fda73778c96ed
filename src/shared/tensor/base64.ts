/**
 * Float32 tensors across the transports (JSON): base64 of their little-endian bytes, a third the
 * size of a number array and exact. atob/btoa exist in browsers and in Node ≥ 16.
 */

const CHUNK = 0x8000

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(binary)
}

export function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Assumes a little-endian host, as every platform the app runs on is. */
export const float32ToBase64 = (values: Float32Array): string =>
  bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))

export function base64ToFloat32(b64: string): Float32Array {
  const bytes = base64ToBytes(b64)
  if (bytes.length % 4 !== 0)
    throw new Error(`A float32 tensor's bytes must be a multiple of 4; got ${bytes.length}.`)
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
}
