/**
 * A realistic evaluation for the dialog's tests (test-kit.tsx) and for screenshots: Fashion-MNIST's
 * ten classes, 100 samples each, with the mistakes such a network makes (shirts taken for T-shirts,
 * pullovers for coats); every number is derived from the confusion matrix, as the services do.
 */
import type { EvalSplit, Evaluation, Misclassified, SampleImage } from '../../../shared/api/insight'

export const FASHION = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]
const [TSHIRT, , PULLOVER, DRESS, COAT, SANDAL, SHIRT, SNEAKER, BAG, BOOT] = FASHION.map((_, i) => i)
const PER_CLASS = 100

/** The test split's mistakes (label, predicted, count): 30 in all. */
export const TEST_ERRORS: [number, number, number][] = [
  [SHIRT, TSHIRT, 8],
  [PULLOVER, COAT, 5],
  [COAT, PULLOVER, 4],
  [SHIRT, PULLOVER, 3],
  [TSHIRT, SHIRT, 3],
  [SNEAKER, BOOT, 2],
  [BOOT, SNEAKER, 2],
  [DRESS, COAT, 1],
  [SANDAL, SNEAKER, 1],
  [BAG, SHIRT, 1],
]
/** The validation split's: twice the test's and ten more shirts as T-shirts, 70 in all (two gallery pages). */
export const VALIDATION_ERRORS: [number, number, number][] = TEST_ERRORS.map(([l, p, n]) => [
  l,
  p,
  2 * n + (l === SHIRT && p === TSHIRT ? 10 : 0),
])

export function confusionOf(errors: [number, number, number][], classes = FASHION.length): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  for (const [l, p, n] of errors) m[l][p] += n
  for (let i = 0; i < classes; i++) m[i][i] = PER_CLASS - m[i].reduce((a, b) => a + b, 0)
  return m
}

/** Each mistake's sample: a distinct index in its class's block, a made-up but ordered confidence, top 3. */
function misclassifiedOf(errors: [number, number, number][]): Misclassified[] {
  const out: Misclassified[] = []
  const used = new Array<number>(FASHION.length).fill(0)
  for (const [label, predicted, count] of errors)
    for (let k = 0; k < count; k++) {
      const index = label * PER_CLASS + 50 - used[label]++
      const confidence = 0.4 + ((index * 37) % 59) / 100
      const second = (1 - confidence) * 0.7
      const third = (1 - confidence - second) * 0.6
      const other = [0, 1, 2].map((d) => (label + 3 + d) % FASHION.length).find((c) => c !== predicted)!
      out.push({
        index,
        label,
        predicted,
        confidence,
        top: [
          { class: predicted, probability: confidence },
          { class: label, probability: second },
          { class: other, probability: third },
        ],
      })
    }
  return out.sort((a, b) => b.confidence - a.confidence || a.index - b.index)
}

export function evaluationOf(split: EvalSplit, over: Partial<Evaluation> = {}): Evaluation {
  const errors = split === 'test' ? TEST_ERRORS : VALIDATION_ERRORS
  const confusion = confusionOf(errors)
  const total = PER_CLASS * FASHION.length
  const correct = confusion.reduce((a, row, i) => a + row[i], 0)
  const perClass = FASHION.map((name, i) => {
    const support = confusion[i].reduce((a, b) => a + b, 0)
    const predictedAs = confusion.reduce((a, row) => a + row[i], 0)
    const precision = predictedAs ? confusion[i][i] / predictedAs : 0
    const recall = support ? confusion[i][i] / support : 0
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
    return { class: name, precision, recall, f1, support }
  })
  const confusedPairs = errors
    .map(([label, predicted, count]) => ({ label, predicted, count }))
    .sort((a, b) => b.count - a.count)
  return {
    runId: 'run-1',
    split,
    epoch: 12,
    engine: 'onnxruntime',
    engineNote: null,
    samples: total,
    classes: FASHION,
    accuracy: correct / total,
    loss: split === 'test' ? 0.0912 : 0.1845,
    top5: split === 'test' ? 0.999 : 0.998,
    confusion,
    perClass,
    confusedPairs,
    misclassified: misclassifiedOf(errors),
    createdAt: '2026-03-04T10:00:00.000Z',
    elapsedMs: 2400,
    ...over,
  }
}

/** A 28×28 grey image per index: a ring whose size follows the index, so neighbours differ. */
export function sampleImageOf(index: number): SampleImage {
  const size = 28
  const bytes = new Uint8Array(size * size)
  const r = 4 + (index % 9)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - 13.5, y - 13.5)
      bytes[y * size + x] = Math.abs(d - r) < 2 ? 230 : d < r ? 90 : 0
    }
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return {
    index,
    label: Math.floor(index / PER_CLASS),
    image: { height: size, width: size, channels: 1 },
    pixels: btoa(s),
  }
}
