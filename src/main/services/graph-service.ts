import type { Handlers } from '../../shared/api/contract'
import { inferGraph } from '../../shared/graph/infer'

export type GraphService = Pick<Handlers, 'graph.analyse'>

/** Shape inference and counting for any document (the request schema has already validated it). */
export function createGraphService(): GraphService {
  return {
    'graph.analyse': ({ document }) => inferGraph(document),
  }
}
