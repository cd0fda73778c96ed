import { beforeEach, describe, expect, it } from 'vitest'
import { chain } from '../../shared/graph/test-kit'
import { useDocument } from './document-store'
import { addNode, removeNodes } from './edits'
import { useUi } from './ui-store'

describe('the selection', () => {
  beforeEach(() =>
    useDocument.getState().load(
      chain([
        ['in', 'Input'],
        ['c', 'Conv2D'],
      ]),
    ),
  )

  it('holds only ids of nodes in the document', () => {
    useUi.getState().select(['c', 'gone'])
    expect([...useUi.getState().selection]).toEqual(['c'])
  })

  it('loses a node when a delete, an undone add or a load removes it', () => {
    useUi.getState().select(['in', 'c'])
    useDocument.getState().change((d) => removeNodes(d, new Set(['c'])))
    expect([...useUi.getState().selection]).toEqual(['in'])

    let id = ''
    useDocument.getState().change((d) => {
      const r = addNode(d, 'Dense', { x: 0, y: 0 })
      id = r.id
      return r.doc
    })
    useUi.getState().select([id])
    useDocument.getState().undo()
    expect(useUi.getState().selection.size).toBe(0)

    useUi.getState().select(['in'])
    useDocument.getState().load(chain([['other', 'Input']]))
    expect(useUi.getState().selection.size).toBe(0)
  })

  it('is the same object when nothing selected left', () => {
    useUi.getState().select(['in'])
    const before = useUi.getState().selection
    useDocument.getState().change((d) => removeNodes(d, new Set(['c'])))
    expect(useUi.getState().selection).toBe(before)
  })
})
