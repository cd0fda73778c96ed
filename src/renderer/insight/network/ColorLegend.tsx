import { scaleGradient } from './colormap'
import { formatValue } from './format-value'

/** The colour scale with its ends, shared by every map of a view. */
export function ColorLegend({ min, max, testId }: { min: number; max: number; testId?: string }) {
  return (
    <span className="color-legend" data-testid={testId}>
      <span>{formatValue(min)}</span>
      <span className="color-legend-bar" style={{ background: scaleGradient() }} />
      <span>{formatValue(max)}</span>
    </span>
  )
}
