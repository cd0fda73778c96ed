import { BLOCK_INPUT } from '../../shared/blocks/define-block'
import type { BlockKind } from '../../shared/blocks/registry'
import { pyModule } from '../../shared/layers/torch/py'
import type { TorchArg, TorchFragment } from '../../shared/layers/torch/types'
import type { Shape } from '../../shared/tensor/shape'
import { blockClassOf, evaluate, namesIn, type BlockArg } from './block-classes'
import { MODULE_ATTRIBUTES, uniqueNamer } from './py-names'
import { renderScope, type RenderedScope, type ScopeStep } from './python-scope'

/**
 * The block classes of model.py: a graph's block instances grouped into one class per kind and
 * structure (their numbers the class's parameters where block-classes.ts explains them and every
 * instance agrees), each rendered as a PyTorch module, and named by what sets a class apart.
 * planModel (model-plan.ts) collects the instances and places the classes.
 */
/** A block class of model.py. */
export interface BlockClassCode {
  name: string
  kind: BlockKind
  /** `in_channels: int, filters: int, stride: int = 1`. */
  signature: string
  body: RenderedScope
}

/** What a placeholder `self` becomes once the submodule's attribute is known. */
export const SELF = '@self'

export const withSelf = (code: string, attr: string) => code.split(SELF).join(`self.${attr}`)

/** One inner layer of one block instance. */
export interface InnerLayer {
  id: string
  kind: string
  inputs: string[]
  fragment: TorchFragment
  inputShapes: Shape[]
  outputShape: Shape
}

export interface Instance {
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
export function blockClasses(instances: Instance[]) {
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
export function nameClasses(
  classes: { kind: BlockKind; members: Instance[] }[],
  taken: Set<string>,
): string[] {
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
