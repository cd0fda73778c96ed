/**
 * A sample's pixels (HWC bytes: 1 channel is grey, 3 or more are RGB…) as the RGBA bytes a canvas
 * ImageData holds. Missing bytes (a short sample) stay black.
 */
export function toRgba(
  pixels: Uint8Array,
  image: { height: number; width: number; channels: number },
): Uint8ClampedArray {
  const { height: h, width: w, channels: c } = image
  const out = new Uint8ClampedArray(h * w * 4)
  for (let i = 0; i < h * w; i++) {
    const o = i * 4
    if (c >= 3) {
      out[o] = pixels[i * c] ?? 0
      out[o + 1] = pixels[i * c + 1] ?? 0
      out[o + 2] = pixels[i * c + 2] ?? 0
    } else {
      const v = pixels[i * c] ?? 0
      out[o] = out[o + 1] = out[o + 2] = v
    }
    out[o + 3] = 255
  }
  return out
}
