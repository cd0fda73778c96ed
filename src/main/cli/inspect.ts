import { formatShapeTuple } from '../../shared/tensor/shape'
import { EXIT, type CliIo } from './io'
import { loadGraph } from './load-graph'
import { summarise, type SummaryNode } from './summary'
import { bytes, compact, int, table } from './table'

export const inspectHelp = `Usage: cnn-studio inspect <template | file.json> [--json] [--expand]

Prints every node's output shape, parameters and multiply-accumulates (MACs), then the totals,
like Keras' model.summary(). Exits with 1 when the graph has errors, printing each of them.

  --json     one JSON object: {nodes, totals, errors}
  --expand   show the layers inside each block`

function shapeCell(n: SummaryNode): string {
  if (n.outputShape) return formatShapeTuple(n.outputShape)
  return n.error ? 'error' : 'unknown'
}

export function inspect(ref: string, opts: { json: boolean; expand: boolean }, io: CliIo): number {
  const doc = loadGraph(ref)
  const s = summarise(doc, opts.expand)
  const failed = s.errors.length > 0 || s.documentErrors.length > 0
  if (opts.json) {
    io.out(
      JSON.stringify({
        nodes: s.nodes.map(({ id, name, kind, outputShape, params, macs, error }) => ({
          id,
          name,
          kind,
          outputShape,
          params,
          macs,
          error,
        })),
        totals: s.totals,
        errors: [...s.documentErrors.map((message) => ({ nodeId: null, message })), ...s.errors],
      }),
    )
    return failed ? EXIT.graphErrors : EXIT.ok
  }

  io.out(`Model: ${doc.name}`)
  const rows = s.nodes.map((n) => [
    `${n.depth ? '  └ ' : ''}${n.name} (${n.kind})`,
    shapeCell(n),
    n.params ? int(n.params.trainable + n.params.nonTrainable) : '',
    n.macs !== null ? int(n.macs) : '',
  ])
  for (const line of table(['Layer (kind)', 'Output shape', 'Params', 'MACs'], rows, [
    false,
    false,
    true,
    true,
  ]))
    io.out(line)
  const t = s.totals
  io.out(
    `Total params:         ${int(t.trainable + t.nonTrainable)} (${compact(t.trainable + t.nonTrainable)})`,
  )
  io.out(`Trainable params:     ${int(t.trainable)}`)
  io.out(`Non-trainable params: ${int(t.nonTrainable)}`)
  io.out(`MACs:                 ${int(t.macs)} (${compact(t.macs)})`)
  io.out(
    `Activation memory:    ${int(t.activationBytes)} bytes (${bytes(t.activationBytes)}) at batch 1, float32`,
  )
  if (failed) {
    io.err('')
    io.err(`${s.errors.length + s.documentErrors.length} error(s):`)
    for (const m of s.documentErrors) io.err(`  graph: ${m}`)
    const names = new Map(s.nodes.map((n) => [n.id, n.name]))
    for (const e of s.errors) io.err(`  ${names.get(e.nodeId) ?? e.nodeId}: ${e.message}`)
  }
  return failed ? EXIT.graphErrors : EXIT.ok
}
