import { describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import { hyperparametersSchema, type GpuAdapterReport, type Hyperparameters } from '../../shared/api/training'
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

  describe('on webgpu, against the adapter found', () => {
    const MiB = 2 ** 20
    const adapter = (limits: Partial<GpuAdapterReport> = {}): GpuAdapterReport => ({
      vendor: 'apple',
      architecture: 'metal-3',
      device: '',
      description: 'Apple M2',
      fallback: false,
      maxBufferSize: 2048 * MiB,
      maxStorageBufferBindingSize: 32 * MiB,
      ...limits,
    })
    const onGpu = (p: Partial<Hyperparameters>, a = adapter()) => {
      try {
        checkResources(doc('lenet5-mnist'), h(p), 'webgpu', { adapter: a })
        return null
      } catch (e) {
        expect((e as ApiError).code).toBe('invalid')
        return (e as ApiError).message
      }
    }
    // LeNet-5's largest output is its first convolution's: 28×28×6 floats, 18,816 bytes an image.
    const fit = Math.floor((32 * MiB) / 18_816)

    it("refuses a batch whose largest layer output exceeds the adapter's binding limit, with the batch that fits", () => {
      expect(onGpu({ batchSize: 2048 })).toBe(
        "At batch 2048 the output of layer 'conv1' is 36.8 MiB, more than one tensor may hold on the GPU " +
          'Apple M2 (apple metal-3) (32 MiB, its maxStorageBufferBindingSize). ' +
          `The largest batch that fits is ${fit}: set the batch size to ${fit} or less, or keep 2048 in micro-batches of ${fit}.`,
      )
      expect(onGpu({ batchSize: fit })).toBeNull()
      expect(onGpu({ batchSize: fit + 1 })).toMatch(`The largest batch that fits is ${fit}:`)
    })

    it('with micro-batches, checks the micro-batch and says which fits', () => {
      expect(onGpu({ batchSize: 4096, microBatch: fit + 1 })).toMatch(
        new RegExp(
          `^At micro-batches of ${fit + 1} the output of layer 'conv1' is 32 MiB, .* Set micro-batches of ${fit} or fewer\\.$`,
        ),
      )
      expect(onGpu({ batchSize: 4096, microBatch: fit })).toBeNull()
    })

    it('names the smaller of the two buffer limits', () => {
      const small = adapter({ maxBufferSize: 16 * MiB })
      expect(onGpu({ batchSize: 1024 }, small)).toMatch(
        /\(16 MiB, its maxBufferSize\)\. The largest batch that fits is 891:/,
      )
    })

    it('checks nothing before an adapter is known (the worker checks again once loaded)', () => {
      expect(checkResources(doc('lenet5-mnist'), h({ batchSize: 4096 }), 'webgpu').batchSize).toBe(4096)
    })
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
