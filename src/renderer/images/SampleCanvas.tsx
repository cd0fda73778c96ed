import { useEffect, useRef } from 'react'
import { base64ToBytes } from '../../shared/tensor/base64'
import { toRgba } from './pixels'

/** One sample image (base64 HWC bytes, 1 or 3 channels) drawn to a small canvas at its own size. */
export function SampleCanvas({
  pixels,
  image,
  label,
}: {
  pixels: string
  image: { height: number; width: number; channels: number }
  /** The accessible name: the class it shows. */
  label: string
}) {
  const ref = useRef<HTMLCanvasElement>(null)
  const { height, width, channels } = image
  useEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx) return
    const data = ctx.createImageData(width, height)
    data.data.set(toRgba(base64ToBytes(pixels), { height, width, channels }))
    ctx.putImageData(data, 0, 0)
  }, [pixels, height, width, channels])
  return (
    <canvas
      ref={ref}
      width={width}
      height={height}
      className="sample"
      role="img"
      aria-label={label}
      data-testid="dataset-sample"
    />
  )
}
