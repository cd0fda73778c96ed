import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { hyperparametersSchema, type Hyperparameters } from '../../shared/api/training'
import { loadCifar10 } from '../datasets/cifar10'
import { loadMnist } from '../datasets/mnist'
import { mulberry32, shuffled } from '../datasets/random'
import { stratifiedSplit } from '../datasets/split'
import { makeTrainData } from '../datasets/train-data'
import type { LoadedDataset } from '../datasets/types'
import { learningRateAt } from '../training/schedule'
import { cifarFiles, writeMnist } from '../datasets/test-kit'
import { describeTorch, pythonJson, tempFolder } from './train-py-kit'

/** train.py sees the app's data: the same streams, splits, orders, batches (to the bit) and rates. */

const RANDOMNESS = `
import json, sys, train
req = json.load(sys.stdin)
out = {"streams": [], "shuffles": [], "splits": []}
for seed in req["seeds"]:
    r = train.mulberry32(seed)
    out["streams"].append([r() for _ in range(5)])
    out["shuffles"].append(train.shuffled(37, train.mulberry32(seed)))
for s in req["splits"]:
    out["splits"].append(train.stratified_split(req["labels"], s["indices"], s["share"], s["seed"]))
print(json.dumps(out))
`

const BATCHES = `
import json, sys, torch, train
req = json.load(sys.stdin)
h = train.Hyperparameters({**train.DEFAULTS, **req["h"]})
images = torch.tensor(req["images"], dtype=torch.uint8).reshape(req["shape"])
labels = torch.tensor(req["labels"], dtype=torch.uint8)
test = train.ImageSet(images[:10], labels[:10])
data = train.TrainData(train.Dataset("t", None, train.ImageSet(images, labels), test), h, torch.device("cpu"))
nhwc = lambda x: x.permute(0, 2, 3, 1).reshape(-1).tolist()
out = {"normalization": data.normalization, "counts": [data.train_count, data.val_count], "batches": [], "parts": True}
for epoch in range(2):
    rows = data.epoch_rows(epoch)
    for b in range(req["batches"]):
        r = rows[b * h.batchSize : (b + 1) * h.batchSize]
        seed = train.augmentation_seed(h.seed, epoch, b)
        x, y = data.train_batch(r, seed, 0, len(r))
        out["batches"].append({"x": nhwc(x), "y": y.tolist()})
        # A process's part of the batch is that part of the one-process batch (DDP).
        x1, _ = data.train_batch(r, seed, 0, 3)
        x2, _ = data.train_batch(r, seed, 3, len(r))
        out["parts"] = out["parts"] and torch.equal(torch.cat([x1, x2]), x)
x, y = data.eval_batch("val", 0, data.val_count)
out["val"] = {"x": nhwc(x), "y": y.tolist()}
print(json.dumps(out))
`

const LOAD = `
import json, sys, train
out = []
for kind, path, shape in json.load(sys.stdin):
    ds = train.load_dataset(kind, path, None, None, shape)
    out.append({"classes": ds.classes, **{split: {"images": s.images.reshape(-1).tolist(), "labels": s.labels.tolist()}
                                           for split, s in (("train", ds.train), ("test", ds.test))}})
# torchvision's decoder where Pillow is missing, given a 4×4 RGBA image: left half opaque red, right half
# transparent; read as 2×2 grey (shrunk by area, composited on white, ITU-R 601 luma).
import types, torch
io = types.ModuleType("torchvision.io")
rgba = torch.zeros(4, 4, 4, dtype=torch.uint8)
rgba[0, :, :2] = 255
rgba[3, :, :2] = 255
io.read_file, io.decode_image = (lambda file: file), (lambda data: rgba)
sys.modules.update({"PIL": None, "torchvision": types.SimpleNamespace(io=io), "torchvision.io": io})
decoded = train.image_decoder()("x.png", (2, 2, 1)).reshape(-1).tolist()
print(json.dumps({"sets": out, "decoded": decoded}))
`

