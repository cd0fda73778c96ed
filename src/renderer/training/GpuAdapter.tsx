import type { GpuAdapterReport } from '../../shared/api/training'
import { adapterMaker, adapterTitle } from '../../shared/training/gpu-adapter'
import { formatMemory } from '../../shared/training/memory-format'

/**
 * The WebGPU adapter Dawn found: its name, maker, whether it is a real GPU, and the two limits a
 * run meets (every tensor a kernel touches must fit one binding; the preflight checks it).
 */
export function GpuAdapter({ adapter }: { adapter: GpuAdapterReport }) {
  return (
    <dl className="gpu-adapter" data-testid="gpu-adapter">
      <dt>WebGPU adapter</dt>
      <dd data-testid="gpu-adapter-name">{adapterTitle(adapter)}</dd>
      <dt>Vendor</dt>
      <dd>{adapterMaker(adapter) || 'not reported'}</dd>
      <dt>Type</dt>
      <dd data-testid="gpu-adapter-type">
        {adapter.fallback ? (
          <span className="tag software">software: runs on the CPU</span>
        ) : (
          <span className="tag hardware">hardware GPU</span>
        )}
      </dd>
      <dt>Largest buffer</dt>
      <dd>{formatMemory(adapter.maxBufferSize)}</dd>
      <dt>Largest binding</dt>
      <dd>
        {formatMemory(adapter.maxStorageBufferBindingSize)}{' '}
        <span className="muted">(each tensor must fit one)</span>
      </dd>
    </dl>
  )
}
