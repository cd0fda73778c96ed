/**
 * Time left in a run, from the speed of recent batches. The first batches are slow (kernels compile,
 * caches fill, the GPU warms up), so a speed averaged from the start reads minutes for a 24-second
 * epoch: the estimator ignores a warm-up, then takes the speed over a moving window of batches, and
 * says `null` ("estimating…") until that window holds enough time to trust. Batches are timed alone,
 * so pauses and validation between epochs do not count as slowness.
 *
 * train.py's `EtaEstimator` is the same algorithm with the same constants (keep them together).
 */
export const ETA = {
  /** Batches ignored at the start, at most… */
  warmupBatches: 3,
  /** …or fewer: warm-up ends with the first batch that ends this long after the start (slow batches). */
  warmupSeconds: 3,
  /** Training time the window must hold before there is an estimate. */
  minSeconds: 1,
  /** The window keeps the latest batches that add up to this much training time. */
  windowSeconds: 10,
} as const

export interface EtaEstimator {
  /** One batch of `samples` took `seconds`. */
  record(samples: number, seconds: number): void
  /** Seconds for `samplesLeft` more at the recent speed; null while warming up or estimating. */
  eta(samplesLeft: number): number | null
  /** Samples per second over the window; null as for `eta`. */
  speed(): number | null
}

export function createEtaEstimator(c: typeof ETA = ETA): EtaEstimator {
  let batches = 0
  let sinceStart = 0
  let warm = false
  const window: { samples: number; seconds: number }[] = []
  let samples = 0
  let seconds = 0
  const speed = () => (warm && seconds >= c.minSeconds && seconds > 0 ? samples / seconds : null)
  return {
    record(n, s) {
      batches++
      sinceStart += s
      if (!warm) {
        warm = batches >= c.warmupBatches || sinceStart >= c.warmupSeconds
        return
      }
      window.push({ samples: n, seconds: s })
      samples += n
      seconds += s
      // Drop the oldest while the rest still fills the window.
      while (window.length > 1 && seconds - window[0].seconds >= c.windowSeconds) {
        const old = window.shift()!
        samples -= old.samples
        seconds -= old.seconds
      }
    },
    eta(samplesLeft) {
      const v = speed()
      return v === null ? null : samplesLeft / v
    },
    speed,
  }
}
