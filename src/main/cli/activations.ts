import { EVAL_SPLITS, type EvalSplit } from '../../shared/api/insight'
import { base64ToFloat32 } from '../../shared/tensor/base64'
import type { Services } from '../services'
import { requireTrainedRun } from './find-run'
import { EXIT, UsageError, type CliCommand, type CliIo } from './io'
import { table } from './table'
import { withServices } from './with-services'

const help = `Usage: cnn-studio activations <run | project> --sample N [--split test|validation] [--node ID] [--json]

Every node's output for one sample of a run's test (or validation) split under its best checkpoint:
its shape (height, width, channels, or units), minimum, maximum and mean, and the prediction. With
--node, that node's values (a block's id gives its output; inner layers are 'block/layer').

  --sample N     the sample's index in the split (required)
  --split NAME   ${EVAL_SPLITS.join(' or ')} (default test)
  --node ID      print this node's values, in NHWC order (height, then width, then channel)
  --data DIR     the data folder (default: $CNN_STUDIO_DATA, else the user data folder)
  --json         one line {"runId", "sample", "split", "label", "predicted", "probabilities",
                 "nodes": [{"id", "shape", "min", "max", "mean"}]}; with --node {"id", "shape", "values"}

Exit status: 0 shown; 1 the sample or node is not in the run, or the run cannot be run; 2 bad usage
or an unknown run or project.`

export const command: CliCommand = {
  help,
  options: {
    sample: { type: 'string' },
    split: { type: 'string' },
    node: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run: (v, [target], io) => withServices('activations', v.data, io, (s) => activations(s, target, v, io)),
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(5))

async function activations(services: Services, target: string, v: Record<string, unknown>, io: CliIo) {
  const index = Number(v.sample)
  if (v.sample === undefined || !Number.isInteger(index) || index < 0)
    throw new UsageError(
      `--sample is required: the sample's index in the split (0, 1, …), not '${String(v.sample ?? '')}'.`,
    )
  const split = (v.split ?? 'test') as EvalSplit
  if (!EVAL_SPLITS.includes(split))
    throw new UsageError(`--split is ${EVAL_SPLITS.join(' or ')}, not '${String(v.split)}'.`)
  const json = v.json === true
  const { run, note } = await requireTrainedRun(services, target)
  if (note && !json) io.err(note)
  const sample = { kind: 'dataset' as const, split, index }
  if (typeof v.node === 'string') {
    const fm = await services['insight.featureMap']({ runId: run.id, sample, nodeId: v.node })
    const values = Array.from(base64ToFloat32(fm.values))
    if (json) io.out(JSON.stringify({ id: fm.nodeId, shape: fm.shape, values }))
    else {
      io.out(`${fm.nodeId}: [${fm.shape.join(', ')}] (NHWC), min ${num(fm.min)}, max ${num(fm.max)}`)
      io.out(values.map(num).join(' '))
    }
    return EXIT.ok
  }
  const a = await services['insight.activations']({ runId: run.id, sample })
  const nodes = Object.entries(a.nodes)
    // Blocks are listed by their layers (`block/layer`): the block's own id repeats its output.
    .filter(([id]) => !Object.keys(a.nodes).some((other) => other.startsWith(`${id}/`)))
    .map(([id, n]) => ({ id, shape: n.shape, min: n.min, max: n.max, mean: n.mean }))
  if (json) {
    io.out(
      JSON.stringify({
        runId: run.id,
        sample: index,
        split,
        label: a.sample.label,
        predicted: a.predicted,
        probabilities: a.probabilities,
        nodes,
      }),
    )
    return EXIT.ok
  }
  const name = (c: number | null) => (c === null ? '?' : (a.classes[c] ?? `class ${c}`))
  io.out(
    `Sample ${index} of the ${split} split: ${name(a.sample.label)}, predicted ${name(a.predicted)} (${(100 * a.probabilities[a.predicted]).toFixed(2)}%), on ${a.engine}.`,
  )
  for (const line of table(
    ['Node', 'Shape', 'Min', 'Max', 'Mean'],
    nodes.map((n) => [n.id, n.shape.join('×'), num(n.min), num(n.max), num(n.mean)]),
    [false, false, true, true, true],
  ))
    io.out(line)
  return EXIT.ok
}
