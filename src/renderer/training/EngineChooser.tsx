import { useEffect, useState } from 'react'
import type { Api } from '../../shared/api/contract'
import {
  TORCH_DEVICES,
  type EngineChoice,
  type TorchDevice,
  type TorchFound,
  type TorchReport,
} from '../../shared/api/training'
import { formatMemory } from '../../shared/training/memory-format'
import { errorMessage } from '../error-message'
import { LabelledSelect } from './LabelledSelect'

/** Processes offered on the CPU (gloo); on CUDA one per GPU (nccl). */
const CPU_PROCESSES = 8

/** `/usr/bin/python3` → `python3`: the interpreter's name, its path shown below. */
const interpreter = (python: string) => python.split(/[\\/]/).pop() || python

/** Whether `device` trains on CUDA with what PyTorch found (auto takes CUDA when there is a GPU). */
const onCuda = (found: TorchFound, device: TorchDevice) =>
  device === 'cuda' || (device === 'auto' && found.cuda.length > 0)

/** The most processes a run may use on `device`: one per GPU on CUDA. */
export const maxProcesses = (found: TorchFound, device: TorchDevice) =>
  onCuda(found, device) ? found.cuda.length : device === 'mps' ? 1 : CPU_PROCESSES

/**
 * What trains the run: TF.js in the app (its backend chosen below), or PyTorch in a python
 * process, offered when `training.engines` found python3 with torch (its version, python and
 * devices shown), with its device and number of processes. Why PyTorch is not offered is shown
 * when it is not.
 */
export function EngineChooser({
  api,
  value,
  onChange,
}: {
  api: Api
  value: EngineChoice
  onChange(value: EngineChoice): void
}) {
  const [report, setReport] = useState<TorchReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    api.training.engines().then(
      (r) => current && setReport(r.pytorch),
      (e: unknown) => current && setError(errorMessage(e)),
    )
    return () => {
      current = false
    }
  }, [api])
  const found = report?.found ?? null
  const pytorch = value.name === 'pytorch' ? value : null
  const choose = (name: string) =>
    onChange(name === 'pytorch' ? { name: 'pytorch', processes: 1, device: 'auto' } : { name: 'tfjs' })
  const setDevice = (device: TorchDevice) =>
    pytorch &&
    found &&
    onChange({ ...pytorch, device, processes: Math.min(pytorch.processes, maxProcesses(found, device)) })
  const unavailable = (d: TorchDevice) =>
    !found || (d === 'cuda' && found.cuda.length === 0) || (d === 'mps' && !found.mps)
  return (
    <div className="engine">
      <LabelledSelect id="train-engine" label="Engine" value={value.name} onChange={choose}>
        <option value="tfjs">TF.js (in the app)</option>
        <option value="pytorch" disabled={!found}>
          {found ? `PyTorch ${found.torch} (${interpreter(found.python)})` : 'PyTorch (not found here)'}
        </option>
      </LabelledSelect>
      {pytorch && found && (
        <>
          <LabelledSelect
            id="train-device"
            label="Device"
            value={pytorch.device}
            onChange={(d) => setDevice(d as TorchDevice)}
          >
            {TORCH_DEVICES.map((d) => (
              <option key={d} value={d} disabled={unavailable(d)}>
                {d === 'auto' ? `auto (${found.cuda.length ? 'CUDA' : found.mps ? 'MPS' : 'CPU'})` : d}
                {d !== 'auto' && unavailable(d) ? ' (not here)' : ''}
              </option>
            ))}
          </LabelledSelect>
          <LabelledSelect
            id="train-processes"
            label="Processes"
            value={pytorch.processes}
            onChange={(n) => onChange({ ...pytorch, processes: Number(n) })}
          >
            {Array.from({ length: maxProcesses(found, pytorch.device) }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
                {n > 1 ? (onCuda(found, pytorch.device) ? ' (nccl, a GPU each)' : ' (gloo)') : ''}
              </option>
            ))}
          </LabelledSelect>
        </>
      )}
      <div className="backend-report muted" data-testid="engine-report" aria-live="polite">
        {error && <p className="error">Could not look for PyTorch: {error}</p>}
        {!report && !error && <p>Looking for PyTorch…</p>}
        {found && (
          <p>
            {pytorch ? 'Trains with ' : 'Also here: '}PyTorch <b>{found.torch}</b> in <b>{found.python}</b>{' '}
            (Python {found.pythonVersion}), on{' '}
            {found.cuda.length
              ? found.cuda.map((g) => `CUDA ${g.name} (${formatMemory(g.memoryBytes)})`).join(', ')
              : found.mps
                ? 'MPS (Apple GPU) or the CPU'
                : 'the CPU only (no CUDA or MPS)'}
            {pytorch ? '.' : ': choose it above to train in python.'}
          </p>
        )}
        {report && !found && <p data-testid="engine-missing">PyTorch is not offered: {report.reason}</p>}
      </div>
    </div>
  )
}
