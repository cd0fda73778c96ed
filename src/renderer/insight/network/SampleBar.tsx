import { base64ToFloat32 } from '../../../shared/tensor/base64'
import { useEffect, useMemo, useState, type DragEvent } from 'react'
import type { Api } from '../../../shared/api/contract'
import type { Activations, AttributionMethod } from '../../../shared/api/insight'
import { analyse } from '../../store/analysis'
import { useDocument } from '../../store/document-store'
import { useInsight } from '../insight-store'
import { ColorLegend } from './ColorLegend'
import { EntryState } from './EntryState'
import { formatProbability } from './format-value'
import { camLayers } from './node-info'
import { readImageFile } from './read-image-file'
import { SampleImage } from './SampleImage'
import { useActivations, useAttribution } from './use-insight-data'

/** Waits this long after the last keystroke in the index box before running the network. */
const INDEX_DEBOUNCE_MS = 250

function SampleNavigator({ index, onIndex }: { index: number; onIndex(i: number): void }) {
  const [draft, setDraft] = useState(String(index))
  useEffect(() => setDraft(String(index)), [index])
  useEffect(() => {
    const n = Number(draft)
    if (!Number.isInteger(n) || n < 0 || n === index) return
    const t = setTimeout(() => onIndex(n), INDEX_DEBOUNCE_MS)
    return () => clearTimeout(t)
  }, [draft, index, onIndex])
  const bad = !/^\d+$/.test(draft)
  return (
    <span className="sample-nav">
      <button
        type="button"
        onClick={() => onIndex(index - 1)}
        disabled={index === 0}
        aria-label="Previous sample"
        data-testid="insight-prev"
      >
        ◀
      </button>
      <label>
        Test sample{' '}
        <input
          type="text"
          inputMode="numeric"
          value={draft}
          aria-invalid={bad}
          title={bad ? 'A sample index is a whole number ≥ 0' : undefined}
          onChange={(e) => setDraft(e.target.value.trim())}
          data-testid="insight-index"
        />
      </label>
      <button
        type="button"
        onClick={() => onIndex(index + 1)}
        aria-label="Next sample"
        data-testid="insight-next"
      >
        ▶
      </button>
    </span>
  )
}

/** A heatmap with nothing to show (Grad-CAM's ReLU left no positive position). */
const isAllZero = (b64: string) => base64ToFloat32(b64).every((v) => v === 0)

