import { createRequire } from 'node:module'
import { join } from 'node:path'
import { stronglyConnected } from '../src/shared/graph/strongly-connected'

/** The part of madge's API used here (madge ships no types). */
interface MadgeResult {
  obj(): Record<string, string[]>
  circular(): string[][]
  warnings(): { skipped: string[] }
}
type Madge = (path: string, config: Record<string, unknown>) => Promise<MadgeResult>
const madge = createRequire(import.meta.url)('madge') as Madge

export interface ImportGraph {
  /** Each file (relative to the scanned folder) and the files it imports, type-only imports included. */
  files: Record<string, string[]>
  /** File-level cycles, each as the files along it. */
  fileCycles: string[][]
  /** Imports madge could not resolve (a broken path would otherwise hide a cycle). */
  skipped: string[]
}

/** The import graph of the .ts/.tsx files under `dir`, resolved as TypeScript resolves them. */
export async function importGraph(dir: string, tsConfig?: string): Promise<ImportGraph> {
  const ts = { skipTypeImports: false }
  const result = await madge(dir, {
    fileExtensions: ['ts', 'tsx'],
    ...(tsConfig ? { tsConfig } : {}),
    detectiveOptions: { ts, tsx: ts },
  })
  return { files: result.obj(), fileCycles: result.circular(), skipped: result.warnings().skipped }
}

const isTestCode = (file: string): boolean => /\.test\.tsx?$|test-kit\.tsx?$/.test(file)

/**
 * Folder-level cycles: `folderOf` maps a file to its folder (e.g. `main/db`); two folders whose
 * non-test files import each other, directly or around a longer loop, form a cycle. Tests may reach
 * into the helpers of a folder that depends on theirs, so test code is left out.
 */
export function folderCycles(files: ImportGraph['files'], folderOf: (file: string) => string): string[][] {
  const edges = new Map<string, Set<string>>()
  for (const [from, deps] of Object.entries(files)) {
    if (isTestCode(from)) continue
    const a = folderOf(from)
    for (const dep of deps) {
      const b = folderOf(dep)
      if (a === b) continue
      if (!edges.has(a)) edges.set(a, new Set())
      edges.get(a)!.add(b)
    }
  }
  const folders = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])]
  return stronglyConnected(folders, (f) => [...(edges.get(f) ?? [])])
    .filter((c) => c.length > 1)
    .map((c) => c.sort())
}

/** The folder two levels down: `main/tfjs/wasm-kernels/adam.ts` → `main/tfjs`. */
export const topFolder = (file: string): string => file.split('/').slice(0, 2).join('/')

export const SRC = join(import.meta.dirname, '..', 'src')
