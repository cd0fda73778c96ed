import { base64ToBytes, bytesToBase64 } from '../../../shared/tensor/base64'

/**
 * A sample's HWC bytes (1 channel grey, 3 or more RGB) as RGBA for an ImageData. The same rule as
 * the training panel's dataset samples (training/pixels.ts), which this folder may not import
 * (training/ imports the insight store).
 */
export function sampleRgba(
  b64: string,
  image: { height: number; width: number; channels: number },
): Uint8ClampedArray {
  const pixels = base64ToBytes(b64)
  const { height: h, width: w, channels: c } = image
  const out = new Uint8ClampedArray(h * w * 4)
  for (let i = 0; i < h * w; i++) {
    const grey = c < 3
    out[i * 4] = pixels[i * c] ?? 0
    out[i * 4 + 1] = pixels[i * c + (grey ? 0 : 1)] ?? 0
    out[i * 4 + 2] = pixels[i * c + (grey ? 0 : 2)] ?? 0
    out[i * 4 + 3] = 255
  }
  return out
}

/** A PNG or JPEG file as the contract's ImageFile (name + base64), or an error saying what to open instead. */
export async function readImageFile(file: File): Promise<{ name: string; data: string } | { error: string }> {
  if (!/^image\/(png|jpeg)$/.test(file.type) && !/\.(png|jpe?g)$/i.test(file.name))
    return {
      error: `${file.name} is not a PNG or JPEG image (${file.type || 'unknown type'}): open a .png or .jpg file.`,
    }
  if (file.size > 20 * 1024 * 1024)
    return {
      error: `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; images up to 20 MB can be opened.`,
    }
  // FileReader rather than file.arrayBuffer(): the same in every browser and in jsdom.
  const buffer = await new Promise<ArrayBuffer>((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as ArrayBuffer)
    reader.onerror = () => reject(new Error(`${file.name} could not be read: ${String(reader.error)}`))
    reader.readAsArrayBuffer(file)
  })
  return { name: file.name, data: bytesToBase64(new Uint8Array(buffer)) }
}
