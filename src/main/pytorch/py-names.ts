/** Python names for generated code: identifiers from node ids, class names from project names. */

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
)

/**
 * nn.Module's own attributes (torch 1.13 and 2.x): a submodule of that name would shadow a method
 * (`self.float`, `self.training`) or fail to register.
 */
export const MODULE_ATTRIBUTES = new Set(
  `T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double
  dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half
  ipu load_state_dict modules mtia named_buffers named_children named_modules named_parameters parameters
  register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
  register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
  register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook
  register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory smart_apply
  state_dict to to_empty train training type xpu zero_grad`.split(/\s+/),
)

/** Names forward's variables must not take: the imports, `self`, and builtins a reader would miss. */
export const VARIABLE_RESERVED = new Set(
  'self torch nn F input max min sum abs len list dict set tuple type id map filter range round pow print object super int float bool str all any iter next'.split(
    ' ',
  ),
)

/** ASCII letters for accented ones (é → e); other characters are dropped or replaced by callers. */
const ascii = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')

/**
 * A valid Python identifier close to `raw`: other characters become `_`, a leading digit or
 * underscore gets `layer` before it (names starting with `_` are nn.Module's internals), keywords
 * and `reserved` names get a trailing `_` (`in` → `in_`, `float` → `float_`).
 */
export function pyIdentifier(raw: string, reserved: ReadonlySet<string> = new Set()): string {
  let name = ascii(raw).replace(/[^A-Za-z0-9_]/g, '_')
  if (name === '') name = 'layer'
  if (/^[0-9_]/.test(name)) name = `layer${name.startsWith('_') ? '' : '_'}${name}`
  return KEYWORDS.has(name) || reserved.has(name) ? `${name}_` : name
}

/** Gives unique identifiers: the first `conv1` is `conv1`, a second `conv1_2`. */
export function uniqueNamer(reserved: ReadonlySet<string> = new Set(), taken: Iterable<string> = []) {
  const used = new Set(taken)
  return (raw: string): string => {
    const base = pyIdentifier(raw, reserved)
    let name = base
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`
    used.add(name)
    return name
  }
}

/**
 * A project name as a Python class name: its words joined, each starting with a capital, the rest
 * kept as written ("LeNet-5 (MNIST)" → `LeNet5MNIST`, "my net" → `MyNet`); `Model` when nothing
 * is left, before a leading digit and after a keyword (`None` → `NoneModel`).
 */
export function pyClassName(name: string): string {
  const words = ascii(name)
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
  let cls = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')
  if (cls === '') cls = 'Model'
  if (/^[0-9]/.test(cls)) cls = `Model${cls}`
  return KEYWORDS.has(cls) ? `${cls}Model` : cls
}
