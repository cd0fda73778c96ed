import { z } from 'zod'

/**
 * The JSON lines train.py writes on stdout (docs/pytorch.md, "The JSON lines"), checked as they
 * are read: a line of a known type with a field missing or of the wrong type is a fault of the
 * script, reported with the line, rather than NaNs in the database. Fields beyond these are
 * allowed (a newer train.py may say more); unknown types are skipped.
 */

const count = z.int().min(0)
/** A metric: JSON has no NaN, so train.py writes null for one that is not finite. */
const metric = z.number().nullable()

const started = z.object({
  type: z.literal('started'),
  device: z.string(),
  deviceName: z.string().nullish(),
  torch: z.string(),
  processes: z.int().min(1).default(1),
  distributed: z.string().nullish(),
  threads: z.int().min(1).nullish(),
  samples: z.object({ train: count, validation: count, test: count }),
})

const batch = z.object({
  type: z.literal('batch'),
  epoch: z.int().min(1),
  batch: z.int().min(1),
  batches: z.int().min(1),
  step: z.int().min(1),
  loss: metric,
  samplesPerSecond: z.number(),
  etaSeconds: z.number(),
})

const epoch = z.object({
  type: z.literal('epoch'),
  epoch: z.int().min(1),
  trainLoss: metric,
  trainAccuracy: metric,
  valLoss: metric.optional(),
  valAccuracy: metric.optional(),
  learningRate: z.number(),
  samplesPerSecond: z.number(),
})

const checkpoint = z.object({
  type: z.literal('checkpoint'),
  epoch: z.int().min(1),
  weights: z.string().min(1),
  optimizer: z.string().min(1),
  isBest: z.boolean(),
  progress: z.object({
    bestValLoss: metric,
    bestEpoch: z.int().min(1).nullable(),
    bestValScore: metric,
    epochsWithoutImprovement: count,
  }),
})

const done = z.object({
  type: z.literal('done'),
  status: z.enum(['finished', 'stopped', 'failed']),
  message: z.string().nullable().default(null),
  test: z.object({ loss: z.number(), accuracy: z.number() }).nullable().default(null),
})

const LINES = {
  started,
  batch,
  epoch,
  checkpoint,
  done,
  paused: z.object({ type: z.literal('paused') }),
  resumed: z.object({ type: z.literal('resumed') }),
}

export type TorchLine = { [K in keyof typeof LINES]: z.output<(typeof LINES)[K]> }[keyof typeof LINES]
export type TorchStarted = z.output<typeof started>

/**
 * One line of train.py's stdout: a known event, `null` for anything else (text a library printed,
 * an unknown event type), or a thrown Error naming what is wrong with a known event's fields.
 */
export function parseTorchLine(line: string): TorchLine | null {
  const text = line.trim()
  if (!text.startsWith('{')) return null
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  const type = (value as { type?: unknown } | null)?.type
  if (typeof type !== 'string' || !Object.hasOwn(LINES, type)) return null
  const parsed = LINES[type as keyof typeof LINES].safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw new Error(
    `train.py wrote a '${type}' line the app cannot read (${issue.path.join('.') || 'the line'}: ${issue.message}): ${text.slice(0, 300)}`,
  )
}

/**
 * The run's device as the runs table records it: `CUDA: NVIDIA H100 80GB HBM3 via PyTorch 2.3.0,
 * 2 processes (nccl)`, `CPU: 16 threads via PyTorch 1.13.0`, `MPS: Apple M2 via PyTorch 2.3.0`.
 */
export function torchDevice(s: TorchStarted): string {
  const kind = s.device.split(':')[0]
  const what =
    kind === 'cuda'
      ? `CUDA: ${s.deviceName ?? s.device}`
      : kind === 'mps'
        ? `MPS: ${s.deviceName ?? 'Apple GPU'}`
        : `CPU: ${s.threads ?? 1} thread${s.threads === 1 || !s.threads ? '' : 's'}`
  const processes =
    s.processes > 1 ? `, ${s.processes} processes${s.distributed ? ` (${s.distributed})` : ''}` : ''
  return `${what} via PyTorch ${s.torch}${processes}`
}
