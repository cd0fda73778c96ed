import { describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/api/contract'
import { chain } from '../../shared/graph/test-kit'
import { createGraphService } from './graph-service'
import { createTemplatesService } from './templates-service'

const tiny = {
  name: 'tiny',
  title: 'Tiny CNN',
  description: 'Two convolutions.',
  document: chain([
    ['in', 'Input', { height: 32, width: 32, channels: 3 }],
    ['c1', 'Conv2D', { filters: 16, kernelSize: 3, padding: 'same', strides: 2 }],
    ['c2', 'Conv2D', { filters: 8, kernelSize: 5, useBias: false }],
  ]),
}
const broken = {
  name: 'broken',
  title: 'Broken',
  description: 'A kernel larger than its input.',
  document: chain([
    ['in', 'Input', { height: 5, width: 5, channels: 1 }],
    ['big', 'Conv2D', { kernelSize: 7 }],
  ]),
}

describe('templates service', () => {
  const service = createTemplatesService([tiny, broken])

  it('lists every template with totals inferred from its document', async () => {
    expect(await service['templates.list']({})).toEqual([
      {
        name: 'tiny',
        title: 'Tiny CNN',
        description: 'Two convolutions.',
        trainable: 3 * 3 * 3 * 16 + 16 + 5 * 5 * 16 * 8,
        nonTrainable: 0,
        macs: 16 * 16 * 16 * 27 + 12 * 12 * 8 * 5 * 5 * 16,
      },
      {
        name: 'broken',
        title: 'Broken',
        description: 'A kernel larger than its input.',
        trainable: 0,
        nonTrainable: 0,
        macs: 0,
      },
    ])
  })

  it('returns a copy of a template document', async () => {
    const doc = await service['templates.get']({ name: 'tiny' })
    expect(doc).toEqual(tiny.document)
    doc.nodes.pop()
    expect((await service['templates.get']({ name: 'tiny' })).nodes).toHaveLength(3)
  })

  it('answers not-found, naming the known templates', async () => {
    const call = async () => service['templates.get']({ name: 'vgg99' })
    await expect(call()).rejects.toBeInstanceOf(ApiError)
    await expect(call()).rejects.toMatchObject({
      code: 'not-found',
      message: "No template named 'vgg99'. Known templates: tiny, broken.",
    })
  })
})

describe('graph service', () => {
  it('analyses a document, errors included', async () => {
    const analyse = createGraphService()['graph.analyse']
    const a = await analyse({ document: broken.document })
    expect(a.nodes.big.status).toBe('error')
    expect(a.errors.map((e) => e.nodeId)).toEqual(['big'])
    expect((await analyse({ document: tiny.document })).nodes.c2.outputShape).toEqual([null, 12, 12, 8])
  })
})
