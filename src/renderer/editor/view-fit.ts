import { useReactFlow, useStoreApi, type Rect, type Viewport } from '@xyflow/react'
import { useCallback } from 'react'

/** The smallest text on a card is 12 px (editor.css): at this zoom it reads at 11 px on screen. */
export const CARD_TEXT_PX = 12
export const READABLE_TEXT_PX = 11
export const READABLE_ZOOM = READABLE_TEXT_PX / CARD_TEXT_PX

/** The minimap's box in the canvas's bottom-right corner (Canvas passes it; fits keep clear of it). */
export const MINIMAP = { width: 160, height: 120, margin: 15 } as const

/** Space left around a fitted graph, in screen pixels. */
const PADDING = 24

export interface Size {
  width: number
  height: number
}

/**
 * Where to look at a graph in a canvas of `size`: all of it when it fits at a readable zoom
 * (at most 100%), otherwise at the readable zoom from its top, centred on `anchorX` (the first
 * layer's centre) when it is also too wide, for the user to scroll on from there. The band under
 * the minimap, on the right, is left free so that it covers no node.
 */
export function readableViewport(bounds: Rect, anchorX: number, size: Size): Viewport {
  const width = Math.max(1, size.width - (MINIMAP.width + 2 * MINIMAP.margin) - 2 * PADDING)
  const height = Math.max(1, size.height - 2 * PADDING)
  const fit = Math.min(1, width / Math.max(1, bounds.width), height / Math.max(1, bounds.height))
  const zoom = Math.max(fit, READABLE_ZOOM)
  const centreX = bounds.width * zoom <= width ? bounds.x + bounds.width / 2 : anchorX
  const x = PADDING + width / 2 - centreX * zoom
  // Tall graphs start at their top (the input); short ones sit in the middle.
  const y =
    bounds.height * zoom <= height
      ? PADDING + (height - bounds.height * zoom) / 2 - bounds.y * zoom
      : PADDING - bounds.y * zoom
  return { x, y, zoom }
}

/** The same point of the graph in the middle of a canvas that changed from `before` to `after`. */
export function recentred(now: Viewport, before: Size, after: Size): Viewport {
  return {
    x: now.x + (after.width - before.width) / 2,
    y: now.y + (after.height - before.height) / 2,
    zoom: now.zoom,
  }
}

/** The viewport each canvas was last fitted to: while it is unchanged, the user has not moved. */
const lastFit = new WeakMap<object, Viewport>()

const same = (a: Viewport, b: Viewport) =>
  Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5 && Math.abs(a.zoom - b.zoom) < 1e-3

/**
 * The editor's one "fit": the readable view of the document's nodes (not the layers inside
 * expanded blocks: their block's box holds them). `size` defaults to the canvas's current size.
 */
export function useReadableFit() {
  const flow = useReactFlow()
  const store = useStoreApi()
  const fit = useCallback(
    (size?: Size) => {
      const { width, height } = store.getState()
      const nodes = flow.getNodes().filter((n) => !n.parentId)
      if (!nodes.length) return
      const top = nodes.reduce((a, b) => (b.position.y < a.position.y ? b : a))
      const topWidth = top.width ?? top.measured?.width ?? 0
      const viewport = readableViewport(flow.getNodesBounds(nodes), top.position.x + topWidth / 2, {
        width: size?.width ?? width,
        height: size?.height ?? height,
      })
      lastFit.set(store, viewport)
      void flow.setViewport(viewport)
    },
    [flow, store],
  )
  /**
   * After the canvas changed size (a panel opened or closed, the window resized): fit again if
   * the user has not moved since the last fit; otherwise keep the point they look at in the middle.
   */
  const refit = useCallback(
    (before: Size, after: Size) => {
      const fitted = lastFit.get(store)
      const now = flow.getViewport()
      if (fitted && same(fitted, now)) return fit(after)
      void flow.setViewport(recentred(now, before, after))
    },
    [flow, store, fit],
  )
  return { fit, refit }
}
