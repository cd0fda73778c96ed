import { BLOCK_INPUT } from '../../shared/blocks/define-block'
import { pyIdentifier, VARIABLE_RESERVED } from './py-names'

/**
 * The value a scope's forward receives (`x`): the model's images, or a block's input, whose id it
 * is in a block's expansion (so a block's layers name their inputs as they are).
 */
export const SCOPE_INPUT = BLOCK_INPUT

/** One layer (or block instance) of a forward, in topological order. */
export interface ScopeStep {
  /** Unique within the scope; also what fresh variable names are made from. */
  id: string
  /** Step ids, or SCOPE_INPUT, in port order. */
  inputs: string[]
  /** The output: Python with `$0`, `$1`… for the inputs; `$0` alone (without a module) is an identity. */
  forward: string
  /** What the line's comment says: the output's shape. */
  comment: string
  /** The submodule's attribute and constructor, when the step has one. */
  module?: { attr: string; code: string }
  /** Statements after the constructor. */
  init?: string[]
}

export interface RenderedScope {
  /** `self.conv1 = nn.Conv2d(…)` lines of `__init__`. */
  init: string[]
  /** forward's lines, `return` included. */
  forward: string[]
}

const isIdentity = (s: ScopeStep) => s.forward === '$0' && !s.module

/**
 * A forward as a person writes it: one line per layer, `x = self.conv1(x)  # (N, 6, 28, 28)`. A
 * value is kept in the variable of its input when that input is not needed again (so a chain stays
 * in `x`); a value still needed (a shortcut) keeps its variable and the branch takes a new one:
 * `out` beside a single shortcut, else named after the branch's first layer (`b2` for `b2_reduce`).
 * A merge writes to `x` when `x` is free. Identities (Input, Output, a flat Flatten) add no line.
 */
export function renderScope(steps: readonly ScopeStep[], output: string): RenderedScope {
  const byId = new Map(steps.map((s) => [s.id, s]))
  // Identities share their input's value.
  const value = (id: string): string => {
    const s = byId.get(id)
    return s && isIdentity(s) ? value(s.inputs[0]) : id
  }
  const uses = new Map<string, number>()
  const count = (v: string) => uses.set(v, (uses.get(v) ?? 0) + 1)
  for (const s of steps) if (!isIdentity(s)) s.inputs.forEach((i) => count(value(i)))
  count(value(output))
  const fanOut = new Map(uses)

  const variable = new Map<string, string>([[SCOPE_INPUT, 'x']])
  // Variable name → the value it holds while that value is still needed.
  const live = new Map<string, string>()
  if (uses.get(SCOPE_INPUT)) live.set('x', SCOPE_INPUT)
  const free = (name: string) => !live.has(name) && !VARIABLE_RESERVED.has(name)
  const fresh = (s: ScopeStep, shortcut: boolean): string => {
    const id = pyIdentifier(s.id, VARIABLE_RESERVED)
    const first = id.split('_')[0] || id
    const candidates = [...(shortcut ? ['out'] : []), first, id]
    const found = candidates.find(free)
    if (found) return found
    for (let i = 2; ; i++) if (free(`${first}${i}`)) return `${first}${i}`
  }

  const init: string[] = []
  const forward: string[] = []
  for (const s of steps) {
    if (s.module) init.push(`self.${s.module.attr} = ${s.module.code}`, ...(s.init ?? []))
    if (isIdentity(s)) continue
    const inputs = s.inputs.map(value)
    const names = inputs.map((v) => variable.get(v)!)
    const dying: string[] = []
    for (const v of inputs) {
      uses.set(v, uses.get(v)! - 1)
      if (uses.get(v) === 0 && live.get(variable.get(v)!) === v) {
        live.delete(variable.get(v)!)
        dying.push(v)
      }
    }
    let name: string
    const distinct = [...new Set(inputs)]
    if (distinct.length === 1) {
      const v = distinct[0]
      name = dying.includes(v) && fanOut.get(v)! <= 2 ? variable.get(v)! : fresh(s, fanOut.get(v) === 2)
    } else {
      name = free('x') ? 'x' : dying.length ? variable.get(dying[0])! : fresh(s, false)
    }
    variable.set(s.id, name)
    if (uses.get(s.id)) live.set(name, s.id)
    const code = s.forward.replace(/\$(\d+)/g, (_m, i: string) => names[Number(i)])
    forward.push(`${name} = ${code}  # ${s.comment}`)
  }
  forward.push(`return ${variable.get(value(output))}`)
  return { init, forward }
}
