import { describe, expect, it } from 'vitest'
import { wrap } from './table'

describe('wrap', () => {
  it('breaks at words under a hanging indent, never splitting a word longer than the width', () => {
    expect(wrap('  ✗ name  ', 'one two three four', 16, 10)).toEqual([
      '  ✗ name  one',
      '          two',
      '          three',
      '          four',
    ])
    expect(wrap('- ', 'short', 80)).toEqual(['- short'])
    expect(wrap('', 'a /very/long/path/that/does/not/fit b', 10, 2)).toEqual([
      'a',
      '  /very/long/path/that/does/not/fit',
      '  b',
    ])
  })
})
