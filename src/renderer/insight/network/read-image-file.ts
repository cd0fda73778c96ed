import { bytesToBase64 } from '../../../shared/tensor/base64'

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
