import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { BuiltinDataset } from '../../shared/api/training'
import { CIFAR10_CLASSES, cifarFolder, loadCifar10 } from './cifar10'
import { DatasetFileError, pairImagesAndLabels, parseIdx } from './idx'
import { readTar } from './tar'
import type { LoadedDataset } from './types'

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist'

const IDX_FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
]

export interface BuiltinEntry {
  id: BuiltinDataset
  name: string
  classes: string[]
  image: { height: number; width: number; channels: number }
  samples: { train: number; test: number }
  /** Canonical sources with their published MD5 (the checksums torchvision uses). */
  files: { name: string; url: string; md5: string }[]
}

export const BUILTINS: Record<BuiltinDataset, BuiltinEntry> = {
  mnist: {
    id: 'mnist',
    name: 'MNIST',
    classes: [...'0123456789'],
    image: { height: 28, width: 28, channels: 1 },
    samples: { train: 60_000, test: 10_000 },
    files: IDX_FILES.map((name, i) => ({
      name,
      url: `https://ossci-datasets.s3.amazonaws.com/mnist/${name}`,
      md5: [
        'f68b3c2dcbeaaa9fbdd348bbdeb94873',
        'd53e105ee54ea40749a09fcbcd1e9432',
        '9fb629c4189551a2d022fa330f9573f3',
        'ec29112dd5afa0611ce80d1b7f02629c',
      ][i],
    })),
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST',
    classes: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
    image: { height: 28, width: 28, channels: 1 },
    samples: { train: 60_000, test: 10_000 },
    files: IDX_FILES.map((name, i) => ({
      name,
      url: `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${name}`,
      md5: [
        '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
        '25c81989df183df01b3e8a0aad5dffbe',
        'bef4ecab320f06d8554ea6380940ec79',
        'bb300cfdad3c16e7a12a480ee83cd310',
      ][i],
    })),
  },
  cifar10: {
    id: 'cifar10',
    name: 'CIFAR-10',
    classes: CIFAR10_CLASSES,
    image: { height: 32, width: 32, channels: 3 },
    samples: { train: 50_000, test: 10_000 },
    files: [
      {
        name: 'cifar-10-binary.tar.gz',
        url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      },
    ],
  },
}

const folderOf = (id: BuiltinDataset, dataDir: string) => path.join(dataDir, 'datasets', id)

const hasIdx = (dir: string) =>
  IDX_FILES.every((f) => existsSync(path.join(dir, f)) || existsSync(path.join(dir, f.replace(/\.gz$/, ''))))

/** The folder holding a built-in dataset's files on this machine, if any. */
export function locate(id: BuiltinDataset, dataDir: string): string | undefined {
  const own = folderOf(id, dataDir)
  if (id === 'cifar10') return cifarFolder(own)
  return [own, ...(id === 'fashion-mnist' ? [DEBIAN_FASHION_MNIST] : [])].find(hasIdx)
}

function readIdx(dir: string, gz: string) {
  const file = [gz, gz.replace(/\.gz$/, '')].map((f) => path.join(dir, f)).find((f) => existsSync(f))
  if (!file) throw new DatasetFileError(`${path.join(dir, gz)} is missing (gzipped or not).`)
  return parseIdx(path.basename(file), new Uint8Array(readFileSync(file)))
}

export function contentHash(ds: Pick<LoadedDataset, 'train' | 'test'>): string {
  const hash = createHash('sha256')
  for (const s of [ds.train, ds.test]) hash.update(s.images).update(s.labels)
  return hash.digest('hex')
}

