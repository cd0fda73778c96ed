import type { GpuAdapterReport } from '../api/training'

/** Adapters as Dawn reports them: SwiftShader (measured here) and an NVIDIA GPU (for contrast). */
export const SWIFTSHADER_ADAPTER: GpuAdapterReport = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero-',
  description: 'SwiftShader driver 5.0.0',
  fallback: true,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
}

export const NVIDIA_ADAPTER: GpuAdapterReport = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: 'NVIDIA H100 80GB HBM3',
  description: '',
  fallback: false,
  maxBufferSize: 2 ** 32,
  maxStorageBufferBindingSize: 2 ** 31 - 4,
}
