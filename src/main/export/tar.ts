/**
 * A folder as one POSIX ustar archive, for downloading a folder format (TF.js, PyTorch) from the
 * browser. Written here rather than with a library: tar-stream is in node_modules only as a
 * dependency of better-sqlite3's prebuild-install (not ours to import, and untyped), and writing
 * is one 512-byte header per file. Every tar, 7-Zip and the OS archive tools read it.
 */

const BLOCK = 512

export interface TarFile {
  name: string
  data: Uint8Array | string
}

/** `text` as ASCII into `field` (offset, length) of a header; throws when it does not fit. */
function put(header: Buffer, offset: number, length: number, text: string) {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length > length) throw new Error(`'${text}' is too long for a tar header (${length} bytes).`)
  bytes.copy(header, offset)
}

const octal = (n: number, digits: number) => n.toString(8).padStart(digits, '0')

function header(prefix: string, name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK)
  put(h, 0, 100, name)
  put(h, 100, 8, '0000644\0')
  put(h, 108, 8, '0000000\0')
  put(h, 116, 8, '0000000\0')
  put(h, 124, 12, `${octal(size, 11)}\0`)
  put(h, 136, 12, `${octal(Math.floor(mtime / 1000), 11)}\0`)
  h.fill(' ', 148, 156)
  put(h, 156, 1, '0')
  put(h, 257, 8, 'ustar\u000000')
  put(h, 345, 155, prefix)
  let sum = 0
  for (const b of h) sum += b
  put(h, 148, 8, `${octal(sum, 6)}\0 `)
  return h
}

/**
 * The files (flat names) of `folder` as a tar archive; `mtime` in milliseconds. No entry for the
 * folder itself: extracting creates it, and its name alone may exceed the 100-byte name field.
 */
export function tarFolder(folder: string, files: TarFile[], mtime = Date.now()): Buffer {
  const parts: Buffer[] = []
  for (const f of files) {
    const data = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : Buffer.from(f.data)
    // The folder goes in the prefix field (155 bytes), so a long project name still fits.
    parts.push(header(folder, f.name, data.length, mtime), data)
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK
    if (pad) parts.push(Buffer.alloc(pad))
  }
  parts.push(Buffer.alloc(2 * BLOCK))
  return Buffer.concat(parts)
}
