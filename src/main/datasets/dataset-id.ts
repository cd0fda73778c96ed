import path from 'node:path'
import type { DatasetRef } from '../../shared/api/training'

/**
 * The id a dataset is registered under (the `datasets` table, runs): the built-in's name, or
 * `folder:<absolute path>` for an image folder, whichever way its path was typed.
 */
export function datasetId(ref: DatasetRef): string {
  return 'builtin' in ref ? ref.builtin : `folder:${path.resolve(ref.folder)}`
}
