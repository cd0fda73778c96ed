import { describe, expect, it } from 'vitest'
import { commandOf, SHORTCUTS, type EditCommand } from './shortcuts'

describe('the shortcuts table', () => {
  it('drives the key handler: each listed Ctrl key gives its command', () => {
    expect(commandOf({ key: 'z', shiftKey: false })).toBe('undo')
    expect(commandOf({ key: 'Z', shiftKey: true })).toBe('redo')
    expect(commandOf({ key: 'y', shiftKey: false })).toBe('redo')
    expect(commandOf({ key: 'd', shiftKey: false })).toBe('duplicate')
    expect(commandOf({ key: 'q', shiftKey: false })).toBeUndefined()
    for (const s of SHORTCUTS.filter((s) => s.key))
      expect(commandOf({ key: s.key!, shiftKey: Boolean(s.shift) }), s.keys).toBe(s.command)
  })

  it('lists every edit command, the delete keys and the overlay itself', () => {
    const commands: EditCommand[] = ['undo', 'redo', 'cut', 'copy', 'paste', 'duplicate']
    for (const c of commands)
      expect(
        SHORTCUTS.some((s) => s.command === c),
        c,
      ).toBe(true)
    expect(SHORTCUTS.map((s) => s.keys)).toEqual(expect.arrayContaining(['Delete / Backspace', '?']))
  })
})
