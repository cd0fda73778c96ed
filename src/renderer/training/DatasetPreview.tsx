import { useEffect, useRef } from 'react'
import type { DatasetPreview as Preview } from '../../shared/api/training'

/** One sample image (base64 HWC bytes, 1 or 3 channels) drawn to a small canvas. */
function Sample({ pixels, image }: { pixels: string; image: Preview['image'] }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx) return
    const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0))
    const { height: h, width: w, channels: c } = image
    const data = ctx.createImageData(w, h)
    for (let i = 0; i < h * w; i++) {
      const [r, g, b] =
        c === 1 ? [bytes[i], bytes[i], bytes[i]] : [bytes[i * c], bytes[i * c + 1], bytes[i * c + 2]]
      data.data.set([r, g, b, 255], i * 4)
    }
    ctx.putImageData(data, 0, 0)
  }, [pixels, image])
  return <canvas ref={ref} width={image.width} height={image.height} className="sample" />
}

/** A grid of sample images per class with the class's training and test counts. */
export function DatasetPreview({ preview }: { preview: Preview }) {
  return (
    <div className="dataset-preview" data-testid="dataset-preview">
      <p className="muted">
        {preview.image.height}×{preview.image.width}×{preview.image.channels} ·{' '}
        {preview.counts.train.reduce((a, b) => a + b, 0).toLocaleString()} training /{' '}
        {preview.counts.test.reduce((a, b) => a + b, 0).toLocaleString()} test images
      </p>
      <table>
        <tbody>
          {preview.classes.map((name, label) => (
            <tr key={name} data-testid="dataset-class">
              <th title={name}>{name}</th>
              <td>
                {preview.samples
                  .filter((s) => s.label === label)
                  .map((s, i) => (
                    <Sample key={i} pixels={s.pixels} image={preview.image} />
                  ))}
              </td>
              <td className="num">
                {preview.counts.train[label].toLocaleString()} / {preview.counts.test[label].toLocaleString()}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.skipped.length > 0 && (
        <p className="warning">
          {preview.skipped.length} file(s) could not be read, e.g. {preview.skipped[0].file}:{' '}
          {preview.skipped[0].reason}
        </p>
      )}
    </div>
  )
}
