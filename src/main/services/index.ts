import type { Handlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/contract'
import { TEMPLATES } from '../../shared/templates'
import { resolveDataDir } from '../data-dir'
import { DatabaseOpenError, type DB } from '../db/connection'
import { createDownloads, type Downloads } from '../export/downloads'
import { openDataDatabase } from '../db/open'
import { createGraphService } from './graph-service'
import { createProjectsService } from './projects-service'
import { createDatasetsService } from './datasets-service'
import { createExportService } from './export-service'
import { createInsightService } from './insight-service'
import { createTemplatesService } from './templates-service'
import type { Emit } from './emit'
import { createTrainingService, type TrainingService, type TrainingServiceOptions } from './training-service'

export interface ServicesOptions {
  /**
   * The data folder holding the project database (`cnn-studio.db`); `resolveDataDir()` (the
   * `CNN_STUDIO_DATA` variable, else the OS user data folder) when absent. The database is opened on
   * the first project call, so commands that need no projects never touch it.
   */
  dataDir?: string
  /** An open, migrated database to use instead; the caller owns it and closes it. */
  db?: DB
  /** The clock, for tests. */
  now?: () => Date
  /** Where events go (the window, the WebSocket clients, the terminal); dropped when absent. */
  emit?: Emit
  /** For tests: the training engine's factory, its heartbeat and how long closing waits for it. */
  training?: Omit<TrainingServiceOptions, 'dataDir' | 'emit' | 'now'>
}

/** The contract's handlers, plus what the entry points need to wait for and shut down training. */
export type Services = Handlers &
  Pick<TrainingService, 'settled' | 'close'> & {
    /** Verified exports waiting for their one download (`export.download`; the HTTP transport serves them). */
    downloads: Downloads
  }

/** Every method of the contract, served in plain Node: what each transport dispatches to. */
export function createServices(options: ServicesOptions = {}): Services {
  const getDb = options.db ? () => options.db! : lazyDatabase(options.dataDir)
  const dataDir = () => options.dataDir ?? resolveDataDir()
  const training = createTrainingService(getDb, {
    ...options.training,
    dataDir: dataDir(),
    emit: options.emit,
    now: options.now,
  })
  const { closeInsight, ...insight } = createInsightService(getDb, { dataDir: dataDir(), now: options.now })
  const downloads = createDownloads(dataDir())
  return {
    ...createTemplatesService(TEMPLATES),
    ...createGraphService(),
    ...createProjectsService(getDb, { templates: TEMPLATES, now: options.now, dataDir: dataDir() }),
    ...training,
    ...createDatasetsService({ dataDir: dataDir(), emit: options.emit }),
    ...createExportService(getDb, { dataDir: dataDir(), downloads }),
    ...insight,
    downloads,
    // The inference worker ends with the training workers.
    close: async () => {
      await training.close()
      await closeInsight()
      downloads.close()
    },
  }
}

/**
 * Opens the database on first use and keeps it. A failure is not kept: it is reported to the caller
 * as `unavailable` with what to do, and the next call tries again (the user may have fixed it).
 */
function lazyDatabase(dataDir: string | undefined): () => DB {
  let db: DB | undefined
  return () => {
    if (db?.open) return db
    try {
      db = openDataDatabase(dataDir ?? resolveDataDir())
      return db
    } catch (e) {
      if (e instanceof DatabaseOpenError) throw new ApiError('unavailable', e.message)
      throw e
    }
  }
}
