import { useEffect, useMemo, useRef } from 'react'
import type { Activations, Attribution } from '../../../shared/api/insight'
import { base64ToFloat32 } from '../../../shared/tensor/base64'
import { HeatmapCanvas } from './HeatmapCanvas'
import { base64ToBytes } from '../../../shared/tensor/base64'
import { toRgba } from '../../images/pixels'

// Low attribution fades out so the image shows through; high is ~70 % opaque.
const overlayAlpha = (t: number) => Math.round(40 + 140 * t)

/** The sample as the network sees it (scaled, pixelated), with an attribution heatmap over it. */
export function SampleImage({
  sample,
  attribution,
  size,
}: {
  sample: Activations['sample']
  attribution: Attribution | null
  size: number
}) {
  const ref = useRef<HTMLCanvasElement>(null)
  const { height, width, channels } = sample.image
  useEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx) return
    const data = ctx.createImageData(width, height)
    data.data.set(toRgba(base64ToBytes(sample.pixels), { height, width, channels }))
    ctx.putImageData(data, 0, 0)
  }, [sample.pixels, height, width, channels])
  const heat = useMemo(() => (attribution ? base64ToFloat32(attribution.values) : null), [attribution])
  const cssH = (size * height) / width
  return (
    <div className="sample-image" style={{ width: size, height: cssH }}>
      <canvas
        ref={ref}
        width={width}
        height={height}
        style={{ width: size, height: cssH }}
        role="img"
        aria-label="the sample"
        data-testid="insight-sample-image"
      />
      {attribution && heat && (
        <HeatmapCanvas
          values={heat}
          rows={attribution.height}
          cols={attribution.width}
          min={0}
          max={1}
          width={size}
          alpha={overlayAlpha}
          className="overlay"
          label={`${attribution.method} heatmap for class ${attribution.classIndex}`}
          testId="insight-attribution"
        />
      )}
    </div>
  )
}
