import { createHash } from 'node:crypto'
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { BUILTIN_DATASETS, type BuiltinDataset, type DatasetRef } from '../../shared/api/training'
import { CIFAR10_CLASSES, CIFAR10_FILES, cifarFolder, completeCifarFolder, loadCifar10 } from './cifar10'
import { DatasetFileError } from './idx'
import { loadImageFolder, type ImageSize } from './image-folder'
import {
  FASHION_MNIST_CLASSES,
  hasMnistFiles,
  loadMnist,
  MNIST_CLASSES,
  MNIST_GZ_FILES,
  mnistFilesIn,
} from './mnist'
import { recordSkipped } from './skipped-list'
import { extractTarGz, readTar } from './tar'
import type { LoadedDataset } from './types'

export { contentHash } from './hash'

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist'

export interface BuiltinEntry {
  id: BuiltinDataset
  name: string
  classes: string[]
  image: { height: number; width: number; channels: number }
  samples: { train: number; test: number }
  /** About how much is downloaded, in bytes. */
  downloadBytes: number
  /** Canonical sources with their published MD5 (the checksums torchvision uses). */
  files: { name: string; url: string; md5: string }[]
}

const idxFiles = (base: string, md5: string[]) =>
  MNIST_GZ_FILES.map((name, i) => ({ name, url: `${base}${name}`, md5: md5[i] }))

export const BUILTINS: Record<BuiltinDataset, BuiltinEntry> = {
  mnist: {
    id: 'mnist',
    name: 'MNIST',
    classes: MNIST_CLASSES,
    image: { height: 28, width: 28, channels: 1 },
    samples: { train: 60_000, test: 10_000 },
    downloadBytes: 11_600_000,
    // torchvision's mirror: the original host (yann.lecun.com) no longer serves the files reliably.
    files: idxFiles('https://ossci-datasets.s3.amazonaws.com/mnist/', [
      'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'd53e105ee54ea40749a09fcbcd1e9432',
      '9fb629c4189551a2d022fa330f9573f3',
      'ec29112dd5afa0611ce80d1b7f02629c',
    ]),
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST',
    classes: FASHION_MNIST_CLASSES,
    image: { height: 28, width: 28, channels: 1 },
    samples: { train: 60_000, test: 10_000 },
    downloadBytes: 30_900_000,
    files: idxFiles('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/', [
      '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      '25c81989df183df01b3e8a0aad5dffbe',
      'bef4ecab320f06d8554ea6380940ec79',
      'bb300cfdad3c16e7a12a480ee83cd310',
    ]),
  },
  cifar10: {
    id: 'cifar10',
    name: 'CIFAR-10',
    classes: CIFAR10_CLASSES,
    image: { height: 32, width: 32, channels: 3 },
    samples: { train: 50_000, test: 10_000 },
    downloadBytes: 170_052_171,
    files: [
      {
        name: 'cifar-10-binary.tar.gz',
        url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      },
    ],
  },
}

function entryOf(id: string): BuiltinEntry {
  if (!(BUILTIN_DATASETS as readonly string[]).includes(id))
    throw new DatasetFileError(
      `There is no built-in dataset '${id}'; the built-ins are ${BUILTIN_DATASETS.join(', ')}.`,
    )
  return BUILTINS[id as BuiltinDataset]
}

/** `<dataDir>/datasets/<id>`: where downloads and imports of a built-in go. */
export function datasetFolder(id: BuiltinDataset, dataDir: string): string {
  return path.join(dataDir, 'datasets', id)
}

/** The folder holding all of a built-in dataset's files on this machine, if there is one. */
export function locate(id: BuiltinDataset, dataDir: string): string | undefined {
  const own = datasetFolder(id, dataDir)
  if (entryOf(id).id === 'cifar10') return completeCifarFolder(own)
  return [own, ...(id === 'fashion-mnist' ? [DEBIAN_FASHION_MNIST] : [])].find(hasMnistFiles)
}

const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`

/** How to get a built-in without this app downloading it. */
function importHint(entry: BuiltinEntry, dataDir: string): string {
  return (
    `copy ${entry.files.map((f) => f.name).join(', ')} into ${datasetFolder(entry.id, dataDir)}, or import files you already have with \`cnn-studio datasets import ${entry.id} <folder>\`` +
    (entry.id === 'fashion-mnist' ? `; on Debian, apt-get install dataset-fashion-mnist` : '')
  )
}

