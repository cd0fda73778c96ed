import { ReactFlowProvider } from '@xyflow/react'
/**
 * Fixtures for the network views' component tests: a small trained-looking network (6×6 grey in,
 * Conv2D 3×3 'same' relu with 2 filters, MaxPool 2, Flatten, Dense 3, Output 3), its real feature
 * maps for one sample computed here by direct loops, a fake Api serving them, and DOM helpers.
 */
import { act, type ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, beforeEach, vi } from 'vitest'
import type { Handlers } from '../../../shared/api/contract'
import type { Activations, FeatureMap, NodeActivation, NodeWeights } from '../../../shared/api/insight'
import { chain } from '../../../shared/graph/test-kit'
import { bytesToBase64, float32ToBase64 } from '../../../shared/tensor/base64'
import { createTestApi } from '../../api/test-kit'
import { useDocument } from '../../store/document-store'
import { useUi } from '../../store/ui-store'
import { useInsight } from '../insight-store'
import { useInsightCache } from './insight-cache'
import { stats } from './tensor3'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}

export const CLASSES = ['cat', 'dog', 'bird']

const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i))
export const INPUT = seq(36, (i) => ((i * 7) % 11) / 10 - 0.3)
export const KERNEL = seq(18, (i) => ((i * 5) % 7) / 7 - 0.4) // 3×3×1×2 HWIO
export const BIAS = Float32Array.from([0.1, -0.2])

/** Conv2D 3×3 'same' (pads 1 each side at stride 1), relu: a direct loop, independent of conv-window.ts. */
function conv(): Float32Array {
  const out = new Float32Array(6 * 6 * 2)
  for (let y = 0; y < 6; y++)
    for (let x = 0; x < 6; x++)
      for (let co = 0; co < 2; co++) {
        let s = BIAS[co]!
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = y + ky - 1
            const ix = x + kx - 1
            if (iy >= 0 && iy < 6 && ix >= 0 && ix < 6)
              s += INPUT[iy * 6 + ix]! * KERNEL[(ky * 3 + kx) * 2 + co]!
          }
        out[(y * 6 + x) * 2 + co] = Math.max(0, s)
      }
  return out
}
export const CONV = conv()
const POOL = seq(18, (i) => {
  const [c, x, y] = [i % 2, Math.floor(i / 2) % 3, Math.floor(i / 6)]
  let m = -Infinity
  for (let dy = 0; dy < 2; dy++)
    for (let dx = 0; dx < 2; dx++) m = Math.max(m, CONV[((2 * y + dy) * 6 + 2 * x + dx) * 2 + c]!)
  return m
})
export const LOGITS = Float32Array.from([0.5, 2.0, -1.0])

export const MAPS: Record<string, { shape: number[]; values: Float32Array }> = {
  in: { shape: [6, 6, 1], values: INPUT },
  conv: { shape: [6, 6, 2], values: CONV },
  pool: { shape: [3, 3, 2], values: POOL },
  flat: { shape: [18], values: POOL },
  fc: { shape: [3], values: LOGITS },
  out: { shape: [3], values: LOGITS },
}

function nodeActivation({ shape, values }: { shape: number[]; values: Float32Array }): NodeActivation {
  const s = stats(values)
  const [h, w, c] = shape.length === 3 ? shape : [1, shape[0]!, 1]
  const thumb = new Float32Array(h! * w!)
  for (let i = 0; i < h! * w!; i++) for (let k = 0; k < c!; k++) thumb[i]! += values[i * c! + k]! / c!
  return { shape, ...s, thumbnail: float32ToBase64(thumb), thumbnailShape: [h!, w!] }
}

export function activations(runId: string, index = 0): Activations {
  const e = LOGITS.map(Math.exp)
  const sum = e.reduce((a, b) => a + b, 0)
  return {
    runId,
    sample: {
      source: { kind: 'dataset', split: 'test', index },
      label: index % 3,
      image: { height: 6, width: 6, channels: 1 },
      pixels: bytesToBase64(Uint8Array.from({ length: 36 }, (_, i) => i * 7)),
    },
    classes: CLASSES,
    probabilities: [...e].map((v) => v / sum),
    predicted: 1,
    nodes: Object.fromEntries(Object.entries(MAPS).map(([id, m]) => [id, nodeActivation(m)])),
    engine: 'onnxruntime',
    elapsedMs: 12,
  }
}

export function featureMap(nodeId: string): FeatureMap {
  const m = MAPS[nodeId]!
  const s = stats(m.values)
  return { nodeId, shape: m.shape, values: float32ToBase64(m.values), min: s.min, max: s.max }
}

