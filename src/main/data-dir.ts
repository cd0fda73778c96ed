import { homedir } from 'node:os'
import path from 'node:path'

/** The SQLite database in the data folder (docs/persistence.md). */
export const DB_FILE = 'cnn-studio.db'
/** The environment variable naming the data folder when no `--data DIR` is given. */
export const DATA_ENV = 'CNN_STUDIO_DATA'

export interface DataDirInput {
  /** `--data DIR` from the command line: wins over everything. */
  flag?: string
  env?: Record<string, string | undefined>
  /** The folder used when neither is given; computed by `osDataDir` when absent (Electron passes `app.getPath('userData')`). */
  osDefault?: string
  platform?: NodeJS.Platform
  home?: string
}

/** Where projects are kept: `--data DIR`, else `$CNN_STUDIO_DATA`, else the OS user data folder. */
export function resolveDataDir(input: DataDirInput = {}): string {
  const env = input.env ?? process.env
  if (input.flag) return path.resolve(input.flag)
  if (env[DATA_ENV]) return path.resolve(env[DATA_ENV])
  return input.osDefault ?? osDataDir(input.platform ?? process.platform, env, input.home ?? homedir())
}

/** The per-user data folder: XDG on Linux and the BSDs, Application Support on macOS, %APPDATA% on Windows. */
export function osDataDir(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
  home: string,
): string {
  if (platform === 'win32')
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'CNN Studio')
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'CNN Studio')
  // The XDG spec ignores a relative XDG_CONFIG_HOME.
  const xdg =
    env.XDG_CONFIG_HOME && path.posix.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined
  return path.posix.join(xdg ?? path.posix.join(home, '.config'), 'cnn-studio')
}

/** `--data DIR` or `--data=DIR` in an argument list (Electron's `process.argv`), else undefined. */
export function dataFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') return argv[i + 1] || undefined
    if (argv[i].startsWith('--data=')) return argv[i].slice('--data='.length) || undefined
  }
  return undefined
}

/** Downloaded and imported built-in datasets: `<data folder>/datasets/<id>/`. */
export const DATASETS_FOLDER = 'datasets'
/** The lists of files an image-folder dataset skipped (corrupt, empty, not images). */
export const SKIPPED_LISTS_FOLDER = 'skipped-files'

/** Files of a run besides the database: `<data folder>/runs/<run id>/` (a PyTorch run's folder). */
export const RUNS_FOLDER = 'runs'

/** A run's own folder, removed with the run. */
export const runFolder = (dataDir: string, runId: string): string => path.join(dataDir, RUNS_FOLDER, runId)

/**
 * What CNN Studio owns in the data folder, by top-level name: the database with SQLite's companions
 * (`-wal`, `-shm`, `-journal`: any name starting with the database's), the datasets, the skipped
 * lists and the runs' files. Names compare without case, as macOS's and Windows's file systems do.
 * Exports never write here (docs/export.md); everything else in the folder is the user's.
 */
export function dataFolderEntry(
  name: string,
): 'database' | 'datasets' | 'skipped lists' | 'run files' | null {
  const n = name.toLowerCase()
  if (n.startsWith(DB_FILE)) return 'database'
  if (n === DATASETS_FOLDER) return 'datasets'
  if (n === SKIPPED_LISTS_FOLDER) return 'skipped lists'
  if (n === RUNS_FOLDER) return 'run files'
  return null
}
