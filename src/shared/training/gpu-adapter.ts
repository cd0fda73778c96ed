import type { GpuAdapterReport } from '../api/training'

/** The adapter's own name: Dawn's description (`SwiftShader driver 5.0.0`), else its device id. */
export const adapterTitle = (a: GpuAdapterReport): string => a.description || a.device || 'an unnamed adapter'

/** Who made it and which design: `google swiftshader`, `nvidia hopper`; empty when Dawn says neither. */
export const adapterMaker = (a: GpuAdapterReport): string =>
  [a.vendor, a.architecture].filter(Boolean).join(' ')

/** `SwiftShader driver 5.0.0 (google swiftshader, software)`: the adapter in one phrase. */
export function adapterName(a: GpuAdapterReport): string {
  const who = adapterMaker(a)
  return `${adapterTitle(a)} (${[who, a.fallback ? 'software' : ''].filter(Boolean).join(', ')})`
}
