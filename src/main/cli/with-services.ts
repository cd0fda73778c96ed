import { ApiError } from '../../shared/api/contract'
import { resolveDataDir } from '../data-dir'
import { DatabaseOpenError } from '../db/connection'
import { openDataDatabase } from '../db/open'
import { createServices, type Services } from '../services'
import { EXIT, UsageError, type CliIo } from './io'

/**
 * Runs a command against the services over the data folder (`--data`, else the default), closing
 * them after. A service's refusal is printed as `cnn-studio <name>: <message>` and exits 1 when the
 * user can act on the thing itself (invalid, conflict, internal), 2 when it was not found or not
 * usable here.
 */
export async function withServices(
  name: string,
  dataFlag: unknown,
  io: CliIo,
  run: (services: Services) => Promise<number>,
): Promise<number> {
  const dataDir = resolveDataDir({ flag: dataFlag as string | undefined })
  let db
  try {
    db = openDataDatabase(dataDir)
  } catch (e) {
    if (e instanceof DatabaseOpenError) throw new UsageError(e.message)
    throw e
  }
  const services = createServices({ dataDir, db })
  try {
    return await run(services)
  } catch (e) {
    if (e instanceof ApiError) {
      io.err(`cnn-studio ${name}: ${e.message}`)
      return e.code === 'invalid' || e.code === 'conflict' || e.code === 'internal'
        ? EXIT.graphErrors
        : EXIT.usage
    }
    throw e
  } finally {
    await services.close()
    db.close()
  }
}
