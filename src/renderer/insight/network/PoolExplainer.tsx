import { useMemo, useState } from 'react'
import type { Api } from '../../../shared/api/contract'
import type { SampleSource } from '../../../shared/api/insight'
import { EntryState } from './EntryState'
import { formatValue } from './format-value'
import type { NodeInfo } from './node-info'
import { poolWindow, type PoolParams } from './pool-window'
import { at, channel, stats, type Tensor3 } from './tensor3'
import { useDecodedMap, useFeatureMap } from './use-insight-data'
import { usePixel } from './use-pixel'
import { ValueGrid } from './ValueGrid'
import { MapWithPixel, MapWithWindow } from './WindowMarker'

const MAP_WIDTH = 160

/** The pooling view: point at an output pixel to see its window, which cell is the max or what the mean is of. */
export function PoolExplainer({
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
  const outPlane = useMemo(() => channel(output, c), [output, c])
  const p = info.params as unknown as PoolParams | null
  if (!p) return <p className="error">The node's parameters do not parse: fix them in the inspector.</p>
  if (!input)
    return <EntryState entry={inputEntry} loading="Loading the input feature map…" testId="pool-input" />
  const reduce = info.kind === 'MaxPool2D' ? 'max' : 'avg'
  const r = poolWindow(input, p, reduce, { ...pixel.at, c })
  if (!r.ok)
    return (
      <p className="error" role="alert">
        {r.error}
      </p>
    )
  const w = r.value
  const inPlane = channel(input, c)
  const [inR, outR] = [stats(inPlane), stats(outPlane)]
  const rows = w.cells.map((x) => x.iy)
  const cols = w.cells.map((x) => x.ix)
  const counted = w.values.filter((v): v is number => v !== null)
  return (
    <div className="explainer pool-explainer" data-testid="pool-explainer">
      <div className="explainer-maps">
        <figure>
          <figcaption>
            Channel{' '}
            <select value={c} onChange={(e) => setC(Number(e.target.value))} data-testid="pool-channel">
              {Array.from({ length: output.c }, (_, i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>{' '}
            output
          </figcaption>
          <MapWithPixel
            values={outPlane}
            h={output.h}
            w={output.w}
            width={MAP_WIDTH}
            range={outR}
            label={`pooled channel ${c}`}
            testId="pool-output-map"
            pixel={pixel}
          />
        </figure>
        <figure>
          <figcaption>input channel {c}</figcaption>
          <MapWithWindow
            values={inPlane}
            h={input.h}
            w={input.w}
            width={MAP_WIDTH}
            range={inR}
            label={`input channel ${c}`}
            rows={rows}
            cols={cols}
          />
        </figure>
      </div>
      <div className="explainer-numbers">
        <ValueGrid
          title={`window at (y ${pixel.at.y}, x ${pixel.at.x})`}
          rows={p.poolSize[0]}
          cols={p.poolSize[1]}
          values={w.values}
          highlight={reduce === 'max' ? w.argmax : undefined}
          testId="pool-window"
        />
        <p className="equation" data-testid="pool-result">
          {reduce === 'max' ? (
            <>
              max of {w.count} values = <strong>{formatValue(w.value)}</strong>
            </>
          ) : (
            <>
              ({counted.map(formatValue).join(' + ')}) / {w.count} = <strong>{formatValue(w.value)}</strong>
            </>
          )}
          {w.count < w.values.length && (
            <span className="muted"> · {w.values.length - w.count} padding cells not counted</span>
          )}
          <span className="muted">
            {' '}
            · the feature map holds {formatValue(at(output, pixel.at.y, pixel.at.x, c))}
          </span>
        </p>
      </div>
    </div>
  )
}