/** The folder a built-in dataset is read from on this machine, or a DatasetFileError saying how to get it. */
export function builtinFolder(id: BuiltinDataset, dataDir: string): string {
  const entry = entryOf(id)
  const own = datasetFolder(id, dataDir)
  // A folder of our own that is incomplete is read anyway: its error names what is missing.
  const dir = locate(id, dataDir) ?? (existsSync(own) && readdirSync(own).length > 0 ? own : undefined)
  if (!dir)
    throw new DatasetFileError(
      `${entry.name} is not on this machine. Download it (the training panel's Download button, or \`cnn-studio datasets download ${id}\`; about ${mb(entry.downloadBytes)}), or ${importHint(entry, dataDir)}.`,
    )
  return dir
}

/** Loads a built-in dataset from this machine, or says how to get it. */
export function loadBuiltin(id: BuiltinDataset, dataDir: string): LoadedDataset {
  const dir = builtinFolder(id, dataDir)
  return id === 'cifar10' ? loadCifar10(dir) : loadMnist(dir, id)
}

/** The size image folders are read at when none is given. */
export const DEFAULT_FOLDER_SIZE: ImageSize = { height: 32, width: 32, channels: 3 }

/**
 * Loads a dataset: a built-in from this machine (at its own size: `size` applies to image folders
 * only, which are resized to it), or a folder of class sub-folders of images, whose skipped files
 * are listed in the data folder (skipped-list.ts).
 */
export function loadDataset(ref: DatasetRef, dataDir: string, size?: ImageSize): LoadedDataset {
  if ('builtin' in ref) return loadBuiltin(ref.builtin, dataDir)
  const ds = loadImageFolder(ref.folder, size ?? DEFAULT_FOLDER_SIZE)
  recordSkipped(dataDir, ds.source, ds.skipped)
  return ds
}

/** Whether `dir` holds the complete files of a built-in, as laid out in its dataset folder. */
const complete = (id: BuiltinDataset, dir: string) =>
  id === 'cifar10' ? completeCifarFolder(dir) !== undefined : hasMnistFiles(dir)

/** Replaces `<dataDir>/datasets/<id>` with the prepared folder `staging` (on the same disk). */
function moveIntoPlace(id: BuiltinDataset, staging: string, dataDir: string): string {
  const dir = datasetFolder(id, dataDir)
  const old = `${dir}.old-${process.pid}-${Date.now()}`
  if (existsSync(dir)) renameSync(dir, old)
  try {
    renameSync(staging, dir)
  } catch (e) {
    if (existsSync(old)) renameSync(old, dir)
    throw new DatasetFileError(`Cannot move the files into ${dir} (${(e as Error).message}).`)
  }
  rmSync(old, { recursive: true, force: true })
  return locate(id, dataDir) ?? dir
}

/**
 * A fresh folder next to the dataset folders, for a download or import to prepare files in. Those
 * a crashed run left behind (a day old) are removed first.
 */
function stagingFolder(dataDir: string, what: string): string {
  const parent = path.join(dataDir, 'datasets')
  try {
    mkdirSync(parent, { recursive: true })
    for (const n of readdirSync(parent))
      if (n.startsWith(`.${what}-`) && Date.now() - statSync(path.join(parent, n)).mtimeMs > 86_400_000)
        rmSync(path.join(parent, n), { recursive: true, force: true })
    return mkdtempSync(path.join(parent, `.${what}-`))
  } catch (e) {
    throw new DatasetFileError(
      `Cannot write to ${parent} (${(e as Error).message}). Check the data folder's permissions and free space.`,
    )
  }
}

export interface DownloadProgress {
  /** The file being downloaded. */
  file: string
  /** Bytes received so far. */
  bytes: number
  /** The file's size when the server says it, else null. */
  total: number | null
}

export interface DownloadOptions {
  /** Called when each file starts (0 bytes), as bytes arrive (about every 256 KB) and when it is complete. */
  onProgress?: (p: DownloadProgress) => void
  /** For tests: where the files are fetched from instead of the canonical hosts. */
  baseUrl?: string
  /** For tests, or a proxy-aware fetch. */
  fetch?: typeof fetch
  signal?: AbortSignal
}

const PROGRESS_STEP = 256 * 1024

