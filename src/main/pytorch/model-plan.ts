import { BLOCK_INPUT, type Subgraph } from '../../shared/blocks/define-block'
import { BLOCKS, isBlockKind } from '../../shared/blocks/registry'
import type { GraphDocument } from '../../shared/graph/document'
import { inferGraph } from '../../shared/graph/infer'
import { parseParams } from '../../shared/graph/parse-params'
import { getLayer } from '../../shared/layers/registry'
import type { HelperClass } from '../../shared/layers/torch/helper-classes'
import { pyModule } from '../../shared/layers/torch/py'
import type { TorchFragment, TorchParam } from '../../shared/layers/torch/types'
import type { Shape } from '../../shared/tensor/shape'
import { checkBuildable, nodeInputs, outputAncestors, type BuildableGraph } from '../model/buildable'
import { blockClassOf } from './block-classes'
import { MODULE_ATTRIBUTES, pyClassName, uniqueNamer } from './py-names'
import { renderScope, SCOPE_INPUT, type RenderedScope, type ScopeStep } from './python-scope'
import {
  blockClasses,
  nameClasses,
  SELF,
  withSelf,
  type BlockClassCode,
  type InnerLayer,
  type Instance,
} from './block-class-plan'

export type { BlockClassCode }

export interface ModelPyOptions {
  /** The class name and the docstring's title; the document's name when absent. */
  projectName?: string
  /** Class names in output order (model.py's CLASSES), or null. */
  classes?: readonly string[] | null
}

/** One tensor of `model.state_dict()`: where it comes from in the graph and in TF.js. */
export interface StateEntry {
  /** The expanded node (`layer1_0/conv1` inside a block). */
  nodeId: string
  /** The full key: `layer1_0.conv1.weight`. */
  key: string
  param: TorchParam
}

/** Everything model.py says, as data: what model-py.ts writes and state-dict.ts converts to. */
export interface ModelPlan {
  graph: BuildableGraph
  projectName: string
  description: string | undefined
  className: string
  classes: string[] | null
  helpers: HelperClass[]
  blocks: BlockClassCode[]
  model: RenderedScope
  /** In `model.state_dict()` order: modules in the order `__init__` makes them. */
  state: StateEntry[]
}

/** A layer's fragment with its inputs as `$0`, `$1`… and its submodule as SELF. */
function fragmentOf(kind: string, params: Record<string, unknown>, inputShapes: Shape[], outputShape: Shape) {
  const spec = getLayer(kind)!
  return spec.toTorch(parseParams(spec.params, params).value as never, {
    self: SELF,
    inputs: inputShapes.map((_s, i) => `$${i}`),
    inputShapes,
    outputShape,
  })
}

/** `(N, 64, 56, 56)` from an NHWC shape; `(N, 10)` for a vector. */
export const nchw = (s: Shape): string =>
  s.length === 4 ? `(N, ${s[3]}, ${s[1]}, ${s[2]})` : `(N, ${s.slice(1).join(', ')})`

/**
 * The PyTorch model of a graph, planned: its classes, lines and state-dict keys. The graph is
 * checked as for an export (GraphBuildError lists what cannot be built); only the layers the
 * Output depends on are in the model, as in TF.js's.
 */
