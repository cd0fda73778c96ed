import { DatasetFileError } from './idx'

/**
 * The regular files of a (ustar or GNU) tar archive, already gunzipped: name and bytes. Enough for
 * dataset archives such as cifar-10-binary.tar.gz; links and special files are skipped, and names
 * that would escape the destination (absolute, `..`) are refused.
 */
export function readTar(archive: Uint8Array, name: string): { path: string; bytes: Uint8Array }[] {
  const files: { path: string; bytes: Uint8Array }[] = []
  const text = (at: number, len: number) => {
    const raw = archive.subarray(at, at + len)
    const end = raw.indexOf(0)
    return new TextDecoder().decode(end === -1 ? raw : raw.subarray(0, end))
  }
  for (let at = 0; at + 512 <= archive.length;) {
    if (archive.subarray(at, at + 512).every((b) => b === 0)) break
    const size = parseInt(text(at + 124, 12).trim() || '0', 8)
    if (!Number.isFinite(size)) throw new DatasetFileError(`${name}: damaged tar header at byte ${at}.`)
    const type = String.fromCharCode(archive[at + 156] || 48)
    const prefix = text(at + 345, 155)
    const path = (prefix ? `${prefix}/` : '') + text(at, 100)
    const start = at + 512
    if (start + size > archive.length)
      throw new DatasetFileError(`${name}: the archive ends inside ${path}; download it again.`)
    if (type === '0' || type === '\0') {
      if (path.startsWith('/') || path.split('/').includes('..'))
        throw new DatasetFileError(
          `${name}: refusing the entry ${path}, which points outside the dataset folder.`,
        )
      files.push({ path, bytes: archive.subarray(start, start + size) })
    }
    at = start + Math.ceil(size / 512) * 512
  }
  return files
}