const SCHEDULE = `
import json, sys, train
req = json.load(sys.stdin)
out = []
for h in req["hs"]:
    hp = train.Hyperparameters({**train.DEFAULTS, **h})
    out.append([train.learning_rate_at(hp, t) for t in req["ts"]])
print(json.dumps({"rates": out, "precision": [train.js_to_precision(x, 3) for x in req["numbers"]],
                  "message": train.non_finite_message(float("nan"), 2, 7, 0.000123456)}))
`

describeTorch('train.py: the same data and schedule as the app', () => {
  it('draws the same random streams, shuffles and stratified splits', () => {
    const random = mulberry32(99)
    const labels = Array.from({ length: 500 }, () => Math.floor(random() ** 2 * 7))
    // Seeds as the app makes them, up to the largest (seed·1,000,003 + epoch with the largest seed).
    const seeds = [0, 1, 18, 2 ** 31 - 1, (2 ** 31 - 1) * 1_000_003 + 9, 5 * 7_919 + 3 * 100_003 + 11]
    const splits = [
      { indices: labels.map((_, i) => i), share: 0.1, seed: 1 },
      { indices: labels.map((_, i) => i).filter((i) => i % 3), share: 1 / 6, seed: 42 },
      { indices: labels.map((_, i) => i), share: 123 / 500, seed: 1 + 17 },
      { indices: [5, 3, 1, 400, 2], share: 0.5, seed: 7 },
    ]
    const py = pythonJson(RANDOMNESS, JSON.stringify({ seeds, labels, splits })) as {
      streams: number[][]
      shuffles: number[][]
      splits: number[][][]
    }
    expect(py.streams).toEqual(
      seeds.map((s) => {
        const r = mulberry32(s)
        return Array.from({ length: 5 }, () => r())
      }),
    )
    expect(py.shuffles).toEqual(seeds.map((s) => Array.from(shuffled(37, mulberry32(s)))))
    expect(py.splits).toEqual(
      splits.map((s) =>
        stratifiedSplit(Uint8Array.from(labels), s.indices, s.share, s.seed).map((a) => Array.from(a)),
      ),
    )
  })

  for (const [name, shape, overrides] of [
    ['grey, unit scale, a subset', [90, 6, 6, 1], { limit: 70, validationSplit: 0.2 }],
    [
      'RGB, standardized, cropped and flipped',
      [80, 8, 8, 3],
      { normalize: 'standardize', cropPadding: 2, flip: true, validationSplit: 0.25, seed: 12345 },
    ],
  ] as const)
    it(`makes the app's batches to the bit: ${name}`, () => {
      const [n, height, width, channels] = shape
      const random = mulberry32(3)
      const images = Uint8Array.from({ length: n * height * width * channels }, () =>
        Math.floor(random() * 256),
      )
      const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 4)
      const set = { images, labels, count: n, height, width, channels }
      const test = {
        ...set,
        images: images.slice(0, 10 * height * width * channels),
        labels: labels.slice(0, 10),
        count: 10,
      }
      const ds: LoadedDataset = {
        ...{ id: 't', name: 't', classes: ['a', 'b', 'c', 'd'], source: '', contentHash: '', skipped: [] },
        train: set,
        test,
      }
      const h: Hyperparameters = hyperparametersSchema.parse({ batchSize: 16, seed: 3, ...overrides })
      const batches = 3
      const py = pythonJson(
        BATCHES,
        JSON.stringify({ h, images: Array.from(images), labels: Array.from(labels), shape, batches }),
      ) as {
        normalization: unknown
        counts: number[]
        batches: { x: number[]; y: number[] }[]
        val: { x: number[]; y: number[] }
        parts: boolean
      }
      const data = makeTrainData(ds, h)
      expect(py.normalization).toEqual(data.normalization)
      expect(py.counts).toEqual([data.trainCount, data.valCount])
      const expected = []
      for (let epoch = 0; epoch < 2; epoch++) {
        const order = shuffled(data.trainCount, mulberry32(h.seed * 1_000_003 + epoch))
        for (let b = 0; b < batches; b++) {
          const indices = order.subarray(b * h.batchSize, (b + 1) * h.batchSize)
          const { x, y } = data.trainBatch(indices, h.seed * 7_919 + epoch * 100_003 + b)
          expected.push({ x: Array.from(x), y: Array.from(y) })
        }
      }
      expect(py.batches).toEqual(expected)
      const val = data.evalBatch('val', 0, data.valCount)
      expect(py.val).toEqual({ x: Array.from(val.x), y: Array.from(val.y) })
      expect(py.parts).toBe(true)
    })

  it('reads the images the app reads: IDX files gzipped or not, CIFAR-10 batches, PNGs through torchvision', () => {
    const [gz, plain, cifar] = [tempFolder(), tempFolder(), path.join(tempFolder(), 'cifar-10-batches-bin')]
    writeMnist(gz, { train: [3, 1, 4, 1, 5], test: [9, 2] }, { gzip: true })
    writeMnist(plain, { train: [2, 7], test: [1] }, { side: 5 })
    mkdirSync(cifar)
    for (const f of cifarFiles(3)) writeFileSync(path.join(cifar, f.path), f.bytes)
    const requests = [
      ['idx', gz, [1, 4, 4]],
      ['idx', plain, [1, 5, 5]],
      ['cifar10', path.dirname(cifar), [3, 32, 32]],
    ] as const
    const py = pythonJson(LOAD, JSON.stringify(requests)) as { sets: unknown[]; decoded: number[] }
    const set = (s: { images: Uint8Array; labels: Uint8Array }) => ({
      images: Array.from(s.images),
      labels: Array.from(s.labels),
    })
    const digits = [...'0123456789']
    const apps = [loadMnist(gz), loadMnist(plain), loadCifar10(path.dirname(cifar))]
    expect(py.decoded).toEqual([76, 255, 76, 255])
    expect(py.sets).toEqual(
      apps.map((ds, i) => ({
        // Without class names from config.json, IDX classes are the labels' numbers.
        classes: i < 2 ? digits.slice(0, Math.max(...ds.train.labels, ...ds.test.labels) + 1) : ds.classes,
        train: set(ds.train),
        test: set(ds.test),
      })),
    )
  })

  it('follows the learning-rate schedules and writes the app’s messages', () => {
    const hs = [
      { schedule: 'constant', warmupEpochs: 0.5 },
      { schedule: 'step', stepEpochs: 2, gamma: 0.5 },
      { schedule: 'exponential', gamma: 0.9, warmupEpochs: 1 },
      { schedule: 'cosine', epochs: 7, warmupEpochs: 1.5, learningRate: 0.1 },
    ] as const
    const ts = [0, 0.0001, 0.25, 0.999, 1, 1.5, 2.75, 4, 6.999999999, 7, 9]
    const numbers = [0.001, 0.000123456, 1e-7, 0.5, 10, 1234.5, 1e21, 0]
    const py = pythonJson(SCHEDULE, JSON.stringify({ hs, ts, numbers })) as {
      rates: number[][]
      precision: string[]
      message: string
    }
    hs.forEach((partial, i) => {
      const h = hyperparametersSchema.parse(partial)
      ts.forEach((t, k) => expect(py.rates[i][k]).toBeCloseTo(learningRateAt(h, t), 15))
    })
    expect(py.precision).toEqual(numbers.map((x) => x.toPrecision(3)))
    expect(py.message).toBe(
      `The training loss became ${NaN} at epoch 2, batch 7 (learning rate ${(0.000123456).toPrecision(3)}). ` +
        'Lower the learning rate, add BatchNorm, or check the data; the checkpoints of earlier epochs are kept.',
    )
  })
})
