/** `3.98 GiB`, `528 MiB`: binary units, three significant digits. */
export function formatMemory(bytes: number): string {
  const units: [number, string][] = [
    [2 ** 40, 'TiB'],
    [2 ** 30, 'GiB'],
    [2 ** 20, 'MiB'],
    [2 ** 10, 'KiB'],
  ]
  for (const [size, unit] of units)
    if (bytes >= size) return `${Number((bytes / size).toPrecision(3)).toLocaleString('en-US')} ${unit}`
  return `${Math.round(bytes)} B`
}
