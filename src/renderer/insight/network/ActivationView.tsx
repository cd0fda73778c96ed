import { useState } from 'react'
import type { Api } from '../../../shared/api/contract'
import type { SampleSource } from '../../../shared/api/insight'
import type { ActivationName } from '../../../shared/layers/params'
import { activate, curve, formula } from './activation-fn'
import { EntryState } from './EntryState'
import { formatValue } from './format-value'
import { HeatmapCanvas } from './HeatmapCanvas'
import type { NodeInfo } from './node-info'
import { SoftmaxTable } from './SoftmaxTable'
import { channel, stats, type Tensor3 } from './tensor3'
import { useDecodedMap, useFeatureMap } from './use-insight-data'
import { usePixel } from './use-pixel'

const W = 260
const H = 150

/** The function's curve over [from, to] with the point (x, f(x)) marked. */
export function ActivationCurve({
  fn,
  alpha,
  x,
  from,
  to,
}: {
  fn: ActivationName
  alpha: number
  x: number
  from: number
  to: number
}) {
  const pts = curve(fn, from, to, 120, alpha)
  const ys = pts.map((p) => p[1])
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 0.001)]
  const sx = (v: number) => ((v - from) / (to - from || 1)) * W
  const sy = (v: number) => H - ((v - y0) / (y1 - y0 || 1)) * H
  const y = activate(fn, x, alpha)
  return (
    <svg
      className="activation-curve"
      viewBox={`-4 -4 ${W + 8} ${H + 8}`}
      width={W + 8}
      height={H + 8}
      role="img"
      aria-label={`${fn} curve`}
    >
      <line x1={0} x2={W} y1={sy(0)} y2={sy(0)} className="axis" />
      <line x1={sx(0)} x2={sx(0)} y1={0} y2={H} className="axis" />
      <polyline points={pts.map(([a, b]) => `${sx(a)},${sy(b)}`).join(' ')} className="curve" />
      <circle cx={sx(x)} cy={sy(y)} r={4} className="mark" data-testid="activation-mark" />
    </svg>
  )
}

/** An Activation node: the function's curve with the value under the pointer marked (softmax: its steps). */
export function ActivationView({
  api,
  runId,
  sample,
  info,
  output,
}: {
  api: Api
  runId: string
  sample: SampleSource
  info: NodeInfo
  output: Tensor3
}) {
  const inputEntry = useFeatureMap(api, runId, sample, info.inputId)
  const [c, setC] = useState(0)
  const pixel = usePixel()
  const input = useDecodedMap(inputEntry)
  const fn = (info.params?.fn as ActivationName | undefined) ?? 'relu'
  const alpha = (info.params?.alpha as number | undefined) ?? 0.2
  if (!input)
    return <EntryState entry={inputEntry} loading="Loading the layer's input…" testId="activation-input" />
  const flat = input.h === 1 && input.w === 1
  if (fn === 'softmax') {
    const at = flat ? 0 : (pixel.at.y * input.w + pixel.at.x) * input.c
    return <SoftmaxTable logits={input.values.subarray(at, at + input.c)} labels={null} />
  }
  const plane = flat ? input.values : channel(input, c)
  const r = stats(input.values)
  const i = flat ? pixel.at.x : pixel.at.y * input.w + pixel.at.x
  const x = plane[i] ?? 0
  return (
    <div className="explainer activation-view" data-testid="activation-view">
      <div className="explainer-maps">
        <figure>
          <figcaption>
            Input {flat ? 'units' : 'channel'}{' '}
            {!flat && (
              <select value={c} onChange={(e) => setC(Number(e.target.value))}>
                {Array.from({ length: input.c }, (_, k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            )}
          </figcaption>
          <HeatmapCanvas
            values={plane}
            rows={flat ? 1 : input.h}
            cols={flat ? input.c : input.w}
            min={r.min}
            max={r.max}
            width={200}
            label="activation input"
            onHover={pixel.onHover}
            onPick={pixel.onPick}
          />
        </figure>
        <ActivationCurve fn={fn} alpha={alpha} x={x} from={Math.min(r.min, -1)} to={Math.max(r.max, 1)} />
      </div>
      <div className="explainer-numbers">
        <p className="equation">{formula(fn, alpha)}</p>
        <p className="equation" data-testid="activation-value">
          f({formatValue(x)}) = <strong>{formatValue(activate(fn, x, alpha))}</strong>
          <span className="muted">
            {' '}
            · the output holds {formatValue((flat ? output.values : channel(output, c))[i] ?? NaN)}
          </span>
        </p>
      </div>
    </div>
  )
}
