import { useMemo, useState } from 'react'
import type { Api } from '../../../shared/api/contract'
import type { SampleSource } from '../../../shared/api/insight'
import type { ActivationName, Padding, Pair } from '../../../shared/layers/params'
import { convWindow } from './conv-window'
import { EntryState } from './EntryState'
import { formatValue } from './format-value'
import type { NodeInfo } from './node-info'
import { at, channel, stats, type Tensor3 } from './tensor3'
import { useConvWeights, useDecodedMap, useFeatureMap, useWeights } from './use-insight-data'
import { usePixel } from './use-pixel'
import { ValueGrid } from './ValueGrid'
import { MapWithPixel, MapWithWindow } from './WindowMarker'

const MAP_WIDTH = 160

interface ConvNodeParams {
  kernelSize: Pair
  strides: Pair
  dilation: Pair
  padding: Padding
  activation: ActivationName
}

/**
 * CNN Explainer's convolution view with this sample's numbers: point at an output pixel of a
 * channel to see its input window, the kernel slice, the products, Σ + bias = z and activation(z).
 */
export function ConvExplainer({
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
  const weightsEntry = useWeights(api, runId, info.id)
  const [co, setCo] = useState(0)
  const [ci, setCi] = useState(0)
  const pixel = usePixel()
  const input = useDecodedMap(inputEntry)
  const weights = useConvWeights(weightsEntry)
  const outPlane = useMemo(() => channel(output, co), [output, co])
  const outRange = useMemo(() => stats(outPlane), [outPlane])
  const p = info.params as unknown as ConvNodeParams | null
  if (!info.inputId) return <p className="muted">This node has no input to explain.</p>
  if (!p) return <p className="error">The node's parameters do not parse: fix them in the inspector.</p>
  const waiting = (
    <>
      <EntryState entry={inputEntry} loading="Loading the input feature map…" testId="conv-input" />
      <EntryState entry={weightsEntry} loading="Loading the kernels…" testId="conv-weights" />
    </>
  )
  if (!input || !weights) return <div className="explainer">{waiting}</div>
  if ('error' in weights)
    return (
      <p className="error" role="alert">
        {weights.error}
      </p>
    )
  const r = convWindow(
    input,
    weights.kernel,
    weights.bias,
    p,
    { ...pixel.at, c: co },
    (info.params?.alpha as number) ?? 0.2,
  )
  if (!r.ok)
    return (
      <p className="error" role="alert" data-testid="conv-error">
        {r.error}
      </p>
    )
  const w = r.value
  const [kh, kw] = p.kernelSize
  const inPlane = channel(input, ci)
  const inRange = stats(inPlane)
  const rows = w.cells.map((c) => c.iy)
  const cols = w.cells.map((c) => c.ix)
  const shown = at(output, pixel.at.y, pixel.at.x, co)
  const perChannel = Array.from({ length: input.c }, (_, c) => w.products.reduce((s, row) => s + row[c]!, 0))
  return (
    <div className="explainer conv-explainer" data-testid="conv-explainer">
      <div className="explainer-maps">
        <figure>
          <figcaption>
            Output channel{' '}
            <select value={co} onChange={(e) => setCo(Number(e.target.value))} data-testid="conv-out-channel">
              {Array.from({ length: output.c }, (_, c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </figcaption>
          <MapWithPixel
            values={outPlane}
            h={output.h}
            w={output.w}
            width={MAP_WIDTH}
            range={outRange}
            label={`output channel ${co}`}
            testId="conv-output-map"
            pixel={pixel}
          />
          <small className="muted">
            pixel (y {pixel.at.y}, x {pixel.at.x})
            {pixel.pinned ? ' · click another to move' : ' · click to pin'}
          </small>
        </figure>
        <figure>
          <figcaption>
            Input channel{' '}
            <select value={ci} onChange={(e) => setCi(Number(e.target.value))} data-testid="conv-in-channel">
              {Array.from({ length: input.c }, (_, c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>{' '}
            of {input.c}
          </figcaption>
          <MapWithWindow
            values={inPlane}
            h={input.h}
            w={input.w}
            width={MAP_WIDTH}
            range={inRange}
            label={`input channel ${ci}`}
            rows={rows}
            cols={cols}
          />
          <small className="muted">
            window rows {Math.min(...rows)}…{Math.max(...rows)}, cols {Math.min(...cols)}…{Math.max(...cols)}
            {w.cells.some((c) => c.padded) ? ' (reaches into the zero padding)' : ''}
          </small>
        </figure>
      </div>
      <div className="explainer-numbers">
        <div className="grids">
          <ValueGrid
            title={`input window (channel ${ci})`}
            rows={kh}
            cols={kw}
            values={w.inputs.map((v, i) => (w.cells[i]!.padded ? null : v[ci]!))}
            testId="conv-window-input"
          />
          <span className="op">×</span>
          <ValueGrid
            title={`kernel [out ${co}, in ${ci}]`}
            rows={kh}
            cols={kw}
            values={w.weights.map((v) => v[ci]!)}
            testId="conv-window-kernel"
          />
          <span className="op">=</span>
          <ValueGrid
            title="products"
            rows={kh}
            cols={kw}
            values={w.products.map((v) => v[ci]!)}
            padded={w.cells.map((c) => c.padded)}
            testId="conv-window-products"
          />
        </div>
        <p className="equation" data-testid="conv-channel-sums">
          Σ products per input channel:{' '}
          {perChannel.slice(0, 12).map((s, c) => (
            <span key={c} className={c === ci ? 'chosen' : ''}>
              {c ? ' + ' : ''}
              {formatValue(s)}
            </span>
          ))}
          {input.c > 12 ? ` + … (${input.c - 12} more)` : ''}
        </p>
        <p className="equation" data-testid="conv-sum">
          Σ = <strong>{formatValue(w.sum)}</strong> + bias {formatValue(w.bias)} = z{' '}
          <strong>{formatValue(w.z)}</strong>
        </p>
        <p className="equation" data-testid="conv-activated">
          {p.activation}(z) = <strong>{formatValue(w.activated)}</strong>
          <span className="muted">
            {' '}
            · the feature map holds {formatValue(shown)}
            {Math.abs(shown - w.activated) <= 1e-3 * Math.max(1, Math.abs(shown))
              ? ' ✓'
              : ' (differs: float32 rounding or another checkpoint)'}
          </span>
        </p>
      </div>
    </div>
  )
}
