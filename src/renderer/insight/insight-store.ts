import { create } from 'zustand'
import type { SampleSource } from '../../shared/api/insight'

/**
 * What the canvas looks inside (session state, never saved or undone): a trained run and one
 * sample. With a run shown, every node draws a thumbnail of its output for the sample, and the
 * node whose view is open shows its feature maps (src/renderer/insight/network). The evaluation
 * view (src/renderer/insight/evaluation) sets it when the user opens a sample.
 */
interface InsightState {
  runId: string | null
  sample: SampleSource | null
  /** The node whose view is open (a document node id, or an expanded `block/inner` id). */
  nodeId: string | null
  show(runId: string, sample: SampleSource): void
  openNode(nodeId: string | null): void
  close(): void
}

export const useInsight = create<InsightState>()((set) => ({
  runId: null,
  sample: null,
  nodeId: null,
  show: (runId, sample) => set({ runId, sample }),
  openNode: (nodeId) => set({ nodeId }),
  close: () => set({ runId: null, sample: null, nodeId: null }),
}))
