import type { Handlers } from '../../shared/api/contract'
import { TEMPLATES } from '../../shared/templates'
import { createGraphService } from './graph-service'
import { createTemplatesService } from './templates-service'

/** Every method of the contract, served in plain Node: what each transport dispatches to. */
export function createServices(): Handlers {
  return {
    ...createTemplatesService(TEMPLATES),
    ...createGraphService(),
  }
}
