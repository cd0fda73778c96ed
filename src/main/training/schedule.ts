import type { Hyperparameters } from '../../shared/api/training'

type ScheduleParams = Pick<
  Hyperparameters,
  'learningRate' | 'schedule' | 'stepEpochs' | 'gamma' | 'warmupEpochs' | 'epochs'
>

/**
 * The learning rate at `t` epochs into the run (fractional: epoch + batch / batches). A linear
 * warm-up from 0 comes first; the schedule then runs on the epochs after it, so warm-up does not
 * shorten a cosine decay's tail.
 */
export function learningRateAt(h: ScheduleParams, t: number): number {
  const base = h.learningRate
  if (h.warmupEpochs > 0 && t < h.warmupEpochs)
    return (base * Math.max(t, 1e-3 * h.warmupEpochs)) / h.warmupEpochs
  const epoch = Math.floor(t)
  switch (h.schedule) {
    case 'constant':
      return base
    case 'step':
      return base * h.gamma ** Math.floor(epoch / h.stepEpochs)
    case 'exponential':
      return base * h.gamma ** epoch
    case 'cosine': {
      const span = Math.max(h.epochs - h.warmupEpochs, 1e-9)
      const progress = Math.min(Math.max(t - h.warmupEpochs, 0) / span, 1)
      return base * 0.5 * (1 + Math.cos(Math.PI * progress))
    }
  }
}
