import { describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import { hyperparametersSchema, type Hyperparameters } from '../../shared/api/training'
import { getTemplate } from '../../shared/templates'
import { expectedBackend, type BackendName } from './backends'
import { checkResources } from './check-resources'
import { formatMemory } from '../../shared/training/memory-format'
import { hostMemoryBytes, MEMORY_BUDGETS, WASM_HEAP_BYTES } from './memory-budget'

const h = (p: Partial<Hyperparameters> = {}) => hyperparametersSchema.parse(p)
const doc = (name: string) => getTemplate(name)!.document
const GiB = 2 ** 30

/** The refusal's message, or null when the run fits. */
function refusal(
  name: string,
  p: Partial<Hyperparameters>,
  backend: BackendName = 'wasm',
  budgets = MEMORY_BUDGETS,
) {
  try {
    checkResources(doc(name), h(p), backend, { budgets })
    return null
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).code).toBe('invalid')
    return (e as ApiError).message
  }
}

describe('checkResources', () => {
  it('lets LeNet-5 and the CIFAR ResNet-18 at batch 64 through on wasm, as they train today', () => {
    expect(refusal('lenet5-mnist', { batchSize: 64 })).toBeNull()
    expect(refusal('resnet18-cifar', { batchSize: 64 })).toBeNull()
    expect(checkResources(doc('resnet18-cifar'), h(), 'wasm').totalBytes).toBeLessThan(WASM_HEAP_BYTES)
  })

  it('refuses with the numbers, the layer that dominates and the largest batch that fits', () => {
    const m = refusal('resnet18-cifar', { batchSize: 512 })!
    expect(m).toMatch(
      /^Training needs ≈ [\d.]+ GiB at batch 512: weights and gradients [\d.]+ MiB, Adam state [\d.]+ MiB, activations [\d.]+ GiB \(layer '.+' holds \d+% of them\); the wasm backend has 3.98 GiB \(its 4 GiB heap less the 16 MiB TF.js itself takes\)\. The largest batch that fits is (\d+): set the batch size to \1 or less, or keep 512 in micro-batches of (\d+) \(the same step, in less memory\)\.$/,
    )
    const fit = Number(/largest batch that fits is (\d+)/.exec(m)![1])
    expect(refusal('resnet18-cifar', { batchSize: fit })).toBeNull()
    expect(refusal('resnet18-cifar', { batchSize: fit + 1 })).not.toBeNull()
    const micro = Number(/micro-batches of (\d+)/.exec(m)![1])
    expect(micro).toBeLessThanOrEqual(fit)
    expect(refusal('resnet18-cifar', { batchSize: 512, microBatch: micro })).toBeNull()
    expect(refusal('resnet18-cifar', { batchSize: 512, microBatch: micro + 1 })).toMatch(
      new RegExp(
        `in micro-batches of ${micro + 1}: .* The largest micro-batch that fits is ${micro}: set micro-batches of ${micro} or fewer\\.$`,
      ),
    )
  })

  it('says when not even one image fits, naming the layer with most weights', () => {
    const m = refusal('vgg16', { batchSize: 512 })!
    expect(m).toMatch(
      /^Training needs ≈ \d+ GiB at batch 512: .* Adam state [\d.]+ GiB, activations \d+ GiB \(layer 'conv1_1' holds \d+% of them\)/,
    )
    expect(m).toMatch(
      /Not even one image fits: the weights, gradients and optimizer state alone need [\d.]+ GiB \(layer 'fc6' holds 74% of the weights\)\. Make the largest layers smaller, train with SGD without momentum \(it keeps no state: [\d.]+ GiB less\), or use a backend with more memory\.$/,
    )
    // That advice holds: VGG-16 with plain SGD at batch 1 trains on wasm (3.36 GiB measured).
    expect(refusal('vgg16', { batchSize: 1, optimizer: 'sgd', momentum: 0 })).toBeNull()
  })

  it('asks each backend what it has; an unknown budget checks nothing', () => {
    const tiny: typeof MEMORY_BUDGETS = {
      ...MEMORY_BUDGETS,
      cpu: () => ({ bytes: 64 * 2 ** 20, where: 'the cpu backend', why: "this machine's free memory" }),
      'tensorflow-gpu': () => ({ bytes: null, where: 'the tensorflow-gpu backend', why: 'unknown' }),
    }
    expect(refusal('resnet18-cifar', { batchSize: 8 }, 'cpu', tiny)).toMatch(
      /the cpu backend has 64 MiB \(this machine's free memory\)\. Not even one image fits/,
    )
    expect(refusal('vgg16', { batchSize: 512 }, 'tensorflow-gpu', tiny)).toBeNull()
  })

  it('without a backend asked for, checks the one training would choose, without loading it', () => {
    // The native packages are optional and not installed on the build machines, and SwiftShader
    // (where the tests set it up) is a software adapter, never chosen: wasm it is.
    expect(expectedBackend()).toEqual({ name: 'wasm' })
    const expected = expectedBackend()
    expect(() => checkResources(doc('resnet18-cifar'), h({ batchSize: 4096 }), expected.name)).toThrow(
      /the wasm backend has 3.98 GiB/,
    )
  })

  it('leaves the host a reserve, and follows a cgroup limit', () => {
    expect(hostMemoryBytes(8 * GiB, 0)).toBe(8 * GiB - 512 * 2 ** 20)
    expect(hostMemoryBytes(8 * GiB, 2 * GiB)).toBe(1.5 * GiB)
    expect(hostMemoryBytes(100, 0)).toBe(0)
  })

  it('formats sizes in binary units', () => {
    expect(formatMemory(WASM_HEAP_BYTES)).toBe('3.98 GiB')
    expect(formatMemory(553_430_176)).toBe('528 MiB')
    expect(formatMemory(185.4 * GiB)).toBe('185 GiB')
    expect(formatMemory(3000)).toBe('2.93 KiB')
  })
})
