import type { DatasetInfo, DatasetRef } from '../../shared/api/training'
import type { GraphIoGuess } from '../../shared/graph/io'
import { datasetRefOf, isBuiltinDataset } from '../../shared/training/dataset-id'
import { datasetMismatch, type DatasetShape } from '../../shared/training/dataset-mismatch'

/**
 * Why a dataset does not fit the graph, each with what to change (the services' own check, so the
 * panel says the same as a refused start). What the graph leaves open is not checked.
 */
export function mismatchOf(io: GraphIoGuess, data: DatasetShape): string[] {
  return datasetMismatch({ input: io.input ?? data.image, classes: io.classes ?? data.classes }, data)
}

/** How to ask for a listed dataset: a built-in by its id, an image folder by its path. */
export function refOf(info: DatasetInfo): DatasetRef | null {
  const ref = datasetRefOf(info.id)
  if (ref && 'builtin' in ref) return ref
  return info.location ? { folder: info.location } : null
}

/** Whether a listed dataset can be trained on now (a built-in must be on this machine). */
export const isPresent = (info: DatasetInfo): boolean => info.location !== null

/** The dataset's shape as the mismatch check needs it, from a listing (null when unknown). */
export function shapeOf(info: DatasetInfo): DatasetShape | null {
  if (!info.image || info.classes.length === 0) return null
  return {
    name: info.name,
    image: info.image,
    classes: info.classes.length,
    resizable: !isBuiltinDataset(info.id),
  }
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
