import type { DatasetRef } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import { loadBuiltin } from '../datasets/catalog'
import { loadImageFolder } from '../datasets/image-folder'
import type { LoadedDataset } from '../datasets/types'
import { datasetMismatch } from '../../shared/training/dataset-mismatch'
import { preflight } from './preflight'

/** Loads a dataset reference: a built-in from this machine, or an image folder at `size`. */
export async function loadDataset(
  ref: DatasetRef,
  dataDir: string,
  size?: { height: number; width: number; channels: number },
): Promise<LoadedDataset> {
  if ('builtin' in ref) return loadBuiltin(ref.builtin, dataDir)
  return loadImageFolder(ref.folder, size ?? { height: 32, width: 32, channels: 3 })
}

/**
 * Loads the dataset a run asked for, in the graph's Input size for image folders, and refuses one
 * that does not fit the graph (channels, size, classes) with the fix, before any model is built.
 */
export async function loadDatasetFor(
  document: GraphDocument,
  ref: DatasetRef,
  dataDir: string,
): Promise<LoadedDataset> {
  const graph = preflight(document)
  const ds = await loadDataset(ref, dataDir, graph.input)
  const problems = datasetMismatch(graph, {
    name: ds.name,
    image: { height: ds.train.height, width: ds.train.width, channels: ds.train.channels },
    classes: ds.classes.length,
    resizable: 'folder' in ref,
  })
  if (problems.length) throw new Error(`${ds.name} does not fit this graph: ${problems.join(' ')}`)
  return ds
}
