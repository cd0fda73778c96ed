import { useEffect, useId, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import type { DatasetInfo } from '../../shared/api/training'
import type { GraphIoGuess } from '../../shared/graph/io'
import { errorMessage } from '../error-message'
import { formatBytes } from '../format'
import { datasetId, isBuiltinDataset } from '../../shared/training/dataset-id'
import { defaultChoice, isPresent, refOf, type DatasetChoice } from './dataset-fit'

type Download = { bytes: number; total: number | null; file: string }

function facts(d: DatasetInfo): string {
  if (!isPresent(d)) return 'not on this machine'
  const parts: string[] = []
  if (d.image) parts.push(`${d.image.height}×${d.image.width}×${d.image.channels}`)
  if (d.classes.length) parts.push(`${d.classes.length} classes`)
  if (d.trainSamples !== null)
    parts.push(
      `${d.trainSamples.toLocaleString('en-US')} train / ${(d.testSamples ?? 0).toLocaleString('en-US')} test`,
    )
  return parts.join(' · ')
}

/**
 * The datasets to train on: built-ins found on this machine, the others with a Download button
 * (progress from `datasets.progress`), image folders used before, and a path field for a new
 * folder (one sub-folder of images per class).
 */
export function DatasetChooser({
  api,
  io,
  value,
  onChange,
}: {
  api: Api
  io: GraphIoGuess
  value: DatasetChoice | null
  onChange(choice: DatasetChoice): void
}) {
  const name = useId()
  const [list, setList] = useState<DatasetInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [downloads, setDownloads] = useState<Record<string, Download>>({})
  const [failed, setFailed] = useState<Record<string, string>>({})
  const [folder, setFolder] = useState(value && 'folder' in value.ref ? value.ref.folder : '')

  useEffect(() => {
    let current = true
    api.datasets.list().then(
      (l) => current && setList(l),
      (e: unknown) => current && setError(errorMessage(e)),
    )
    const off = api.on('datasets.progress', ({ id, bytes, total, file }) =>
      setDownloads((d) => (id in d ? { ...d, [id]: { bytes, total, file } } : d)),
    )
    return () => {
      current = false
      off()
    }
  }, [api])

  // Offer a dataset at once: the first one here that fits the graph.
  useEffect(() => {
    if (value || !list) return
    const first = defaultChoice(list, io)
    if (first) onChange(first)
    // Only when the list arrives or changes, not on every edit of the graph.
  }, [list])

  const chosen = value ? datasetId(value.ref) : null

  const download = async (info: DatasetInfo) => {
    if (!isBuiltinDataset(info.id)) return
    const id = info.id
    setDownloads((d) => ({ ...d, [info.id]: { bytes: 0, total: null, file: '' } }))
    setFailed(({ [info.id]: _, ...rest }) => rest)
    try {
      const got = await api.datasets.download({ id })
      setList((l) => l && l.map((d) => (d.id === got.id ? got : d)))
      const ref = refOf(got)
      if (ref && isPresent(got) && (!value || !isPresent(value.info ?? got))) onChange({ ref, info: got })
    } catch (e) {
      setFailed((f) => ({ ...f, [info.id]: errorMessage(e) }))
    } finally {
      setDownloads(({ [info.id]: _, ...rest }) => rest)
    }
  }

  const chooseFolder = () => {
    const path = folder.trim()
    if (path) onChange({ ref: { folder: path }, info: null })
  }

  return (
    <fieldset className="datasets" data-testid="train-dataset">
      <legend className="sr-only">Dataset</legend>
      {error && (
        <p className="error" role="alert" data-testid="dataset-error">
          Could not list the datasets: {error}
        </p>
      )}
      {!list && !error && <p className="muted">Looking for datasets…</p>}
      <ul>
        {list?.map((d) => {
          const ref = refOf(d)
          const progress = downloads[d.id]
          return (
            <li key={d.id} data-testid={`dataset-option-${d.id}`}>
              <label>
                <input
                  type="radio"
                  name={name}
                  value={d.id}
                  checked={ref !== null && chosen === datasetId(ref)}
                  disabled={!ref || !isPresent(d)}
                  onChange={() => ref && onChange({ ref, info: d })}
                />
                {d.name}
              </label>
              <span className="muted facts">{facts(d)}</span>
              {!isPresent(d) && d.downloadable && !progress && (
                <button
                  type="button"
                  data-testid={`dataset-download-${d.id}`}
                  onClick={() => void download(d)}
                >
                  Download
                </button>
              )}
              {progress && (
                <span className="download">
                  <progress
                    data-testid={`dataset-progress-${d.id}`}
                    aria-label={`Downloading ${d.name}`}
                    value={progress.total ? progress.bytes : undefined}
                    max={progress.total ?? undefined}
                  />
                  <span className="muted">
                    {progress.file} {formatBytes(progress.bytes)}
                    {progress.total ? ` of ${formatBytes(progress.total)}` : ''}
                  </span>
                </span>
              )}
              {failed[d.id] && (
                <p className="error" role="alert" data-testid={`dataset-download-error-${d.id}`}>
                  {failed[d.id]}
                </p>
              )}
            </li>
          )
        })}
        <li className="folder">
          <label>
            <input
              type="radio"
              name={name}
              value="folder"
              checked={chosen !== null && chosen === datasetId({ folder: folder.trim() })}
              disabled={folder.trim() === ''}
              onChange={chooseFolder}
            />
            Image folder
          </label>
          <input
            type="text"
            aria-label="Image folder"
            data-testid="dataset-folder"
            placeholder="/path/to/folder (one sub-folder per class)"
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && chooseFolder()}
          />
          <button
            type="button"
            data-testid="dataset-folder-use"
            disabled={folder.trim() === ''}
            onClick={chooseFolder}
          >
            Use folder
          </button>
        </li>
      </ul>
    </fieldset>
  )
}