export const weights = (nodeId: string): NodeWeights => ({
  nodeId,
  kind: 'Conv2D',
  tensors: [
    { name: `${nodeId}/kernel`, shape: [3, 3, 1, 2], values: float32ToBase64(KERNEL) },
    { name: `${nodeId}/bias`, shape: [2], values: float32ToBase64(BIAS) },
  ],
})

/** The insight services as spies over the fixtures; `over` replaces any. */
export function insightApi(over: Partial<Handlers> = {}) {
  const handlers = {
    'insight.activations': vi.fn(
      async ({ runId, sample }: { runId: string; sample: { kind: string; index?: number } }) =>
        activations(runId, sample.index ?? 0),
    ),
    'insight.featureMap': vi.fn(async ({ nodeId }: { nodeId: string }) => featureMap(nodeId)),
    'insight.weights': vi.fn(async ({ nodeId }: { nodeId: string }) => weights(nodeId)),
    'insight.attribution': vi.fn(
      async ({
        method,
        classIndex,
        nodeId,
      }: {
        method: 'grad-cam' | 'saliency'
        classIndex: number
        nodeId?: string
      }) => ({
        method,
        classIndex,
        nodeId: method === 'grad-cam' ? (nodeId ?? 'conv') : null,
        height: 6,
        width: 6,
        values: float32ToBase64(seq(36, (i) => i / 35)),
      }),
    ),
    ...over,
  }
  return { handlers, ...createTestApi(handlers as Partial<Handlers>) }
}

// jsdom has no 2D canvas: a stand-in records what is drawn.
export const drawn: { width: number; height: number; data: Uint8ClampedArray }[] = []
let root: Root | undefined
let container: HTMLElement

export function setUpNetworkTests() {
  beforeAll(() => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true
  })
  beforeEach(() => {
    drawn.length = 0
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function () {
      return {
        createImageData: (w: number, h: number) => ({
          width: w,
          height: h,
          data: new Uint8ClampedArray(w * h * 4),
        }),
        putImageData: (d: { width: number; height: number; data: Uint8ClampedArray }) => drawn.push(d),
      } as unknown as CanvasRenderingContext2D
    } as never)
    useDocument.getState().load(
      chain([
        ['in', 'Input', { height: 6, width: 6, channels: 1 }],
        ['conv', 'Conv2D', { filters: 2, kernelSize: [3, 3], padding: 'same', activation: 'relu' }],
        ['pool', 'MaxPool2D', { poolSize: [2, 2], strides: [2, 2] }],
        ['flat', 'Flatten'],
        ['fc', 'Dense', { units: 3 }],
        ['out', 'Output', { classes: 3 }],
      ]),
    )
    useInsight.getState().close()
    useInsightCache.getState().clear()
    useUi.getState().select([])
  })
  afterEach(() => {
    act(() => root?.unmount())
    container?.remove()
    root = undefined
    vi.restoreAllMocks()
  })
}

export async function render(node: ReactNode) {
  container = document.createElement('div')
  document.body.append(container)
  root = createRoot(container)
  // The insight layer fits the canvas's view: it lives inside the editor's React Flow provider.
  await act(async () => root!.render(<ReactFlowProvider>{node}</ReactFlowProvider>))
}

/** Lets pending API calls settle inside act() until `check` passes. */
export async function waitFor(check: () => void, timeoutMs = 2000) {
  const start = Date.now()
  for (;;) {
    try {
      check()
      return
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e
      await act(() => new Promise((r) => setTimeout(r, 5)))
    }
  }
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string) =>
  container.querySelector<T>(`[data-testid="${id}"]`)
export const text = (id: string) => byId(id)?.textContent ?? null
export const click = (el: HTMLElement | null) => act(async () => el!.click())

/** Moves the pointer over cell (y, x) of a canvas drawn rows × cols (jsdom has no layout: a rect is faked). */
export async function hover(canvas: HTMLElement, y: number, x: number, rows: number, cols: number) {
  vi.spyOn(canvas, 'getBoundingClientRect').mockReturnValue({
    left: 0,
    top: 0,
    width: cols * 10,
    height: rows * 10,
  } as DOMRect)
  await act(async () => {
    canvas.dispatchEvent(
      new MouseEvent('pointermove', { bubbles: true, clientX: x * 10 + 5, clientY: y * 10 + 5 }),
    )
  })
}

export async function setValue(el: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value)
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
  })
}
