import type { BatchProgress } from '../../shared/api/training'

const clock = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '--:--'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0')
  const ss = String(s % 60).padStart(2, '0')
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
}

/** `epoch 2 [█████·····] 512/938  2,345 samples/s  ETA 01:12  loss 0.4312`: the terminal's progress bar. */
export function progressLine(p: Omit<BatchProgress, 'runId'>, width = 24): string {
  const filled = Math.round((p.batch / p.batches) * width)
  const bar = '█'.repeat(filled) + '·'.repeat(width - filled)
  return (
    `epoch ${p.epoch} [${bar}] ${p.batch}/${p.batches}  ` +
    `${Math.round(p.samplesPerSecond).toLocaleString('en-US')} samples/s  ETA ${p.etaSeconds === null ? 'estimating…' : clock(p.etaSeconds)}  loss ${p.loss.toFixed(4)}`
  )
}