function AttributionControls({
  activations,
  method,
  setMethod,
  classIndex,
  setClass,
  layer,
  setLayer,
}: {
  activations: Activations
  method: AttributionMethod | null
  setMethod(m: AttributionMethod | null): void
  classIndex: number
  setClass(c: number): void
  layer: string
  setLayer(l: string): void
}) {
  const doc = useDocument((s) => s.doc)
  const { choices, lastConv } = camLayers(doc, analyse(doc), activations.nodes)
  return (
    <span className="attribution-controls">
      <span role="group" aria-label="Heatmap over the image" className="segmented">
        {(
          [
            [null, 'Off'],
            ['grad-cam', 'Grad-CAM'],
            ['saliency', 'Saliency'],
          ] as const
        ).map(([m, text]) => (
          <button
            key={text}
            type="button"
            aria-pressed={method === m}
            onClick={() => setMethod(m)}
            data-testid={`insight-method-${m ?? 'off'}`}
          >
            {text}
          </button>
        ))}
      </span>
      {method && (
        <label>
          class{' '}
          <select
            value={classIndex}
            onChange={(e) => setClass(Number(e.target.value))}
            data-testid="insight-class"
          >
            {activations.classes.map((c, i) => (
              <option key={i} value={i}>
                {c}
                {i === activations.predicted ? ' (predicted)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {method === 'grad-cam' && (
        <label>
          layer{' '}
          <select value={layer} onChange={(e) => setLayer(e.target.value)} data-testid="insight-layer">
            <option value="">last convolution{lastConv ? ` (${lastConv})` : ''}</option>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </span>
  )
}

/**
 * Over the canvas while a run is shown: the sample (image, true label, prediction), moving
 * through the test set or opening an image, the Grad-CAM / saliency heatmap, and Close.
 */
export function SampleBar({ api }: { api: Api }) {
  const { runId, sample, show, close } = useInsight()
  const entry = useActivations(api, runId, sample)
  const activations = entry?.status === 'ready' ? entry.data : null
  const [method, setMethod] = useState<AttributionMethod | null>(null)
  const [picked, setPicked] = useState<number | null>(null)
  const [layer, setLayer] = useState('')
  const [fileError, setFileError] = useState<string | null>(null)
  const [dragging, setDragging] = useState(false)
  // A new sample's prediction is the default class again.
  useEffect(() => setPicked(null), [runId, sample])
  const classIndex = picked ?? activations?.predicted ?? null
  const attribution = useAttribution(
    api,
    runId,
    activations ? sample : null,
    method,
    classIndex,
    layer || null,
  )
  // Decoded once per answer, not on every render of the bar.
  const emptyMap = useMemo(
    () => attribution?.status === 'ready' && isAllZero(attribution.data.values),
    [attribution],
  )
  if (!runId || !sample) return null

  const open = async (file: File | undefined) => {
    if (!file) return
    const read = await readImageFile(file).catch((e: unknown) => ({ error: String(e) }))
    if ('error' in read) return setFileError(read.error)
    setFileError(null)
    show(runId, { kind: 'image', file: read })
  }
  const onDrop = (e: DragEvent) => {
    const file = e.dataTransfer.files[0]
    if (!file) return
    e.preventDefault()
    setDragging(false)
    void open(file)
  }
  const split = sample.kind === 'dataset' ? sample.split : 'test'
  const index = sample.kind === 'dataset' ? sample.index : null
  const classes = activations?.classes ?? []
  return (
    <div
      className={`sample-bar${dragging ? ' dragging' : ''}`}
      data-testid="insight-sample-bar"
      aria-label="The sample the network looks at"
      role="region"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault()
          setDragging(true)
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {activations ? (
        <SampleImage
          sample={activations.sample}
          attribution={attribution?.status === 'ready' ? attribution.data : null}
          size={80}
        />
      ) : (
        <div className="sample-image placeholder" style={{ width: 80, height: 80 }} />
      )}
      <div className="sample-facts">
        <div className="sample-source" data-testid="insight-source">
          {sample.kind === 'dataset' ? `${split} sample ${sample.index}` : sample.file.name}
        </div>
        {activations && (
          <div data-testid="insight-prediction">
            {activations.sample.label !== null && (
              <>
                true <strong>{classes[activations.sample.label] ?? activations.sample.label}</strong> ·{' '}
              </>
            )}
            predicted{' '}
            <strong
              className={
                activations.sample.label === null
                  ? ''
                  : activations.sample.label === activations.predicted
                    ? 'right'
                    : 'wrong'
              }
            >
              {classes[activations.predicted] ?? activations.predicted}
            </strong>{' '}
            {formatProbability(activations.probabilities[activations.predicted] ?? 0)}
          </div>
        )}
        <EntryState entry={entry} loading="Running the network on the sample…" testId="insight-activations" />
        {attribution && (
          <EntryState
            entry={attribution}
            loading={`Computing ${method === 'grad-cam' ? 'Grad-CAM' : 'the saliency map'}…`}
            testId="insight-attribution"
          />
        )}
        {attribution?.status === 'ready' && emptyMap && (
          <p className="muted" data-testid="insight-attribution-empty">
            {attribution.data.method === 'grad-cam'
              ? `Grad-CAM is zero everywhere: no position of ${attribution.data.nodeId} raises this class's score. Try an earlier layer, or Saliency.`
              : "The saliency map is zero everywhere: this class's score does not change with the image."}
          </p>
        )}
        {fileError && (
          <p className="error" role="alert" data-testid="insight-file-error">
            {fileError}
          </p>
        )}
      </div>
      <div className="sample-controls">
        <div className="sample-controls-row">
          {index !== null ? (
            <SampleNavigator
              index={index}
              onIndex={(i) => show(runId, { kind: 'dataset', split, index: Math.max(0, i) })}
            />
          ) : (
            <button type="button" onClick={() => show(runId, { kind: 'dataset', split: 'test', index: 0 })}>
              Back to the test set
            </button>
          )}
          <label className="file-button" title="Or drop a PNG or JPEG on this bar">
            Open image…
            <input
              type="file"
              accept="image/png,image/jpeg"
              data-testid="insight-open"
              onChange={(e) => {
                void open(e.target.files?.[0])
                e.target.value = ''
              }}
            />
          </label>
        </div>
        {activations && (
          <div className="sample-controls-row">
            <AttributionControls
              activations={activations}
              method={method}
              setMethod={setMethod}
              classIndex={classIndex ?? 0}
              setClass={setPicked}
              layer={layer}
              setLayer={setLayer}
            />
            {method && attribution?.status === 'ready' && <ColorLegend min={0} max={1} />}
          </div>
        )}
      </div>
      <button
        type="button"
        className="sample-close"
        onClick={close}
        data-testid="insight-close"
        title="Stop looking inside this run"
      >
        Close
      </button>
    </div>
  )
}
