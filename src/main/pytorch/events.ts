import { z } from 'zod'

/**
 * train.py's JSON lines on stdout (docs/pytorch.md), one event per line, as the PyTorch engine reads them.
 * JSON has no NaN or Infinity: a loss that overflowed in evaluation (the training loss ends the run
 * instead) comes as null.
 */
const loss = z.number().nullable()

const count = z.int().min(0)
const progressSchema = z.strictObject({
  bestValLoss: loss,
  bestEpoch: z.int().min(1).nullable(),
  bestValScore: z.number().nullable(),
  epochsWithoutImprovement: count,
})

export const trainEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('started'),
    device: z.string(),
    deviceName: z.string(),
    torch: z.string(),
    processes: z.int().min(1),
    distributed: z.enum(['gloo', 'nccl']).nullable(),
    threads: z.int().min(1),
    samples: z.strictObject({ train: count, validation: count, test: count }),
  }),
  z.strictObject({
    type: z.literal('batch'),
    epoch: z.int().min(1),
    batch: z.int().min(1),
    batches: z.int().min(1),
    step: z.int().min(1),
    loss: z.number(),
    samplesPerSecond: z.number(),
    etaSeconds: z.number().nullable(),
  }),
  z.strictObject({
    type: z.literal('epoch'),
    epoch: z.int().min(1),
    trainLoss: z.number(),
    trainAccuracy: z.number(),
    valLoss: loss.optional(),
    valAccuracy: z.number().optional(),
    learningRate: z.number(),
    samplesPerSecond: z.number(),
  }),
  z.strictObject({
    type: z.literal('checkpoint'),
    epoch: z.int().min(1),
    weights: z.string(),
    optimizer: z.string(),
    isBest: z.boolean(),
    progress: progressSchema,
  }),
  z.strictObject({ type: z.literal('paused') }),
  z.strictObject({ type: z.literal('resumed') }),
  z.strictObject({
    type: z.literal('done'),
    status: z.enum(['finished', 'stopped', 'failed']),
    message: z.string().nullable(),
    test: z.strictObject({ loss, accuracy: z.number() }).nullable(),
  }),
])
export type TrainEvent = z.output<typeof trainEventSchema>

/** One line of train.py's stdout as an event; a line that is not one throws, quoting it. */
export function parseTrainEvent(line: string): TrainEvent {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new Error(`train.py printed a line that is not JSON: ${line.slice(0, 200)}`)
  }
  const parsed = trainEventSchema.safeParse(value)
  if (!parsed.success)
    throw new Error(
      `train.py printed an event this app does not know (${parsed.error.message}): ${line.slice(0, 200)}`,
    )
  return parsed.data
}
