import type { DatasetRef } from '../../shared/api/training'
import type { GraphDocument } from '../../shared/graph/document'
import type { GraphIo } from '../../shared/graph/io'
import { datasetMismatch, type DatasetShape } from '../../shared/training/dataset-mismatch'
import { checkBuildable } from '../model/buildable'
import { loadDataset } from './catalog'
import { outlineDataset } from './dataset-outline'
import { DatasetFileError } from './idx'
import type { LoadedDataset } from './types'

/** Refuses a dataset that does not fit the graph (channels, size, classes), with the fix. */
function refuseMismatch(graph: GraphIo, shape: DatasetShape): void {
  const problems = datasetMismatch(graph, shape)
  if (problems.length)
    throw new DatasetFileError(`${shape.name} does not fit this graph: ${problems.join(' ')}`)
}

/**
 * Checks, from headers and listings only, that the dataset a run asks for is on this machine and
 * fits the graph: what `training.start` does before a run exists. Throws a DatasetFileError that
 * says what to fix.
 */
export function checkDatasetFor(graph: GraphIo, ref: DatasetRef, dataDir: string): void {
  refuseMismatch(graph, outlineDataset(ref, dataDir))
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
  const graph = checkBuildable(document)
  const ds = await loadDataset(ref, dataDir, graph.input)
  refuseMismatch(graph, {
    name: ds.name,
    image: { height: ds.train.height, width: ds.train.width, channels: ds.train.channels },
    classes: ds.classes.length,
    resizable: 'folder' in ref,
  })
  return ds
}
