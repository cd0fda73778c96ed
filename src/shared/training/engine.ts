import type { EngineChoice } from '../api/training'

/** An engine as people read it: `TF.js`, `PyTorch`. */
export const engineName = (e: EngineChoice): string => (e.name === 'pytorch' ? 'PyTorch' : 'TF.js')

/** An engine with its options: `TF.js`, `PyTorch (device auto, 1 process)`, `PyTorch (device cpu, 2 processes)`. */
export function engineLabel(e: EngineChoice): string {
  if (e.name !== 'pytorch') return engineName(e)
  return `${engineName(e)} (device ${e.device}, ${e.processes} process${e.processes === 1 ? '' : 'es'})`
}
