import { resolveKind } from '../../shared/graph/kinds'

/** The parameters of a node added from the palette: its kind's palette preset, else none (the defaults). */
export function dropParams(kind: string): Record<string, unknown> {
  return { ...resolveKind(kind)?.spec.palette.preset }
}
