import type { DatasetRef } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import { checkBuildable } from '../model/buildable'
import { loadDataset } from './catalog'
import type { LoadedDataset } from './types'
import { datasetMismatch } from '../../shared/training/dataset-mismatch'

/**
 * Loads the dataset a run asked for, in the graph's Input size for image folders, and refuses one
 * that does not fit the graph (channels, size, classes) with the fix, before any model is built.
 */
export async function loadDatasetFor(
  document: GraphDocument,
  ref: DatasetRef,
  dataDir: string,
): Promise<LoadedDataset> {
  const graph = checkBuildable(document)
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
