import { BLOCKS } from '../../shared/blocks/registry'
import type { GraphDocument } from '../../shared/graph/document'
import { HELPER_CLASSES } from '../../shared/layers/torch/helper-classes'
import { planModel, type BlockClassCode, type ModelPlan, type ModelPyOptions } from './model-plan'
import type { RenderedScope } from './python-scope'

const WIDTH = 99

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

/** A docstring at `indent`: paragraphs wrapped, quotes and backslashes escaped. */
function docstring(paragraphs: string[], indent: string): string[] {
  const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')
  // A paragraph of several lines is code, kept as written.
  const body = paragraphs.map((p) =>
    p.includes('\n') ? escape(p).split('\n') : wrap(escape(p), WIDTH - indent.length - 3),
  )
  const lines = body.flatMap((p, i) => (i ? ['', ...p] : p))
  if (lines.length === 1 && lines[0].length + 6 <= WIDTH - indent.length)
    return [`${indent}"""${lines[0]}"""`]
  return [`${indent}"""${lines[0]}`, ...lines.slice(1).map((l) => (l ? indent + l : '')), `${indent}"""`]
}

/** A Python list of strings (JSON's string literals are Python's), one line if it fits. */
function pyStrings(values: readonly string[], lead: string): string {
  const items = values.map((v) => JSON.stringify(v))
  const one = `${lead}[${items.join(', ')}]`
  return one.length <= WIDTH ? one : `${lead}[\n${items.map((i) => `    ${i},`).join('\n')}\n]`
}

/** Top-level commas of an argument list (not those inside brackets). */
function splitArgs(args: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < args.length; i++) {
    const ch = args[i]
    if ('([{'.includes(ch)) depth++
    else if (')]}'.includes(ch)) depth--
    else if (ch === ',' && depth === 0) {
      parts.push(args.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(args.slice(start).trim())
  return parts.filter(Boolean)
}

/**
 * A call or signature too long for one line, wrapped as black does: its arguments on the next
 * line, or one per line when they do not fit there either.
 */
function wrapCall(line: string, indent: string): string[] {
  const open = line.indexOf('(')
  const close = line.lastIndexOf(')')
  if (indent.length + line.length <= WIDTH || open < 0 || close < open) return [indent + line]
  const inner = line.slice(open + 1, close)
  const inside = `${indent}    `
  const lines =
    inside.length + inner.length <= WIDTH ? [inside + inner] : splitArgs(inner).map((a) => `${inside}${a},`)
  return [indent + line.slice(0, open + 1), ...lines, indent + line.slice(close)]
}

function moduleClass(name: string, doc: string[], signature: string, body: RenderedScope): string[] {
  return [
    `class ${name}(nn.Module):`,
    ...docstring(doc, '    '),
    '',
    ...wrapCall(`def __init__(self${signature ? `, ${signature}` : ''}):`, '    '),
    '        super().__init__()',
    ...body.init.flatMap((l) => wrapCall(l, '        ')),
    '',
    '    def forward(self, x: torch.Tensor) -> torch.Tensor:',
    ...body.forward.map((l) => `        ${l}`),
  ]
}

function blockClass(b: BlockClassCode): string[] {
  const { label, doc } = BLOCKS[b.kind].palette
  return moduleClass(b.name, [`${label}: ${doc}`], b.signature, b.body)
}

/**
 * model.py: the network as PyTorch code a person could have written, from a graph document (or
 * its plan, model-plan.ts). Imports, INPUT_SHAPE and CLASSES, the helper and block classes it
 * uses, one class named after the project (input NCHW float32, output the logits), build_model().
 */
export function modelPy(source: GraphDocument | ModelPlan, options: ModelPyOptions = {}): string {
  const plan = 'graph' in source ? source : planModel(source, options)
  const { height, width, channels } = plan.graph.input
  const classes = plan.classes
  const code = [
    ...plan.helpers.map((h) => HELPER_CLASSES[h].trimEnd().split('\n')),
    ...plan.blocks.map(blockClass),
    moduleClass(
      plan.className,
      [
        plan.description ? `${plan.projectName}: ${plan.description}` : plan.projectName,
        `Input: images (N, ${channels}, ${height}, ${width}), float32, normalised as in training. ` +
          `Output: the logits (N, ${plan.graph.classes}), what the graph's Output node receives.`,
      ],
      '',
      plan.model,
    ),
    [
      'def build_model() -> nn.Module:',
      `    """A new ${plan.className} with fresh weights; load trained ones with load_state_dict."""`,
      `    return ${plan.className}()`,
    ],
  ]
  const body = code.map((lines) => lines.join('\n')).join('\n\n\n')
  const imports = [
    'import torch',
    ...(/\bF\./.test(body) ? ['import torch.nn.functional as F'] : []),
    'from torch import nn',
  ]
  const header = [
    ...docstring(
      [
        `${plan.projectName}, as a PyTorch module: generated by CNN Studio from the project's graph.`,
        [
          'Usage, with the weights exported beside this file:',
          '',
          '    from safetensors_io import load_file',
          '    model = build_model()',
          '    model.load_state_dict(load_file("weights.safetensors"))',
          '    model.eval()',
        ].join('\n'),
      ],
      '',
    ),
    '',
    ...imports,
    '',
    `INPUT_SHAPE = (${channels}, ${height}, ${width})  # channels, height, width`,
    classes ? pyStrings(classes, 'CLASSES = ') : 'CLASSES = None  # no class names',
  ]
  return `${header.join('\n')}\n\n\n${body}\n`
}
