import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { openWebGpu } from './webgpu'

/** SwiftShader, the Vulkan on the CPU that Debian's chromium package ships (ENVIRONMENT.md). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'

/**
 * Points Dawn at SwiftShader for this process and the processes it starts: a WebGPU adapter on
 * a machine without a GPU (a software one: webgpu must be asked for by name). Throws, never skips,
 * when it is missing: the webgpu tests must run in CI (.ci/run installs chromium and libvulkan1).
 * Call before anything loads Dawn or probes for an adapter (the probe's answer is kept).
 */
export function useSwiftShader(): Record<string, string> {
  if (!existsSync(SWIFTSHADER_ICD))
    throw new Error(
      `SwiftShader is missing (${SWIFTSHADER_ICD}): apt-get install chromium libvulkan1, as .ci/run does.`,
    )
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD
  // Vulkan's loader wants a private runtime folder.
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'cnn-xdg-'))
  return { VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR }
}

/**
 * TF.js on SwiftShader's WebGPU (and on its cpu backend, registered beside it: switch with
 * `tf.setBackend`), webgpu active. Calls `useSwiftShader` first.
 */
export async function openSwiftShaderWebGpu(): Promise<Tfjs> {
  useSwiftShader()
  return (await openWebGpu({ allowFallback: true })).tf
}

/** The fields of TF.js's WebGPUBackend that count GPU buffers (private in its typings). */
interface WebGpuBuffers {
  bufferManager: {
    numUsedBuffers: number
    numBytesUsed: number
    numFreeBuffers: number
    numBytesAllocated: number
  }
}

/**
 * What a leak would grow: TF.js's tensors and their bytes; on webgpu also the backend's GPU
 * buffers in use (`held`), and its pool of free buffers kept for reuse with every byte it has
 * allocated on the device (`pooled`).
 */
export function memorySnapshot(tf: Tfjs) {
  const { numTensors, numBytes } = tf.memory()
  const gpu =
    tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGpuBuffers).bufferManager : undefined
  return {
    held: { numTensors, numBytes, gpuBuffers: gpu?.numUsedBuffers, gpuBytes: gpu?.numBytesUsed },
    pooled: { gpuBuffers: gpu?.numFreeBuffers, gpuBytesAllocated: gpu?.numBytesAllocated },
  }
}

/** Deterministic pseudo-random values in [−1, 1) (mulberry32). */
export function rand(n: number, seed: number): Float32Array {
  let a = seed >>> 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1
  }
  return out
}

/** Every |actual − expected| within `tol` × max(1, largest |expected|); `what` names it in a failure. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what = 'values',
) {
  expect(actual.length, `${what}: length`).toBe(expected.length)
  let scale = 1
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]))
  let worst = 0
  let at = -1
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i])
    if (!(e <= worst)) [worst, at] = [e, i]
  }
  expect(
    worst,
    `${what}: largest difference ${worst} at ${at} (${actual[at]} against ${expected[at]}), scale ${scale}`,
  ).toBeLessThanOrEqual(tol * scale)
}