export function planModel(doc: GraphDocument, options: ModelPyOptions = {}): ModelPlan {
  const graph = checkBuildable(doc, 'export')
  const top = inferGraph(doc)
  const needed = outputAncestors(graph)
  const topInputs = nodeInputs(doc.edges)
  const attrs = uniqueNamer(MODULE_ATTRIBUTES)
  const helpers: HelperClass[] = []
  const useHelpers = (f: TorchFragment) =>
    f.helpers?.forEach((h) => !helpers.includes(h as HelperClass) && helpers.push(h as HelperClass))

  type TopStep = { step: ScopeStep; fragment?: TorchFragment; instance?: Instance }
  const steps: TopStep[] = []
  const instances: Instance[] = []
  for (const id of top.order) {
    const node = doc.nodes.find((n) => n.id === id)!
    const a = top.nodes[id]
    const expansion: Subgraph | undefined = a.expansion
    if (!needed.has(expansion ? `${id}/${expansion.output}` : id)) continue
    const inputs = node.kind === 'Input' ? [SCOPE_INPUT] : (topInputs.get(id) ?? [])
    const comment = nchw(a.outputShape!)
    if (isBlockKind(node.kind) && expansion) {
      const subInputs = nodeInputs(expansion.edges)
      const params = parseParams(BLOCKS[node.kind].params, node.params).value as Record<string, unknown>
      const input = a.inputShapes[0]!
      const layers = expansion.nodes
        .filter((n) => needed.has(`${id}/${n.id}`))
        .map((n): InnerLayer => {
          const inner = graph.analysis.nodes[`${id}/${n.id}`]
          const fragment = fragmentOf(n.kind, n.params, inner.inputShapes as Shape[], inner.outputShape!)
          useHelpers(fragment)
          return {
            id: n.id,
            kind: n.kind,
            inputs: subInputs.get(n.id) ?? [],
            fragment,
            inputShapes: inner.inputShapes as Shape[],
            outputShape: inner.outputShape!,
          }
        })
      const instance: Instance = {
        id,
        kind: node.kind,
        params,
        attr: attrs(id),
        input,
        output: expansion.output,
        layers: topoSort(layers),
        args: blockClassOf(node.kind).args(params, input),
      }
      instances.push(instance)
      steps.push({ step: { id, inputs, forward: `${SELF}($0)`, comment }, instance })
      continue
    }
    const layerShapes = (node.kind === 'Input' ? [a.outputShape] : a.inputShapes) as Shape[]
    const fragment = fragmentOf(node.kind, node.params, layerShapes, a.outputShape!)
    useHelpers(fragment)
    const attr = fragment.module ? attrs(id) : undefined
    steps.push({
      step: {
        id,
        inputs,
        forward: attr ? withSelf(fragment.forward, attr) : fragment.forward,
        comment,
        module: attr ? { attr, code: pyModule(fragment.module!) } : undefined,
        init: attr ? (fragment.init ?? []).map((s) => withSelf(s, attr)) : [],
      },
      fragment,
    })
  }

  const { classes, calls, innerAttrs } = blockClasses(instances)
  const projectName = options.projectName ?? doc.name
  const names = nameClasses(classes, new Set(helpers))
  let className = pyClassName(projectName)
  if (names.includes(className) || helpers.includes(className as HelperClass)) className += 'Model'

  const state: StateEntry[] = []
  for (const s of steps) {
    if (s.instance) {
      const call = calls.get(s.instance.id)!
      s.step.module = { attr: s.instance.attr, code: `${names[call.cls]}(${call.args})` }
      s.step.forward = withSelf(s.step.forward, s.instance.attr)
      const inner = innerAttrs.get(call.cls)!
      for (const l of s.instance.layers)
        for (const param of l.fragment.state)
          state.push({
            nodeId: `${s.instance.id}/${l.id}`,
            key: `${s.instance.attr}.${inner.get(l.id)}.${param.key}`,
            param,
          })
    } else if (s.fragment && s.step.module) {
      for (const param of s.fragment.state)
        state.push({ nodeId: s.step.id, key: `${s.step.module.attr}.${param.key}`, param })
    }
  }
  return {
    graph,
    projectName,
    description: doc.description,
    className,
    classes: options.classes ? [...options.classes] : null,
    helpers,
    blocks: classes.map((c, i) => ({ name: names[i], kind: c.kind, ...c.code })),
    model: renderScope(
      steps.map((s) => s.step),
      graph.outputId,
    ),
    state,
  }
}

/**
 * Inner layers each after its inputs, otherwise in the expansion's order (already topological for
 * the blocks' SubgraphBuilder): each step takes the first layer whose inputs are all made.
 */
function topoSort(layers: InnerLayer[]): InnerLayer[] {
  const done = new Set<string>([BLOCK_INPUT])
  const out: InnerLayer[] = []
  const rest = [...layers]
  while (rest.length) {
    const next = rest.findIndex((l) => l.inputs.every((i) => done.has(i)))
    if (next < 0) throw new Error(`A block's layers form a cycle: ${rest.map((l) => l.id).join(', ')}.`)
    const [l] = rest.splice(next, 1)
    done.add(l.id)
    out.push(l)
  }
  return out
}