/** Streams `url` into `target`, reporting progress; returns the MD5 of what arrived. */
async function fetchToFile(
  url: string,
  target: string,
  file: string,
  entry: BuiltinEntry,
  dataDir: string,
  options: DownloadOptions,
): Promise<string> {
  const cannot = (why: string) =>
    new DatasetFileError(
      `Could not download ${url} (${why}): this machine may be offline, or the server cannot be reached. To use files you already have instead, ${importHint(entry, dataDir)}.`,
    )
  const cancelled = () => new DatasetFileError(`The download of ${url} was cancelled; nothing was kept.`)
  let response: Response
  try {
    response = await (options.fetch ?? fetch)(url, { signal: options.signal })
  } catch (e) {
    if (options.signal?.aborted) throw cancelled()
    const err = e as Error & { cause?: Error & { code?: string } }
    throw cannot(err.cause?.code ?? err.cause?.message ?? err.message)
  }
  if (!response.ok || !response.body)
    throw new DatasetFileError(
      `Could not download ${url}: the server answered ${response.status} ${response.statusText}. Try again later, or ${importHint(entry, dataDir)}.`,
    )
  const total = Number(response.headers.get('content-length')) || null
  const md5 = createHash('md5')
  const fd = openSync(target, 'w')
  let bytes = 0
  let reported = 0
  try {
    options.onProgress?.({ file, bytes: 0, total })
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done)
      md5.update(chunk)
      bytes += chunk.length
      if (bytes - reported >= PROGRESS_STEP) {
        reported = bytes
        options.onProgress?.({ file, bytes, total })
      }
    }
  } catch (e) {
    if (options.signal?.aborted) throw cancelled()
    if (typeof (e as NodeJS.ErrnoException).code === 'string' && !(e instanceof TypeError))
      throw new DatasetFileError(`Could not write ${target} (${(e as Error).message}).`)
    const err = e as Error & { cause?: Error & { code?: string } }
    throw cannot(
      `the connection broke after ${bytes} bytes: ${err.cause?.code ?? err.cause?.message ?? err.message}`,
    )
  } finally {
    closeSync(fd)
  }
  if (total !== null && bytes !== total)
    throw cannot(`the server sent ${bytes} of the ${total} bytes it announced`)
  if (reported !== bytes || bytes === 0) options.onProgress?.({ file, bytes, total })
  return md5.digest('hex')
}

/**
 * Downloads a built-in dataset from its canonical source into `<dataDir>/datasets/<id>/`: each
 * file goes to a temporary folder and is checked against its published MD5 (a mismatch deletes it
 * and says so), CIFAR-10's archive is extracted there, and only a complete set of files is renamed
 * into place, so a failed download leaves nothing half-written and keeps what was there before.
 * Returns the folder the dataset is now found in.
 */
