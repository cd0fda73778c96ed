import { closeSync, createReadStream, mkdirSync, openSync, writeSync } from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { DatasetFileError } from './idx'

const BLOCK = 512

/**
 * A streaming reader of (POSIX ustar, GNU or pax) tar archives, enough for dataset archives such
 * as cifar-10-binary.tar.gz: bytes go in by `push` in chunks of any size; each regular file is
 * announced to `onFile`, which returns where its bytes go (or null to skip them), and `onFileEnd`
 * follows its last byte. GNU long names and pax `path` records are honoured; links, folders and
 * special files are skipped; a name that would escape the destination (absolute, `..`) is refused,
 * as is a header whose checksum is wrong (not a tar archive, or a damaged one).
 */
export class TarReader {
  private header = new Uint8Array(BLOCK)
  private headerFill = 0
  private remaining = 0
  private padding = 0
  private sink: ((chunk: Uint8Array) => void) | null = null
  private meta: Uint8Array[] | null = null
  private metaType = ''
  private nextPath: string | undefined
  private current = ''
  private offset = 0
  private entries = 0
  private ended = false

  constructor(
    private readonly name: string,
    private readonly onFile: (path: string, size: number) => ((chunk: Uint8Array) => void) | null,
    private readonly onFileEnd: (path: string) => void = () => {},
  ) {}

  push(chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length && !this.ended) {
      const left = chunk.length - at
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, left)
        const part = chunk.subarray(at, at + take)
        if (this.meta) this.meta.push(part.slice())
        else this.sink?.(part)
        this.remaining -= take
        at += take
        this.offset += take
        if (this.remaining === 0) this.endEntry()
      } else if (this.padding > 0) {
        const take = Math.min(this.padding, left)
        this.padding -= take
        at += take
        this.offset += take
      } else {
        const take = Math.min(BLOCK - this.headerFill, left)
        this.header.set(chunk.subarray(at, at + take), this.headerFill)
        this.headerFill += take
        at += take
        this.offset += take
        if (this.headerFill === BLOCK) {
          this.headerFill = 0
          this.startEntry(this.offset - BLOCK)
        }
      }
    }
  }

  /** Call after the last chunk: refuses an archive that ends inside an entry or holds nothing. */
  finish(): void {
    if (this.remaining > 0 || this.headerFill > 0)
      throw new DatasetFileError(
        `${this.name}: the archive ends inside ${this.current || 'a header'}; it is truncated. Download it again.`,
      )
    if (this.entries === 0)
      throw new DatasetFileError(`${this.name}: the archive holds no files. Download it again.`)
  }

  private text(at: number, length: number): string {
    const raw = this.header.subarray(at, at + length)
    const end = raw.indexOf(0)
    return new TextDecoder().decode(end === -1 ? raw : raw.subarray(0, end))
  }

  /** A numeric header field: octal text, or GNU base-256 (for sizes beyond 8 GB); NaN if neither. */
  private number(at: number, length: number): number {
    const raw = this.header.subarray(at, at + length)
    if (raw[0] & 0x80) {
      let v = raw[0] & 0x7f
      for (let i = 1; i < length; i++) v = v * 256 + raw[i]
      return v
    }
    const s = this.text(at, length).trim()
    return /^[0-7]*$/.test(s) ? (s ? parseInt(s, 8) : 0) : Number.NaN
  }

  private startEntry(offset: number): void {
    const h = this.header
    if (h.every((b) => b === 0)) {
      this.ended = true
      return
    }
    let sum = 0
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]
    if (this.number(148, 8) !== sum)
      throw new DatasetFileError(
        offset === 0
          ? `${this.name} is not a tar archive. Download it again.`
          : `${this.name}: the tar header at byte ${offset} is damaged (its checksum does not match). Download it again.`,
      )
    this.entries++
    const size = this.number(124, 12)
    if (Number.isNaN(size))
      throw new DatasetFileError(
        `${this.name}: the tar header at byte ${offset} has no valid size. Download it again.`,
      )
    const type = String.fromCharCode(h[156] || 48)
    // The 155-byte name prefix exists in POSIX ustar only (GNU keeps other fields there).
    const prefix = this.text(257, 6) === 'ustar' ? this.text(345, 155) : ''
    const name = this.nextPath ?? (prefix ? `${prefix}/` : '') + this.text(0, 100)
    this.remaining = size
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK
    this.sink = null
    this.meta = null
    if (type === 'L' || type === 'x') {
      this.meta = []
      this.metaType = type
      this.current = `a ${type === 'L' ? 'GNU long name' : 'pax header'}`
    } else {
      this.nextPath = undefined
      this.current = name
      if (type === '0' || type === '7') {
        const parts = name.split('/')
        if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || parts.includes('..'))
          throw new DatasetFileError(
            `${this.name}: refusing the entry ${name}, which points outside its folder.`,
          )
        this.sink = this.onFile(name, size)
      }
    }
    if (size === 0) this.endEntry()
  }

  private endEntry(): void {
    if (this.meta) {
      const text = Buffer.concat(this.meta).toString('utf8')
      this.meta = null
      if (this.metaType === 'L') this.nextPath = text.replace(/\0.*$/s, '')
      else
        for (const record of text.split('\n')) {
          const m = /^\d+ path=(.*)$/s.exec(record)
          if (m) this.nextPath = m[1]
        }
    } else if (this.sink) {
      this.sink = null
      this.onFileEnd(this.current)
    }
  }
}

/** The regular files of a tar archive held in memory (already gunzipped): path and bytes. */
export function readTar(archive: Uint8Array, name: string): { path: string; bytes: Uint8Array }[] {
  const files: { path: string; bytes: Uint8Array }[] = []
  const reader = new TarReader(name, (file, size) => {
    const bytes = new Uint8Array(size)
    let fill = 0
    files.push({ path: file, bytes })
    return (chunk) => {
      bytes.set(chunk, fill)
      fill += chunk.length
    }
  })
  reader.push(archive)
  reader.finish()
  return files
}

/**
 * Extracts a .tar.gz file into `dest`, streaming (the archive is never whole in memory). Returns
 * the paths of the regular files written, relative to `dest`. A damaged archive is a
 * DatasetFileError; files already written stay in `dest` for the caller to remove.
 */
export async function extractTarGz(file: string, dest: string): Promise<string[]> {
  const name = path.basename(file)
  const written: string[] = []
  let fd: number | null = null
  const close = () => {
    if (fd !== null) closeSync(fd)
    fd = null
  }
  const reader = new TarReader(
    name,
    (entry) => {
      const target = path.join(dest, entry)
      mkdirSync(path.dirname(target), { recursive: true })
      fd = openSync(target, 'w')
      written.push(entry)
      return (chunk) => {
        for (let done = 0; done < chunk.length;) done += writeSync(fd!, chunk, done, chunk.length - done)
      }
    },
    close,
  )
  try {
    await pipeline(createReadStream(file), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) reader.push(chunk)
    })
    reader.finish()
  } catch (e) {
    if (e instanceof DatasetFileError) throw e
    const err = e as NodeJS.ErrnoException
    throw new DatasetFileError(
      err.code?.startsWith('Z_')
        ? `${name}: the gzip data is damaged (${err.message}). Download it again.`
        : `${name} could not be extracted into ${dest} (${err.message}).`,
    )
  } finally {
    close()
  }
  return written
}
