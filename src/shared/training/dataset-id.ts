import { BUILTIN_DATASETS, type BuiltinDataset, type DatasetRef } from '../api/training'

/**
 * A dataset's identity, one encoding for the whole app: a `DatasetRef` (`{ builtin: 'mnist' }`,
 * `{ folder: '/data/flowers' }`) is how a run, a preview or the panel asks for a dataset; its id
 * (`mnist`, `folder:/data/flowers`) is the key it is registered under (the `datasets` table, a run's
 * dataset, the panel's choice). The two convert into each other here and nowhere else.
 *
 * Folder paths are taken as given: this code also runs in a web page, where there is no working
 * directory. src/main makes a folder's path absolute before asking for its id, so that one folder
 * has one id whichever way its path was typed.
 */

const FOLDER = 'folder:'

export const isBuiltinDataset = (id: string): id is BuiltinDataset =>
  (BUILTIN_DATASETS as readonly string[]).includes(id)

/** The id of a dataset: the built-in's name, or `folder:<path>` for an image folder. */
export function datasetId(ref: DatasetRef): string {
  return 'builtin' in ref ? ref.builtin : `${FOLDER}${ref.folder}`
}

/** The reference an id stands for; null for an id that is neither a built-in nor a folder. */
export function datasetRefOf(id: string): DatasetRef | null {
  if (isBuiltinDataset(id)) return { builtin: id }
  if (id.startsWith(FOLDER) && id.length > FOLDER.length) return { folder: id.slice(FOLDER.length) }
  return null
}