/** Loads a built-in dataset from this machine, or says how to get it. */
export function loadBuiltin(id: BuiltinDataset, dataDir: string): LoadedDataset {
  const entry = BUILTINS[id]
  const dir = locate(id, dataDir)
  if (!dir)
    throw new DatasetFileError(
      `${entry.name} is not on this machine. Download it (the training panel's Download button, about ${id === 'cifar10' ? '170' : '30'} MB), or copy ${entry.files.map((f) => f.name).join(', ')} into ${folderOf(id, dataDir)}` +
        (id === 'fashion-mnist' ? `; on Debian, apt-get install dataset-fashion-mnist.` : '.'),
    )
  if (id === 'cifar10') {
    const c = loadCifar10(dir)
    return {
      id,
      name: entry.name,
      classes: c.classes,
      train: c.train,
      test: c.test,
      source: c.source,
      contentHash: contentHash(c),
      skipped: [],
    }
  }
  const pair = (prefix: string) =>
    pairImagesAndLabels(
      readIdx(dir, `${prefix}-images-idx3-ubyte.gz`),
      readIdx(dir, `${prefix}-labels-idx1-ubyte.gz`),
      [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`],
    )
  const split = { train: pair('train'), test: pair('t10k') }
  return {
    id,
    name: entry.name,
    classes: entry.classes,
    ...split,
    source: dir,
    contentHash: contentHash(split),
    skipped: [],
  }
}

export interface DownloadOptions {
  onProgress?: (p: { file: string; bytes: number; total: number | null }) => void
  /** For tests: where the files are fetched from instead of the canonical hosts. */
  baseUrl?: string
  fetch?: typeof fetch
}

/**
 * Downloads a built-in dataset from its canonical source into `<dataDir>/datasets/<id>/`, each file
 * checked against its published MD5 before it is kept (a mismatch deletes it). The files are
 * written under a temporary name and renamed, so a broken download leaves nothing half-written.
 */
export async function download(
  id: BuiltinDataset,
  dataDir: string,
  options: DownloadOptions = {},
): Promise<string> {
  const entry = BUILTINS[id]
  const dir = folderOf(id, dataDir)
  mkdirSync(dir, { recursive: true })
  const get = options.fetch ?? fetch
  for (const file of entry.files) {
    const url = options.baseUrl ? `${options.baseUrl}/${file.name}` : file.url
    let response: Response
    try {
      response = await get(url)
    } catch (e) {
      throw new DatasetFileError(
        `Could not download ${url} (${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}): this machine may be offline. Copy ${entry.files.map((f) => f.name).join(', ')} into ${dir} instead, or import them with \`cnn-studio datasets import ${id} <folder>\`.`,
      )
    }
    if (!response.ok || !response.body)
      throw new DatasetFileError(
        `Could not download ${url}: the server answered ${response.status} ${response.statusText}.`,
      )
    const total = Number(response.headers.get('content-length')) || null
    const chunks: Uint8Array[] = []
    let bytes = 0
    let last = 0
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk)
      bytes += chunk.length
      if (bytes - last > 1 << 20 || bytes === total) {
        last = bytes
        options.onProgress?.({ file: file.name, bytes, total })
      }
    }
    const data = Buffer.concat(chunks)
    const md5 = createHash('md5').update(data).digest('hex')
    if (md5 !== file.md5)
      throw new DatasetFileError(
        `${file.name} from ${url} failed its checksum (MD5 ${md5}, expected ${file.md5}): it was not kept. Try again later, or copy the file into ${dir}.`,
      )
    if (file.name.endsWith('.tar.gz')) {
      for (const entryFile of readTar(gunzipSync(data), file.name)) {
        const target = path.join(dir, entryFile.path)
        mkdirSync(path.dirname(target), { recursive: true })
        writeFileSync(`${target}.part`, entryFile.bytes)
        renameSync(`${target}.part`, target)
      }
    } else {
      const target = path.join(dir, file.name)
      writeFileSync(`${target}.part`, data)
      renameSync(`${target}.part`, target)
    }
  }
  const found = locate(id, dataDir)
  if (!found) {
    rmSync(dir, { recursive: true, force: true })
    throw new DatasetFileError(`${entry.name} downloaded, but its files are not in the expected layout.`)
  }
  return found
}

/**
 * Imports a built-in dataset from files the user already has: a folder holding the IDX files (or
 * CIFAR-10's batches), or CIFAR-10's `cifar-10-binary.tar.gz`. The files are checked by loading
 * them from where they are first; only then are they copied into the data folder.
 */
export function importLocal(id: BuiltinDataset, source: string, dataDir: string): string {
  const entry = BUILTINS[id]
  if (!existsSync(source)) throw new DatasetFileError(`${source} does not exist.`)
  const dir = folderOf(id, dataDir)
  const staging = `${dir}.import`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  try {
    if (statSync(source).isFile()) {
      if (id !== 'cifar10' || !source.endsWith('.tar.gz'))
        throw new DatasetFileError(
          `${source}: give the folder holding ${entry.files.map((f) => f.name).join(', ')}${id === 'cifar10' ? ', or cifar-10-binary.tar.gz' : ''}.`,
        )
      for (const f of readTar(gunzipSync(readFileSync(source)), path.basename(source))) {
        mkdirSync(path.dirname(path.join(staging, f.path)), { recursive: true })
        writeFileSync(path.join(staging, f.path), f.bytes)
      }
    } else if (id === 'cifar10') {
      const found = cifarFolder(source)
      if (!found)
        throw new DatasetFileError(
          `${source} holds no CIFAR-10 binary batches (test_batch.bin, data_batch_1.bin …).`,
        )
      cpSync(found, path.join(staging, 'cifar-10-batches-bin'), { recursive: true })
    } else {
      if (!hasIdx(source))
        throw new DatasetFileError(
          `${source} does not hold the four ${entry.name} IDX files (${IDX_FILES.join(', ')}, gzipped or not).`,
        )
      for (const f of IDX_FILES)
        for (const name of [f, f.replace(/\.gz$/, '')])
          if (existsSync(path.join(source, name))) cpSync(path.join(source, name), path.join(staging, name))
    }
    // Parse before keeping: a damaged file is refused here, with its reason.
    const probe = path.join(staging, '..', `.probe-${id}`)
    rmSync(probe, { recursive: true, force: true })
    mkdirSync(path.join(probe, 'datasets'), { recursive: true })
    renameSync(staging, path.join(probe, 'datasets', id))
    try {
      loadBuiltin(id, probe)
    } catch (e) {
      rmSync(probe, { recursive: true, force: true })
      throw e
    }
    rmSync(dir, { recursive: true, force: true })
    renameSync(path.join(probe, 'datasets', id), dir)
    rmSync(probe, { recursive: true, force: true })
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
  return locate(id, dataDir)!
}
