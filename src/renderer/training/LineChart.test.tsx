import type { ReactElement } from 'react'
import { act } from 'react'
import { createRoot } from 'react-dom/client'
import { beforeAll, describe, expect, it } from 'vitest'
import { LineChart, pathOf, ticks } from './LineChart'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}
beforeAll(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true
})

function render(element: ReactElement) {
  const container = document.createElement('div')
  document.body.append(container)
  act(() => createRoot(container).render(element))
  return {
    container,
    getByText: (t: string) => [...container.querySelectorAll('*')].find((e) => e.textContent === t),
  }
}

describe('LineChart', () => {
  it('ticks are round numbers covering the range', () => {
    expect(ticks(0, 1)).toEqual([0, 0.5, 1])
    expect(ticks(0.3, 0.92)).toEqual([0.4, 0.6, 0.8])
    expect(ticks(0, 2.3)).toEqual([0, 1, 2])
    expect(ticks(5, 5)).toEqual([5])
  })

  it('paths skip non-finite values by lifting the pen', () => {
    const id = (v: number) => v
    expect(
      pathOf(
        [
          { x: 0, y: 1 },
          { x: 1, y: NaN },
          { x: 2, y: 3 },
          { x: 3, y: 4 },
        ],
        id,
        id,
      ),
    ).toBe('M0.0,1.0M2.0,3.0L3.0,4.0')
  })

  it('draws one path per series with a dot per epoch point, and says when there is no data', () => {
    const { container } = render(
      <LineChart
        title="Loss"
        xLabel="epoch"
        series={[
          {
            name: 'train',
            color: 'red',
            points: [
              { x: 1, y: 0.9 },
              { x: 2, y: 0.5 },
            ],
          },
          {
            name: 'batch',
            color: 'gray',
            thin: true,
            points: [
              { x: 0.5, y: 1.2 },
              { x: 1, y: 0.8 },
              { x: 1.5, y: 0.6 },
            ],
          },
        ]}
      />,
    )
    expect(container.querySelectorAll('path')).toHaveLength(2)
    expect(container.querySelectorAll('[data-series="train"] circle')).toHaveLength(2)
    expect(container.querySelectorAll('[data-series="batch"] circle')).toHaveLength(0)
    expect(
      render(<LineChart title="Accuracy" xLabel="epoch" series={[]} />).getByText('No data yet.'),
    ).toBeTruthy()
  })

  it('a single point still draws (the range is widened around it)', () => {
    const { container } = render(
      <LineChart
        title="L"
        xLabel="epoch"
        series={[{ name: 'a', color: 'red', points: [{ x: 1, y: 0.5 }] }]}
      />,
    )
    expect(container.querySelector('path')!.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+$/)
  })

  it('draws known data at known coordinates, with axes, ticks and a legend', () => {
    const { container } = render(
      <LineChart
        title="Loss"
        xLabel="epoch"
        series={[
          {
            name: 'train',
            color: 'red',
            points: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
              { x: 2, y: 0.5 },
            ],
          },
        ]}
        yFormat={(v) => `${v * 100}%`}
      />,
    )
    // x 0..2 over 42..332, y 0..1 over 128..8 (the 340×150 view box less its margins).
    expect(container.querySelector('path')!.getAttribute('d')).toBe('M42.0,128.0L187.0,8.0L332.0,68.0')
    const dots = [...container.querySelectorAll('circle')].map((c) => [
      c.getAttribute('cx'),
      c.getAttribute('cy'),
    ])
    expect(dots).toEqual([
      ['42', '128'],
      ['187', '8'],
      ['332', '68'],
    ])
    const labels = [...container.querySelectorAll('.tick text')].map((t) => t.textContent)
    expect(labels).toEqual(['0%', '50%', '100%', '0', '0.5', '1', '1.5', '2'])
    expect(container.querySelectorAll('line.axis').length).toBeGreaterThanOrEqual(2)
    expect(container.querySelector('[data-legend="train"]')!.textContent).toBe('● train')
    expect(container.querySelector('svg')!.getAttribute('aria-label')).toBe('Loss by epoch')
  })

  it('one point is drawn in the middle of a widened range', () => {
    const { container } = render(
      <LineChart
        title="L"
        xLabel="epoch"
        series={[{ name: 'a', color: 'red', points: [{ x: 1, y: 0.5 }] }]}
      />,
    )
    expect(container.querySelector('path')!.getAttribute('d')).toBe('M187.0,68.0')
    expect(container.querySelectorAll('circle')).toHaveLength(1)
  })

  it('skips NaN values: the line breaks and no dot is drawn for them', () => {
    const { container } = render(
      <LineChart
        title="L"
        xLabel="epoch"
        series={[
          {
            name: 'validation',
            color: 'red',
            points: [
              { x: 0, y: 0 },
              { x: 1, y: NaN },
              { x: 2, y: 1 },
            ],
          },
        ]}
      />,
    )
    expect(container.querySelector('path')!.getAttribute('d')).toBe('M42.0,128.0M332.0,8.0')
    expect(container.querySelectorAll('circle')).toHaveLength(2)
  })

  it('empty data, or only NaN, says so instead of drawing', () => {
    const nan = [{ name: 'a', color: 'red', points: [{ x: 1, y: NaN }] }]
    for (const series of [[], [{ name: 'a', color: 'red', points: [] }], nan]) {
      const { container } = render(<LineChart title="Accuracy" xLabel="epoch" series={series} testId="c" />)
      expect(container.querySelector('svg')).toBeNull()
      expect(container.querySelector('[data-testid="c"]')!.textContent).toBe('AccuracyNo data yet.')
    }
  })

  it('whole-number ticks on an epoch axis', () => {
    expect(ticks(0.25, 3, 5, 1)).toEqual([1, 2, 3])
    expect(ticks(1, 2, 5, 1)).toEqual([1, 2])
  })
})
