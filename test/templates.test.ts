import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { inferGraph } from '../src/shared/graph/infer'
import { expandDocument } from '../src/shared/graph/expand'
import { TEMPLATES } from '../src/shared/templates'
import { NETWORKS } from '../src/shared/templates/networks'

/**
 * Known totals. Trainable counts are the published ones (torchvision's `sum(p.numel())`, Keras'
 * trainable params); MACs agree with fvcore/ptflops figures (ResNet-50 4.09 G, VGG-16 15.47 G,
 * MobileNet v2 300.8 M, MobileNet v1 568.7 M). GoogLeNet and VGG (CIFAR) have no published
 * number for this exact definition: they are checked by hand in the comments.
 */
const EXPECTED: Record<
  string,
  { trainable: number; nonTrainable: number; macs: number; out: number; lastMap: number[] }
> = {
  lenet5: { trainable: 61_706, nonTrainable: 0, macs: 416_520, out: 10, lastMap: [1, 1, 120] },
  'lenet5-mnist': { trainable: 61_706, nonTrainable: 0, macs: 416_520, out: 10, lastMap: [5, 5, 16] },
  alexnet: { trainable: 62_378_344, nonTrainable: 0, macs: 1_135_256_096, out: 1000, lastMap: [6, 6, 256] },
  vgg16: { trainable: 138_357_544, nonTrainable: 0, macs: 15_470_264_320, out: 1000, lastMap: [7, 7, 512] },
  // torchvision GoogLeNet without aux heads has 6,624,904 with 3×3 "5×5" branches; the paper's real
  // 5×5 branches add Σ 16·c5x5Reduce·c5x5 over the nine modules = 16 · 23,808 = 380,928 → 7,005,832.
  // Non-trainable: BN running mean and variance over 320 stem channels + 6,960 in the modules
  // (368 + 640 + 624 + 648 + 664 + 704 + 1,024 + 1,024 + 1,264) = 7,280 channels → 14,560.
  // MACs: 1,498,376,192 with torchvision's 3×3 branches (its published 1.50 G) + the extra 5×5 taps
  // 16 · (28²·3,584 + 14²·9,984 + 7²·10,240) = 84,295,680 → 1,582,671,872.
  googlenet: {
    trainable: 7_005_832,
    nonTrainable: 14_560,
    macs: 1_582_671_872,
    out: 1000,
    lastMap: [7, 7, 1024],
  },
  resnet18: {
    trainable: 11_689_512,
    nonTrainable: 9_600,
    macs: 1_814_073_344,
    out: 1000,
    lastMap: [7, 7, 512],
  },
  resnet34: {
    trainable: 21_797_672,
    nonTrainable: 17_024,
    macs: 3_663_761_408,
    out: 1000,
    lastMap: [7, 7, 512],
  },
  resnet50: {
    trainable: 25_557_032,
    nonTrainable: 53_120,
    macs: 4_089_184_256,
    out: 1000,
    lastMap: [7, 7, 2048],
  },
  'mobilenet-v1': {
    trainable: 4_231_976,
    nonTrainable: 21_888,
    macs: 568_740_352,
    out: 1000,
    lastMap: [7, 7, 1024],
  },
  'mobilenet-v2': {
    trainable: 3_504_872,
    nonTrainable: 34_112,
    macs: 300_774_272,
    out: 1000,
    lastMap: [7, 7, 1280],
  },
  'resnet18-cifar': {
    trainable: 11_173_962,
    nonTrainable: 9_600,
    macs: 555_422_720,
    out: 10,
    lastMap: [4, 4, 512],
  },
  // convs 864 + 9,216 + 18,432 + 36,864 + 73,728 + 147,456 = 286,560; BN γβ 2·(32+32+64+64+128+128) = 896;
  // fc1 2,048·128 + 128 = 262,272; logits 1,290 → 551,018
  'vgg-cifar': { trainable: 551_018, nonTrainable: 896, macs: 38_896_896, out: 10, lastMap: [4, 4, 128] },
}

describe('templates', () => {
  it('ship every template the command line names', () => {
    expect(TEMPLATES.map((t) => t.name).sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const t of TEMPLATES) {
    describe(t.name, () => {
      const a = inferGraph(t.document)
      const e = EXPECTED[t.name]

      it('infers without errors, with the known totals', () => {
        expect(a.errors).toEqual([])
        expect(a.documentErrors).toEqual([])
        expect(a.totals.trainable).toBe(e.trainable)
        expect(a.totals.nonTrainable).toBe(e.nonTrainable)
        expect(a.totals.macs).toBe(e.macs)
      })

      it('ends in an Output over its classes, fed by the expected last feature map', () => {
        const last = a.order[a.order.length - 1]
        expect(a.nodes[last].kind).toBe('Output')
        expect(a.nodes[last].outputShape).toEqual([null, e.out])
        const maps = a.order.map((id) => a.nodes[id].outputShape!).filter((s) => s.length === 4)
        expect(maps[maps.length - 1]).toEqual([null, ...e.lastMap])
      })

      it('matches its builder exactly (regenerate with npm run templates:build)', () => {
        const file = JSON.parse(readFileSync(new URL(`../templates/${t.name}.json`, import.meta.url), 'utf8'))
        expect(file).toEqual(JSON.parse(JSON.stringify(NETWORKS[t.name]())))
      })

      it('has no bias on a convolution that a BatchNorm follows', () => {
        const flat = expandDocument(t.document)
        const kinds = new Map(flat.nodes.map((n) => [n.id, n]))
        for (const edge of flat.edges) {
          const src = kinds.get(edge.source)!
          if (kinds.get(edge.target)!.kind === 'BatchNorm' && /Conv2D$/.test(src.kind))
            expect(src.params.useBias, `${t.name}: ${src.id}`).toBe(false)
        }
      })

      it('keeps its totals when blocks are expanded into layers', () => {
        const b = inferGraph(expandDocument(t.document))
        expect(b.errors).toEqual([])
        expect(b.totals).toEqual(a.totals)
      })
    })
  }

  it('count MACs within 1% of the published figures', () => {
    const macs = (name: string) => inferGraph(TEMPLATES.find((t) => t.name === name)!.document).totals.macs
    for (const [name, published] of [
      ['resnet18', 1.814e9],
      ['resnet50', 4.09e9],
      ['vgg16', 15.47e9],
      ['mobilenet-v2', 300.8e6],
      ['mobilenet-v1', 568.7e6],
    ] as const)
      expect(Math.abs(macs(name) / published - 1), name).toBeLessThan(0.01)
  })
})
