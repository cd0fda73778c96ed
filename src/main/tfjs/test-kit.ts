import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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
