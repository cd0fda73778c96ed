import type * as tfjsModule from '@tensorflow/tfjs'

type Tensor = tfjsModule.Tensor
type Sym = tfjsModule.SymbolicTensor

/**
 * The value of `fetch`, a symbolic tensor of a functional TF.js model, given values for some of its
 * symbolic tensors (`feeds`: symbolic tensor id → tensor), every layer applied in inference mode
 * (BatchNorm on its moving statistics, Dropout the identity).
 *
 * A fed intermediate tensor cuts the graph there: whatever it feeds uses the fed value, and nothing
 * upstream of it is computed for that path, so a gradient taken with respect to the fed value is the
 * partial derivative with every other path held (a residual shortcut around it, say). Why not TF.js:
 * `LayersModel.execute` feeds only the model's inputs, and tfjs-layers' `execute(fetches, feedDict)`
 * (engine/executor.js), which does this, is not exported. This is the same walk over the public
 * `SymbolicTensor.inputs` and `Layer.apply` on concrete tensors. Intermediates are not disposed: call
 * it inside `tf.tidy` (or `tf.grad`).
 */
export function evaluateFed(fetch: Sym, feeds: ReadonlyMap<number, Tensor>): Tensor {
  const values = new Map(feeds)
  // Depth-first, without recursion: a ResNet-50 is hundreds of layers deep.
  const stack: Sym[] = [fetch]
  while (stack.length) {
    const s = stack[stack.length - 1]
    if (values.has(s.id)) {
      stack.pop()
      continue
    }
    const missing = s.inputs.filter((i) => !values.has(i.id))
    if (missing.length) {
      stack.push(...missing)
      continue
    }
    if (s.inputs.length === 0)
      throw new Error(
        `evaluateFed: no value was fed for ${s.name}, an input of the graph: feed every model input.`,
      )
    const out = s.sourceLayer.apply(
      s.inputs.map((i) => values.get(i.id)!),
      { ...s.callArgs, training: false },
    ) as Tensor | Tensor[]
    values.set(s.id, Array.isArray(out) ? out[s.outputTensorIndex ?? 0] : out)
    stack.pop()
  }
  return values.get(fetch.id)!
}
