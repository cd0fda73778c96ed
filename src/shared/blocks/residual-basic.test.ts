import { describe, expect, it } from 'vitest'
import { inferGraph } from '../graph/infer'
import { chain } from '../graph/test-kit'
import type { Subgraph } from './define-block'
import { analyseBlock, expandBlock, feeds } from './test-kit'
import { residualBasic } from './residual-basic'

const analyse = (params: Record<string, unknown>, input: [number, number, number]) =>
  analyseBlock('ResidualBasic', params, input)

const expand = (params: Record<string, unknown>, c: number): Subgraph => expandBlock(residualBasic, params, c)

describe('ResidualBasic', () => {
  it('keeps an identity shortcut when stride and channels are unchanged (ResNet-18 layer1.0)', () => {
    const { node, inner } = analyse({ filters: 64 }, [56, 56, 64])
    expect(node.status).toBe('ok')
    expect(node.outputShape).toEqual([null, 56, 56, 64])
    // conv1, conv2: 3·3·64·64 = 36,864 each, no bias; two BNs: γβ 2·64 each (trainable),
    // mean/var 2·64 each (non-trainable). 73,728 + 256 = 73,984 = torchvision's layer1[0].
    expect(node.params).toEqual({ trainable: 73_984, nonTrainable: 256 })
    // MACs: 2 · 56·56·64 · 3·3·64 = 2 · 115,605,504
    expect(node.macs).toBe(231_211_008)
    expect(inner).toEqual(['conv1', 'conv1_bn', 'conv1_relu', 'conv2', 'conv2_bn', 'add', 'out_relu'])
  })

  it('adds a 1×1 projection with BN when stride and channels change (ResNet-18 layer2.0)', () => {
    const { node, inner, analysis } = analyse({ filters: 128, strides: 2 }, [56, 56, 64])
    expect(node.outputShape).toEqual([null, 28, 28, 128])
    // conv1 3·3·64·128 = 73,728; conv2 3·3·128·128 = 147,456; proj 64·128 = 8,192 → 229,376;
    // three BNs of 128: γβ 768 trainable, mean/var 768 → 230,144 = torchvision's layer2[0].
    expect(node.params).toEqual({ trainable: 230_144, nonTrainable: 768 })
    // MACs at 28×28: 784 · 229,376
    expect(node.macs).toBe(179_830_784)
    expect(inner).toEqual(expect.arrayContaining(['proj', 'proj_bn']))
    expect(analysis.inner['b/conv1'].outputShape).toEqual([null, 28, 28, 128])
    expect(analysis.inner['b/proj'].outputShape).toEqual([null, 28, 28, 128])
    expect(analysis.inner['b/add'].inputShapes).toEqual([
      [null, 28, 28, 128],
      [null, 28, 28, 128],
    ])
  })

  it('projects when only the channels change', () => {
    const { node, inner } = analyse({ filters: 128 }, [56, 56, 64])
    expect(node.outputShape).toEqual([null, 56, 56, 128])
    expect(node.params).toEqual({ trainable: 230_144, nonTrainable: 768 })
    // 56·56 · 229,376
    expect(node.macs).toBe(719_323_136)
    expect(inner).toContain('proj')
  })

  it('projects when only the stride changes', () => {
    const { node, inner } = analyse({ filters: 64, strides: 2 }, [56, 56, 64])
    expect(node.outputShape).toEqual([null, 28, 28, 64])
    // 2·36,864 + proj 64·64 = 4,096 → 77,824; three BNs of 64: 384 + 384
    expect(node.params).toEqual({ trainable: 78_208, nonTrainable: 384 })
    expect(inner).toContain('proj_bn')
  })

  it('wires the main path to Add port 0 and the shortcut to port 1, then ReLU', () => {
    const identity = expand({ filters: 64 }, 64)
    expect(feeds(identity, 'add')).toEqual(['conv2_bn', '@in'])
    expect(feeds(identity, 'out_relu')).toEqual(['add'])
    expect(identity.output).toBe('out_relu')
    const projected = expand({ filters: 128, strides: 2 }, 64)
    expect(feeds(projected, 'add')).toEqual(['conv2_bn', 'proj_bn'])
    expect(feeds(projected, 'proj')).toEqual(['@in'])
    expect(projected.nodes.find((n) => n.id === 'add')!.params).toEqual({ inputs: 2 })
  })

  it('gives the convolutions torchvision’s settings and the BNs the block’s', () => {
    const sub = expand({ filters: 128, strides: 2, epsilon: 1e-3, momentum: 0.99 }, 64)
    const params = (id: string) => sub.nodes.find((n) => n.id === id)!.params
    expect(params('conv1')).toEqual({ filters: 128, kernelSize: 3, strides: 2, padding: 1, useBias: false })
    expect(params('conv2')).toEqual({ filters: 128, kernelSize: 3, padding: 1, useBias: false })
    expect(params('proj')).toEqual({ filters: 128, kernelSize: 1, strides: 2, useBias: false })
    for (const id of ['conv1_bn', 'conv2_bn', 'proj_bn'])
      expect(params(id)).toEqual({ epsilon: 1e-3, momentum: 0.99 })
    expect(params('out_relu')).toEqual({ fn: 'relu' })
    for (const n of sub.nodes) expect(n.name).toBeTruthy()
  })

  it('matches the shortcut to the main path on odd sizes (7×7 /2 → 4×4)', () => {
    const { node } = analyse({ filters: 512, strides: 2 }, [7, 7, 256])
    expect(node.status).toBe('ok')
    expect(node.outputShape).toEqual([null, 4, 4, 512])
  })

  it('has torchvision’s defaults, an integer stride 1..4 and a short summary', () => {
    const p = residualBasic.params.parse({})
    expect(p).toEqual({ filters: 64, strides: 1, epsilon: 1e-5, momentum: 0.9 })
    for (const strides of [0, 5, 1.5, [2, 2]])
      expect(residualBasic.params.safeParse({ strides }).success, String(strides)).toBe(false)
    expect(residualBasic.palette.category).toBe('block')
    expect(residualBasic.palette.summary(p)).toBe('64')
    expect(residualBasic.palette.summary({ ...p, filters: 128, strides: 2 })).toBe('128 · /2')
  })

  it('refuses a flat input with a message naming the block', () => {
    const r = residualBasic.expand(residualBasic.params.parse({}), [null, 192])
    expect('error' in r && r.error.message).toMatch(
      /^Residual basic block needs a 4-D feature map .* but its input is 192 \(1-D\)/,
    )
    const a = inferGraph(
      chain([
        ['in', 'Input', { height: 8, width: 8, channels: 3 }],
        ['f', 'Flatten'],
        ['b', 'ResidualBasic'],
        ['after', 'Dense'],
      ]),
    )
    expect(a.nodes.b.status).toBe('error')
    expect(a.nodes.after.status).toBe('unknown')
    expect(a.errors.map((e) => e.nodeId)).toEqual(['b'])
  })
})
