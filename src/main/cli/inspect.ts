import { formatShapeTuple } from '../../shared/tensor/shape'
import { EXIT, type CliCommand, type CliIo } from './io'
import { loadGraph } from './load-graph'
import { summarise, type Summary, type SummaryNode } from './summary'
import { bytes, compact, int, table, type Row } from './table'

const help = `Usage: cnn-studio inspect <template | file.json> [--json] [--expand]

Prints every node's output shape, parameters and multiply-accumulates (MACs) in topological
order, then the totals, like Keras' model.summary(). A node in error shows its message; every
error is listed again at the end (on stderr) and the exit status is 1. A node too large for any
backend to build (a tensor beyond 2^31 elements) is marked 'warning', and its warning is listed
at the end (on stderr); warnings alone leave the exit status 0.

  --json     one JSON object on stdout:
               {"nodes": [{"id", "name", "kind", "outputShape", "params": {"trainable",
               "nonTrainable"}, "macs", "error", "warning"}], "totals": {"trainable",
               "nonTrainable", "macs", "activationBytes"}, "errors": [{"nodeId", "message"}],
               "warnings": [{"nodeId", "message"}]}
             shapes are arrays with a null batch; null where unknown; nodeId is null for
             problems of the document itself (a duplicate id, an edge into a missing node) and
             for the totals' warning (beyond 2^53)
  --expand   also show the layers inside each block, after it (ids 'block/layer')

Exit status: 0 fine, 1 the graph has errors, 2 unknown template or unreadable file.`

export const command: CliCommand = {
  help,
  options: { json: { type: 'boolean' }, expand: { type: 'boolean' } },
  positionals: 1,
  run: (v, [ref], io) => inspect(ref, { json: v.json === true, expand: v.expand === true }, io),
}

export function inspect(ref: string, opts: { json: boolean; expand: boolean }, io: CliIo): number {
  const doc = loadGraph(ref)
  const s = summarise(doc, opts.expand)
  const failed = s.errors.length > 0 || s.documentErrors.length > 0
  if (opts.json) io.out(JSON.stringify(toJson(s)))
  else printTable(doc.name, s, io)
  return failed ? EXIT.graphErrors : EXIT.ok
}

/** The `--json` object; its shape is part of the command line's interface (see help). */
export function toJson(s: Summary) {
  return {
    nodes: s.nodes.map(({ id, name, kind, outputShape, params, macs, error, warning }) => ({
      id,
      name,
      kind,
      outputShape,
      params,
      macs,
      error,
      warning,
    })),
    totals: s.totals,
    errors: [...s.documentErrors.map((message) => ({ nodeId: null, message })), ...s.errors],
    warnings: s.warnings,
  }
}

function row(n: SummaryNode): Row {
  const layer = `${n.depth ? '  └ ' : ''}${n.name} (${n.kind})`
  // An error runs on past the number columns rather than widening them.
  if (n.error) return [layer, `error: ${n.error}`]
  if (!n.outputShape) return [layer, 'unknown (an input has an error)']
  const cells = [
    layer,
    formatShapeTuple(n.outputShape),
    int(n.params!.trainable + n.params!.nonTrainable),
    int(n.macs!),
  ]
  // The message is listed after the totals: a mark here keeps the columns readable.
  return n.warning ? [...cells, 'warning'] : cells
}

function printTable(name: string, s: Summary, io: CliIo): void {
  io.out(`Model: ${name}`)
  const lines = table(['Layer (kind)', 'Output shape', 'Params', 'MACs'], s.nodes.map(row), [
    false,
    false,
    true,
    true,
  ])
  for (const line of lines) io.out(line)
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
  const names = new Map(s.nodes.map((n) => [n.id, n.name]))
  if (s.warnings.length) {
    io.err('')
    io.err(`${s.warnings.length} warning(s):`)
    for (const w of s.warnings)
      io.err(`  ${w.nodeId === null ? 'totals' : (names.get(w.nodeId) ?? w.nodeId)}: ${w.message}`)
  }
  const count = s.errors.length + s.documentErrors.length
  if (count === 0) return
  io.err('')
  io.err(`${count} error(s):`)
  for (const m of s.documentErrors) io.err(`  graph: ${m}`)
  for (const e of s.errors) io.err(`  ${names.get(e.nodeId) ?? e.nodeId}: ${e.message}`)
}
