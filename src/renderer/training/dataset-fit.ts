import { BUILTIN_DATASETS, type DatasetInfo, type DatasetRef } from '../../shared/api/training'
import type { GraphNode } from '../../shared/graph/document'
import { parseParams } from '../../shared/graph/parse-params'
import { getLayer } from '../../shared/layers/registry'
import { datasetId, datasetRefOf } from '../../shared/training/dataset-id'
import { datasetMismatch, type DatasetShape } from '../../shared/training/dataset-mismatch'

/** What the graph's Input takes and its Output predicts; null where the graph does not say (yet). */
export interface GraphIoGuess {
  input: { height: number; width: number; channels: number } | null
  classes: number | null
}

/** The parameters of the only node of a kind, with the kind's defaults; null without exactly one. */
function onlyParams<T>(nodes: readonly GraphNode[], kind: 'Input' | 'Output'): T | null {
  const found = nodes.filter((n) => n.kind === kind)
  const spec = getLayer(kind)
  if (found.length !== 1 || !spec) return null
  const parsed = parseParams(spec.params, found[0].params)
  return parsed.error ? null : (parsed.value as T)
}

/** Reads the Input's size and the Output's classes from the document being edited. */
export function graphIo(nodes: readonly GraphNode[]): GraphIoGuess {
  return {
    input: onlyParams<{ height: number; width: number; channels: number }>(nodes, 'Input'),
    classes: onlyParams<{ classes: number }>(nodes, 'Output')?.classes ?? null,
  }
}

/**
 * Why a dataset does not fit the graph, each with what to change (the services' own check, so the
 * panel says the same as a refused start). What the graph leaves open is not checked.
 */
export function mismatchOf(io: GraphIoGuess, data: DatasetShape): string[] {
  return datasetMismatch({ input: io.input ?? data.image, classes: io.classes ?? data.classes }, data)
}

export const isBuiltin = (id: string): id is (typeof BUILTIN_DATASETS)[number] =>
  (BUILTIN_DATASETS as readonly string[]).includes(id)

/** How to ask for a listed dataset: a built-in by its id, an image folder by its path. */
export function refOf(info: DatasetInfo): DatasetRef | null {
  const ref = datasetRefOf(info.id)
  if (ref && 'builtin' in ref) return ref
  return info.location ? { folder: info.location } : null
}

/** Whether a listed dataset can be trained on now (a built-in must be on this machine). */
export const isPresent = (info: DatasetInfo): boolean => info.location !== null

/** A stable key for a dataset choice: its id (`mnist`, `folder:/data/flowers`). */
export const keyOf = (ref: DatasetRef): string => datasetId(ref)

/** The dataset's shape as the mismatch check needs it, from a listing (null when unknown). */
export function shapeOf(info: DatasetInfo): DatasetShape | null {
  if (!info.image || info.classes.length === 0) return null
  return { name: info.name, image: info.image, classes: info.classes.length, resizable: !isBuiltin(info.id) }
}

/** The dataset the panel trains on: how to ask for it, and its listing when it has one. */
export interface DatasetChoice {
  ref: DatasetRef
  info: DatasetInfo | null
}

/** The dataset to offer first: one on this machine that fits the graph, else any on this machine. */
export function defaultChoice(list: DatasetInfo[], io: GraphIoGuess): DatasetChoice | null {
  const usable = list.filter((d) => isPresent(d) && refOf(d))
  const fits = usable.find((d) => {
    const shape = shapeOf(d)
    return shape !== null && mismatchOf(io, shape).length === 0
  })
  const info = fits ?? usable[0]
  return info ? { ref: refOf(info)!, info } : null
}
