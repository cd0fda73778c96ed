import { BLOCK_INPUT, type Subgraph } from '../../shared/blocks/define-block'
import { BLOCKS, isBlockKind, type BlockKind } from '../../shared/blocks/registry'
import type { GraphDocument } from '../../shared/graph/document'
import { inferGraph } from '../../shared/graph/infer'
import { parseParams } from '../../shared/graph/parse-params'
import { getLayer } from '../../shared/layers/registry'
import type { HelperClass } from '../../shared/layers/torch/helper-classes'
import { pyModule } from '../../shared/layers/torch/py'
import type { TorchArg, TorchFragment, TorchParam } from '../../shared/layers/torch/types'
import type { Shape } from '../../shared/tensor/shape'
import { checkBuildable, nodeInputs, outputAncestors, type BuildableGraph } from '../model/buildable'
import { blockClassOf, evaluate, namesIn, type BlockArg } from './block-classes'
import { MODULE_ATTRIBUTES, pyClassName, uniqueNamer } from './py-names'
import { renderScope, SCOPE_INPUT, type RenderedScope, type ScopeStep } from './python-scope'

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

/** A block class of model.py. */
export interface BlockClassCode {
  name: string
  kind: BlockKind
  /** `in_channels: int, filters: int, stride: int = 1`. */
  signature: string
  body: RenderedScope
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

/** What a placeholder `self` becomes once the submodule's attribute is known. */
const SELF = '@self'

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

const withSelf = (code: string, attr: string) => code.split(SELF).join(`self.${attr}`)

/** `(N, 64, 56, 56)` from an NHWC shape; `(N, 10)` for a vector. */
export const nchw = (s: Shape): string =>
  s.length === 4 ? `(N, ${s[3]}, ${s[1]}, ${s[2]})` : `(N, ${s.slice(1).join(', ')})`

/** One inner layer of one block instance. */
interface InnerLayer {
  id: string
  kind: string
  inputs: string[]
  fragment: TorchFragment
  inputShapes: Shape[]
  outputShape: Shape
}

interface Instance {
  id: string
  kind: BlockKind
  /** The block's parameters, parsed. */
  params: Record<string, unknown>
  attr: string
  input: Shape
  output: string
  layers: InnerLayer[]
  args: BlockArg[]
}

const channelsOf = (s: Shape) => s[s.length - 1] as number

/**
 * The block classes of the graph's instances: one per block kind and structure, its numbers
 * replaced by the class's parameters where block-classes.ts explains them and every instance
 * agrees. Instances that would render differently get classes of their own.
 */
function blockClasses(instances: Instance[]) {
  const classes: { kind: BlockKind; members: Instance[]; code: Omit<BlockClassCode, 'name' | 'kind'> }[] = []
  const calls = new Map<string, { cls: number; args: string }>()
  const innerAttrs = new Map<number, Map<string, string>>()

  const resolve = (members: Instance[]) => {
    const first = members[0]
    const table = blockClassOf(first.kind)
    const argValues = members.map((m) => new Map(m.args.map((a) => [a.name, a.value])))
    const spec = first.args
    // A parameter with a default is taken when the instances need it; positional ones always.
    const takeable = new Set(
      spec
        .filter((a) => {
          const values = argValues.map((v) => v.get(a.name)!)
          return a.default === undefined || values.some((v) => v !== values[0] || v !== a.default)
        })
        .map((a) => a.name),
    )
    const used = new Set<string>()
    // Comments come last and name only what the code takes (`comments` then set).
    let comments = false
    const write = (expr: string): string | null => {
      if (comments && namesIn(expr).some((n) => !used.has(n) && takeable.has(n))) return null
      return expr.replace(/[A-Za-z_]\w*/g, (name) => {
        if (!takeable.has(name)) return String(argValues[0].get(name))
        used.add(name)
        return name
      })
    }
    const layer = (m: number, id: string) => members[m].layers.find((l) => l.id === id)!
    const channels = (m: number, tensor: string) =>
      tensor === BLOCK_INPUT ? (members[m].input[3] as number) : channelsOf(layer(m, tensor).outputShape)
    const all = (f: (m: number) => boolean) => members.every((_m, i) => f(i))
    // A tensor's channels as an expression of the parameters, or null when nothing explains them.
    const memo = new Map<string, string | null>()
    const channelExpr = (tensor: string): string | null => {
      if (memo.has(tensor)) return memo.get(tensor)!
      let expr: string | null = null
      if (tensor === BLOCK_INPUT) expr = 'in_channels'
      else {
        const l = layer(0, tensor)
        const named = table.channels[tensor]
        if (named && all((m) => evaluate(named, argValues[m]) === channels(m, tensor))) expr = named
        else if (l.kind === 'Concat') {
          const parts = l.inputs.map(channelExpr)
          expr = parts.every((p) => p !== null) ? parts.join(' + ') : null
        } else if (l.inputs.length && all((m) => channels(m, tensor) === channels(m, l.inputs[0])))
          expr = channelExpr(l.inputs[0])
      }
      memo.set(tensor, expr)
      return expr
    }
    const constant = (f: (m: number) => number) => (all((m) => f(m) === f(0)) ? String(f(0)) : null)
    const channelText = (tensor: string) => {
      const expr = channelExpr(tensor)
      return (expr && write(expr)) ?? constant((m) => channels(m, tensor))
    }
    const argText = (l: InnerLayer) => (a: TorchArg) => {
      if (a.role === 'inChannels') return channelText(l.inputs[0])
      if (a.role === 'outChannels') return channelText(l.id)
      if (a.role === 'stride' && table.strided.includes(l.id) && takeable.has('stride')) {
        const fits = members.every((_m, i) => {
          const v = layerArg(i, l.id, a.keyword!)
          return Array.isArray(v) && v.every((s) => s === argValues[i].get('stride'))
        })
        if (fits) {
          used.add('stride')
          return 'stride'
        }
      }
      return null
    }
    const layerArg = (m: number, id: string, keyword: string) =>
      layer(m, id).fragment.module!.args.find((a) => a.keyword === keyword)!.value
    // Spatial sizes relative to the block's input: H, H/2, H/stride.
    const spatial = (axis: 1 | 2, tensor: string) => {
      const name = axis === 1 ? 'H' : 'W'
      const size = (m: number, t: string) =>
        (t === BLOCK_INPUT ? members[m].input : layer(m, t).outputShape)[axis] as number
      if (all((m) => size(m, tensor) === size(m, BLOCK_INPUT))) return name
      const ratio = (s: (m: number) => number) =>
        all((m) => size(m, tensor) === Math.ceil(size(m, BLOCK_INPUT) / s(m)))
      if (used.has('stride') && ratio((m) => argValues[m].get('stride')!)) return `${name}/stride`
      for (const s of [2, 3, 4]) if (ratio(() => s)) return `${name}/${s}`
      return constant((m) => size(m, tensor)) ?? '?'
    }

    const attrs = uniqueNamer(MODULE_ATTRIBUTES)
    const attrOf = new Map<string, string>()
    const rendered = members.map((_m, i) =>
      members[i].layers.map((l) => {
        if (!attrOf.has(l.id) && l.fragment.module) attrOf.set(l.id, attrs(l.id))
        const attr = attrOf.get(l.id)
        return {
          module: l.fragment.module ? pyModule(l.fragment.module, argText(l)) : null,
          init: (l.fragment.init ?? []).map((s) => withSelf(s, attr!)),
          forward: attr ? withSelf(l.fragment.forward, attr) : l.fragment.forward,
          // The layer's arguments as written for this instance alone, for splitting.
          own: l.fragment.module ? pyModule(l.fragment.module) : null,
        }
      }),
    )
    const key = (i: number) => JSON.stringify(rendered[i].map(({ own: _own, ...r }) => r))
    if (!members.every((_m, i) => key(i) === key(0))) {
      // Instances the parameters do not explain alike: classes of their own, by what differs.
      const parts = new Map<string, Instance[]>()
      members.forEach((m, i) => {
        const k = JSON.stringify(rendered[i].map((r) => [r.own, r.init, r.forward]))
        parts.set(k, [...(parts.get(k) ?? []), m])
      })
      const split = parts.size > 1 ? [...parts.values()] : members.map((m) => [m])
      for (const part of split) resolve(part)
      return
    }
    comments = true
    const steps: ScopeStep[] = first.layers.map((l, j) => ({
      id: l.id,
      inputs: l.inputs,
      forward: rendered[0][j].forward,
      comment: `(N, ${channelText(l.id) ?? '?'}, ${spatial(1, l.id)}, ${spatial(2, l.id)})`,
      module: rendered[0][j].module ? { attr: attrOf.get(l.id)!, code: rendered[0][j].module! } : undefined,
      init: rendered[0][j].init,
    }))
    const body = hoistLocals(renderScope(steps, first.output), table.locals ?? {}, write)
    const params = spec.filter((a) => used.has(a.name))
    const signature = params
      .map((a) => (a.default === undefined ? `${a.name}: int` : `${a.name}: int = ${a.default}`))
      .join(', ')
    const index = classes.length
    classes.push({ kind: first.kind, members, code: { signature, body } })
    innerAttrs.set(index, attrOf)
    members.forEach((m, i) => {
      const args = params
        .filter((a) => a.default === undefined || argValues[i].get(a.name) !== a.default)
        .map((a) => (a.default === undefined ? '' : `${a.name}=`) + String(argValues[i].get(a.name)))
      calls.set(m.id, { cls: index, args: args.join(', ') })
    })
  }

  const byStructure = new Map<string, Instance[]>()
  for (const inst of instances) {
    // Numbers aside, the same layers, wiring and code.
    const shape = JSON.stringify([
      inst.kind,
      inst.output,
      inst.layers.map((l) => [l.id, l.kind, l.inputs, JSON.stringify(l.fragment).replace(/\d+/g, '#')]),
    ])
    byStructure.set(shape, [...(byStructure.get(shape) ?? []), inst])
  }
  for (const members of byStructure.values()) resolve(members)
  return { classes, calls, innerAttrs }
}

/**
 * `hidden = in_channels * 6` first in `__init__` when the expression is used twice or more, and
 * `hidden` in its place (in the comments too).
 */
function hoistLocals(
  body: RenderedScope,
  locals: Record<string, string>,
  write: (expr: string) => string | null,
): RenderedScope {
  let { init, forward } = body
  const hoisted: string[] = []
  for (const [expr, name] of Object.entries(locals)) {
    const text = write(expr)
    if (!text) continue
    const pattern = new RegExp(`(?<![\\w.])${text.replace(/[*]/g, '\\*')}(?![\\w])`, 'g')
    const uses = init.join('\n').match(pattern)?.length ?? 0
    if (uses < 2) continue
    hoisted.push(`${name} = ${text}`)
    init = init.map((l) => l.replace(pattern, name))
    forward = forward.map((l) => l.replace(pattern, name))
  }
  return { init: [...hoisted, ...init], forward }
}

/** `b2_reduce` → `B2Reduce`, `batchNorm` → `BatchNorm`. */
const pascal = (s: string) => s.replace(/(^|_)([a-z0-9])/gi, (_m, _u, c: string) => c.toUpperCase())

/** A block parameter's value shared by every instance of a class, or undefined. */
function shared(c: { members: Instance[] }, param: string): unknown {
  const values = c.members.map((m) => JSON.stringify(m.params[param]))
  return values.every((v) => v === values[0]) ? c.members[0].params[param] : undefined
}

/** `NoBatchNorm`, `Relu`, `Strides2`: what a parameter's value says in a class name. */
function describeParam(param: string, value: unknown): string {
  if (typeof value === 'boolean') return `${value ? 'With' : 'No'}${pascal(param)}`
  if (typeof value === 'string') return pascal(value)
  return `${pascal(param)}${String(value).replace(/\W/g, '_')}`
}

/**
 * Class names: the table's when a kind has one class. Variants are named by the layers only they
 * have (`BasicBlockWithProj`, `InvertedResidualWithExpandAndAdd`), else by the block parameter
 * that sets them apart from the first class of that name (`InceptionNoBatchNorm`,
 * `SeparableBlockRelu`, `SeparableBlockStrides2`), else numbered.
 */
function nameClasses(classes: { kind: BlockKind; members: Instance[] }[], taken: Set<string>): string[] {
  const names: string[] = []
  for (const [i, c] of classes.entries()) {
    const base = blockClassOf(c.kind).className
    const siblings = classes.filter((o) => o.kind === c.kind)
    let name = base
    if (siblings.length > 1) {
      // Layers only some variants have, by the first word of their ids when no common layer has it.
      const ids = (o: { members: Instance[] }) => new Set(o.members[0].layers.map((l) => l.id))
      const common = siblings.map(ids).reduce((a, b) => new Set([...a].filter((x) => b.has(x))))
      const commonWords = new Set([...common].map((x) => x.split('_')[0]))
      const extra = [...ids(c)].filter((x) => !common.has(x)).map((x) => x.split('_')[0])
      const words = [...new Set(extra)].filter((w) => !commonWords.has(w))
      if (words.length) name = `${base}With${words.map(pascal).join('And')}`
    }
    const first = classes.findIndex((o, j) => j < i && o.kind === c.kind && names[j] === name)
    if (first >= 0) {
      // Categorical parameters say more than sizes; one both classes hold alike, before one only this does.
      const keys = Object.keys(c.members[0].params).sort(
        (a, b) =>
          Number(typeof c.members[0].params[a] === 'number') -
          Number(typeof c.members[0].params[b] === 'number'),
      )
      const differs = (k: string, both: boolean) => {
        const mine = shared(c, k)
        const theirs = shared(classes[first], k)
        return (
          mine !== undefined &&
          (!both || theirs !== undefined) &&
          JSON.stringify(theirs) !== JSON.stringify(mine)
        )
      }
      const param = keys.find((k) => differs(k, true)) ?? keys.find((k) => differs(k, false))
      if (param) name += describeParam(param, shared(c, param))
    }
    let unique = name
    for (let n = 2; taken.has(unique) || names.includes(unique); n++) unique = `${name}${n}`
    names[i] = unique
  }
  return names
}

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
