import { describe, expect, it } from 'vitest'
import { renderScope, SCOPE_INPUT, type ScopeStep } from './python-scope'

/** Steps from `[id, inputs, forward?]`: a module call `self.<id>($0)` unless given. */
const steps = (list: [string, string[], string?][]): ScopeStep[] =>
  list.map(([id, inputs, forward]) => ({
    id,
    inputs,
    forward: forward ?? `self.${id}($0)`,
    comment: id,
    ...(forward ? {} : { module: { attr: id, code: 'nn.Identity()' } }),
  }))

describe('renderScope', () => {
  it('keeps a chain in x and skips identities', () => {
    const r = renderScope(
      steps([
        ['input', [SCOPE_INPUT], '$0'],
        ['c1', ['input']],
        ['flat', ['c1'], '$0'],
        ['fc', ['flat']],
        ['output', ['fc'], '$0'],
      ]),
      'output',
    )
    expect(r.forward).toEqual(['x = self.c1(x)  # c1', 'x = self.fc(x)  # fc', 'return x'])
    expect(r.init).toEqual(['self.c1 = nn.Identity()', 'self.fc = nn.Identity()'])
  })

  it('writes a residual block as torchvision does: the main path in out, the shortcut in x', () => {
    const identity = renderScope(
      steps([
        ['conv1', [SCOPE_INPUT]],
        ['conv2', ['conv1']],
        ['add', ['conv2', SCOPE_INPUT], '$0 + $1'],
        ['relu', ['add']],
      ]),
      'relu',
    )
    expect(identity.forward).toEqual([
      'out = self.conv1(x)  # conv1',
      'out = self.conv2(out)  # conv2',
      'x = out + x  # add',
      'x = self.relu(x)  # relu',
      'return x',
    ])
    const projected = renderScope(
      steps([
        ['conv1', [SCOPE_INPUT]],
        ['proj', [SCOPE_INPUT]],
        ['add', ['conv1', 'proj'], '$0 + $1'],
      ]),
      'add',
    )
    expect(projected.forward).toEqual([
      'out = self.conv1(x)  # conv1',
      'x = self.proj(x)  # proj',
      'x = out + x  # add',
      'return x',
    ])
  })

  it('names the branches of a wider fan-out after their first layers', () => {
    const r = renderScope(
      steps([
        ['b1', [SCOPE_INPUT]],
        ['b2_reduce', [SCOPE_INPUT]],
        ['b2', ['b2_reduce']],
        ['b3_pool', [SCOPE_INPUT]],
        ['cat', ['b1', 'b2', 'b3_pool'], 'torch.cat([$0, $1, $2], dim=1)'],
      ]),
      'cat',
    )
    expect(r.forward).toEqual([
      'b1 = self.b1(x)  # b1',
      'b2 = self.b2_reduce(x)  # b2_reduce',
      'b2 = self.b2(b2)  # b2',
      'b3 = self.b3_pool(x)  # b3_pool',
      'x = torch.cat([b1, b2, b3], dim=1)  # cat',
      'return x',
    ])
  })

  it('never names a variable after a keyword, an import or a builtin', () => {
    const r = renderScope(
      steps([
        ['input', [SCOPE_INPUT]],
        ['max', [SCOPE_INPUT]],
        ['sum', ['input', 'max'], '$0 + $1'],
      ]),
      'sum',
    )
    expect(r.forward[0]).toBe('out = self.input(x)  # input')
    expect(r.forward.join('\n')).not.toMatch(/^(max|sum|input) =/m)
  })
})
