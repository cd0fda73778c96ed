import type { DatasetPreview as Preview } from '../../shared/api/training'
import { SampleCanvas } from '../images/SampleCanvas'

const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0).toLocaleString('en-US')

/** A grid of sample images per class, with each class's training and test counts. */
export function DatasetPreview({ preview }: { preview: Preview }) {
  const { image } = preview
  return (
    <div className="dataset-preview" data-testid="dataset-preview">
      <p className="muted" data-testid="dataset-summary">
        {preview.name}: {image.height}×{image.width}×{image.channels} · {preview.classes.length} classes ·{' '}
        {total(preview.counts.train)} training / {total(preview.counts.test)} test images
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Samples</th>
            <th scope="col" className="num" title="Training / test images">
              Train / test
            </th>
          </tr>
        </thead>
        <tbody>
          {preview.classes.map((name, label) => (
            <tr key={label} data-testid="dataset-class">
              <th scope="row" title={name}>
                {name}
              </th>
              <td className="samples">
                {preview.samples
                  .filter((s) => s.label === label)
                  .map((s, i) => (
                    <SampleCanvas key={i} pixels={s.pixels} image={image} label={`${name} sample ${i + 1}`} />
                  ))}
              </td>
              <td className="num" data-testid="dataset-class-counts">
                {(preview.counts.train[label] ?? 0).toLocaleString('en-US')} /{' '}
                {(preview.counts.test[label] ?? 0).toLocaleString('en-US')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.skipped.length > 0 && (
        <p className="warning" data-testid="dataset-skipped">
          {preview.skipped.length} file{preview.skipped.length === 1 ? '' : 's'} could not be read, e.g.{' '}
          {preview.skipped[0].file}: {preview.skipped[0].reason}
        </p>
      )}
    </div>
  )
}
