import { useEffect, useMemo, useState } from 'react'
import type { Api } from '../../../shared/api/contract'
import { analyse } from '../../store/analysis'
import { useDocument } from '../../store/document-store'
import { useInsight } from '../insight-store'
import { ActivationView } from './ActivationView'
import { ConvExplainer } from './ConvExplainer'
import { EntryState } from './EntryState'
import { FeatureMapGrid } from './FeatureMapGrid'
import { formatValue } from './format-value'
import { KernelGrid } from './KernelGrid'
import { nodeInfo, type NodeInfo } from './node-info'
import { PoolExplainer } from './PoolExplainer'
import { SoftmaxTable } from './SoftmaxTable'
import { useActivations, useConvWeights, useDecodedMap, useFeatureMap, useWeights } from './use-insight-data'

type Tab = 'maps' | 'kernels' | 'explain' | 'inner'

/** The explainer tab a kind has, and its title. */
function explainerOf(kind: string): string | null {
  if (kind === 'Conv2D') return 'Convolution'
  if (kind === 'MaxPool2D' || kind === 'AvgPool2D') return 'Pooling'
  if (kind === 'Activation') return 'Activation'
  if (kind === 'Dense' || kind === 'Output') return 'Logits & softmax'
  return null
}

function Kernels({ api, runId, nodeId }: { api: Api; runId: string; nodeId: string }) {
  const entry = useWeights(api, runId, nodeId)
  const w = useConvWeights(entry)
  if (!w) return <EntryState entry={entry} loading="Loading the kernels…" testId="kernels" />
  if ('error' in w)
    return (
      <p className="error" role="alert">
        {w.error}
      </p>
    )
  return <KernelGrid kernel={w.kernel} bias={w.bias} />
}

function InnerNodes({ info, known }: { info: NodeInfo; known: Record<string, unknown> }) {
  const openNode = useInsight((s) => s.openNode)
  return (
    <ul className="inner-list" data-testid="inner-list">
      {info.inner.map((id) => (
        <li key={id}>
          <button type="button" className="link" onClick={() => openNode(id)} disabled={!known[id]}>
            {id}
          </button>
        </li>
      ))}
    </ul>
  )
}

/**
 * The open node's view, docked under the canvas: its output's numbers, every channel, its kernels
 * and the explainer of its kind, for the shown run and sample.
 */
export function NodeView({ api }: { api: Api }) {
  const { runId, sample, nodeId, openNode } = useInsight()
  const doc = useDocument((s) => s.doc)
  const info = useMemo(() => (nodeId ? nodeInfo(doc, analyse(doc), nodeId) : null), [doc, nodeId])
  const activations = useActivations(api, runId, sample)
  const fmEntry = useFeatureMap(api, runId, sample, nodeId)
  const [tab, setTab] = useState<Tab>('maps')
  useEffect(() => setTab('maps'), [nodeId])
  const map = useDecodedMap(fmEntry)
  if (!runId || !sample || !nodeId) return null
  const acts = activations?.status === 'ready' ? activations.data : null
  const summary = acts?.nodes[nodeId]
  const explain = info && explainerOf(info.kind)
  const tabs: [Tab, string][] = [
    ['maps', 'Feature maps'],
    ...(info?.kind === 'Conv2D' ? [['kernels', 'Kernels'] as [Tab, string]] : []),
    ...(explain ? [['explain', explain] as [Tab, string]] : []),
    ...(info?.inner.length ? [['inner', `Inner layers (${info.inner.length})`] as [Tab, string]] : []),
  ]
  const fm = fmEntry?.status === 'ready' ? fmEntry.data : null
  return (
    <section className="node-view" aria-label="Inside the node" data-testid="node-view">
      <header className="node-view-head">
        <strong data-testid="node-view-name">{info?.name ?? nodeId}</strong>
        <span className="muted">{info?.label ?? 'unknown node'}</span>
        {summary && (
          <span className="muted" data-testid="node-view-stats">
            [{summary.shape.join(' × ')}] · min {formatValue(summary.min)} · max {formatValue(summary.max)} ·
            mean {formatValue(summary.mean)}
          </span>
        )}
        <span role="tablist" className="tabs">
          {tabs.map(([t, text]) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              onClick={() => setTab(t)}
              data-testid={`node-tab-${t}`}
            >
              {text}
            </button>
          ))}
        </span>
        <button
          type="button"
          className="node-view-close"
          onClick={() => openNode(null)}
          aria-label="Close the node view"
          data-testid="node-view-close"
        >
          ×
        </button>
      </header>
      <div className="node-view-body">
        {tab === 'inner' && info ? (
          <InnerNodes info={info} known={acts?.nodes ?? {}} />
        ) : tab === 'kernels' ? (
          <Kernels api={api} runId={runId} nodeId={nodeId} />
        ) : !map || !fm ? (
          <EntryState entry={fmEntry} loading="Loading the feature maps…" testId="node-view" />
        ) : tab === 'maps' ? (
          <FeatureMapGrid map={map} min={fm.min} max={fm.max} />
        ) : info?.kind === 'Conv2D' ? (
          <ConvExplainer api={api} runId={runId} sample={sample} info={info} output={map} />
        ) : info && (info.kind === 'MaxPool2D' || info.kind === 'AvgPool2D') ? (
          <PoolExplainer api={api} runId={runId} sample={sample} info={info} output={map} />
        ) : info?.kind === 'Activation' ? (
          <ActivationView api={api} runId={runId} sample={sample} info={info} output={map} />
        ) : (
          <SoftmaxTable
            logits={map.values}
            labels={acts && acts.classes.length === map.values.length ? acts.classes : null}
            predicted={info?.kind === 'Output' ? acts?.predicted : undefined}
          />
        )}
      </div>
    </section>
  )
}