export async function download(
  id: BuiltinDataset,
  dataDir: string,
  options: DownloadOptions = {},
): Promise<string> {
  const entry = entryOf(id)
  const staging = stagingFolder(dataDir, `download-${id}`)
  try {
    for (const file of entry.files) {
      const url = options.baseUrl ? `${options.baseUrl.replace(/\/$/, '')}/${file.name}` : file.url
      const part = path.join(staging, `${file.name}.part`)
      const md5 = await fetchToFile(url, part, file.name, entry, dataDir, options)
      if (md5 !== file.md5) {
        rmSync(part, { force: true })
        throw new DatasetFileError(
          `${file.name} from ${url} failed its checksum (MD5 ${md5}, expected ${file.md5}): it was deleted, not kept. The download was damaged or the server sent another file; try again later, or ${importHint(entry, dataDir)}.`,
        )
      }
      if (file.name.endsWith('.tar.gz')) {
        await extractTarGz(part, staging)
        rmSync(part, { force: true })
      } else renameSync(part, path.join(staging, file.name))
    }
    if (!complete(id, staging))
      throw new DatasetFileError(
        `${entry.name} was downloaded and its checksums match, but its files are not in the expected layout (${readdirSync(staging).join(', ')}).`,
      )
    return moveIntoPlace(id, staging, dataDir)
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** Folders where users' copies of MNIST-format files often sit inside the folder they pick. */
const mnistCandidates = (dir: string) =>
  ['', 'raw', 'MNIST/raw', 'FashionMNIST/raw'].map((sub) => path.join(dir, sub))

/** Why the data folder could not take the files, and what to check. */
const cannotStore = (what: string, dataDir: string, e: unknown) =>
  new DatasetFileError(
    `Could not ${what} into ${path.join(dataDir, 'datasets')} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the data folder's permissions and free space.`,
  )

/** Copies the user's `file` into `dir` (in the staging folder). */
function copyInto(file: string, dir: string, dataDir: string): void {
  try {
    copyFileSync(file, path.join(dir, path.basename(file)))
  } catch (e) {
    throw cannotStore(`copy ${file}`, dataDir, e)
  }
}

/**
 * Runs `check` on files extracted from the user's `archive` into `staging`, and names the archive
 * and its member in any error instead of the temporary copy (removed by the time the user reads it).
 */
function inArchive<T>(archive: string, staging: string, check: () => T): T {
  try {
    return check()
  } catch (e) {
    if (!(e instanceof DatasetFileError)) throw e
    const inside = e.message.split(`${staging}${path.sep}`).join(`${archive}: `)
    throw new DatasetFileError(inside.split(staging).join(archive))
  }
}

/**
 * Imports a built-in dataset from files the user already has: a folder holding the four IDX files
 * (gzipped or not; torchvision's `MNIST/raw/` layout is found too), or CIFAR-10's batches (the
 * folder or its `cifar-10-batches-bin/`) or `cifar-10-binary.tar.gz`. The files are checked where
 * they are, so that every error names the user's file (an archive's, with its member), then copied
 * to a temporary folder that is renamed into `<dataDir>/datasets/<id>/`, replacing what was there.
 * Returns the folder.
 */
export function importLocal(id: BuiltinDataset, source: string, dataDir: string): string {
  const entry = entryOf(id)
  if (!existsSync(source))
    throw new DatasetFileError(
      `${source} does not exist. Check the path: give the folder holding ${entry.files.map((f) => f.name).join(', ')}${id === 'cifar10' ? ', or the archive itself' : ''}.`,
    )
  const isFile = statSync(source).isFile()
  const archive =
    id === 'cifar10' &&
    (isFile ? source : [path.join(source, entry.files[0].name)].find((f) => existsSync(f)))
  const fromArchive = archive && (isFile || !cifarFolder(source))
  if (fromArchive && !/\.(tar\.gz|tgz)$/.test(archive))
    throw new DatasetFileError(
      `${source} is not a .tar.gz archive: give CIFAR-10's folder of batches (data_batch_1.bin …), or cifar-10-binary.tar.gz.`,
    )
  if (!fromArchive && isFile)
    throw new DatasetFileError(
      `${source} is a file: give the folder holding ${entry.files.map((f) => f.name).join(', ')} (gzipped or not).`,
    )
  let found: string | undefined
  if (!fromArchive) {
    found =
      id === 'cifar10'
        ? cifarFolder(source)
        : mnistCandidates(source).find((d) => existsSync(d) && mnistFilesIn(d).length > 0)
    if (!found)
      throw new DatasetFileError(
        id === 'cifar10'
          ? `${source} holds no CIFAR-10 binary batches (data_batch_1.bin … data_batch_5.bin, test_batch.bin) and no cifar-10-binary.tar.gz. Give the folder they are in, or the archive.`
          : `${source} does not hold the ${entry.name} IDX files (${MNIST_GZ_FILES.join(', ')}, gzipped or not). Give the folder they are in.`,
      )
    // Parse before copying: a missing or damaged file is refused here, by its own name.
    if (id === 'cifar10') loadCifar10(found)
    else loadMnist(found, id)
  }
  const staging = stagingFolder(dataDir, `import-${id}`)
  try {
    if (fromArchive) {
      let gz: Uint8Array
      try {
        gz = readFileSync(archive)
      } catch (e) {
        throw new DatasetFileError(
          `${archive} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check its permissions.`,
        )
      }
      let tar: Uint8Array
      try {
        tar = gunzipSync(gz)
      } catch (e) {
        throw new DatasetFileError(
          `${archive}: the gzip data is damaged (${(e as Error).message}). Download cifar-10-binary.tar.gz again.`,
        )
      }
      for (const f of readTar(tar, archive)) {
        const target = path.join(staging, f.path)
        try {
          mkdirSync(path.dirname(target), { recursive: true })
          writeFileSync(target, f.bytes)
        } catch (e) {
          throw cannotStore(`unpack ${archive}`, dataDir, e)
        }
      }
      inArchive(archive, staging, () => loadCifar10(staging))
    } else if (id === 'cifar10') {
      const into = path.join(staging, 'cifar-10-batches-bin')
      mkdirSync(into)
      for (const f of CIFAR10_FILES)
        if (existsSync(path.join(found!, f))) copyInto(path.join(found!, f), into, dataDir)
    } else {
      for (const f of mnistFilesIn(found!)) copyInto(f, staging, dataDir)
    }
    return moveIntoPlace(id, staging, dataDir)
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
