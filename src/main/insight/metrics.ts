import type { Evaluation } from '../../shared/api/insight'

/** What an evaluation computes from the logits alone (the rest says where and when). */
export type EvaluationMetrics = Pick<
  Evaluation,
  'samples' | 'accuracy' | 'loss' | 'top5' | 'confusion' | 'perClass' | 'confusedPairs' | 'misclassified'
>

/** Softmax of one row of logits, in float64, stable for any logits. */
export function softmaxRow(logits: ArrayLike<number>, offset: number, k: number): Float64Array {
  let max = -Infinity
  for (let j = 0; j < k; j++) max = Math.max(max, logits[offset + j])
  const p = new Float64Array(k)
  let sum = 0
  for (let j = 0; j < k; j++) sum += p[j] = Math.exp(logits[offset + j] - max)
  for (let j = 0; j < k; j++) p[j] /= sum
  return p
}

/** Class indices by falling probability (ties: the lower index first). */
const ranked = (p: Float64Array) => Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b)

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0)

/**
 * Accuracy, mean cross-entropy, top-5 (more than 5 classes), the confusion matrix (rows = true
 * class), per-class precision/recall/F1/support, the most confused pairs and every misclassified
 * sample, most confident first, from `logits` (n × classes, row-major) and the true labels.
 * `indices` maps row i to the sample's index in its split (default: i).
 */
export function evaluationMetrics(
  logits: Float32Array,
  labels: ArrayLike<number>,
  classes: string[],
  indices?: ArrayLike<number>,
): EvaluationMetrics {
  const k = classes.length
  const n = labels.length
  if (logits.length !== n * k)
    throw new Error(
      `Expected ${n} × ${k} logits for ${n} samples of ${k} classes; got ${logits.length} values.`,
    )
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  const misclassified: EvaluationMetrics['misclassified'] = []
  let correct = 0
  let top5 = 0
  let loss = 0
  for (let i = 0; i < n; i++) {
    const label = labels[i]
    if (!(label >= 0 && label < k)) throw new Error(`Sample ${i} has label ${label}; there are ${k} classes.`)
    const p = softmaxRow(logits, i * k, k)
    const order = ranked(p)
    const predicted = order[0]
    confusion[label][predicted]++
    loss -= Math.log(Math.max(p[label], 1e-45))
    if (predicted === label) correct++
    else
      misclassified.push({
        index: indices ? indices[i] : i,
        label,
        predicted,
        confidence: p[predicted],
        top: order.slice(0, 3).map((c) => ({ class: c, probability: p[c] })),
      })
    if (order.slice(0, 5).includes(label)) top5++
  }
  misclassified.sort((a, b) => b.confidence - a.confidence || a.index - b.index)
  const perClass = classes.map((name, c) => {
    const tp = confusion[c][c]
    const support = confusion[c].reduce((a, b) => a + b, 0)
    const predictedAs = confusion.reduce((a, row) => a + row[c], 0)
    const precision = ratio(tp, predictedAs)
    const recall = ratio(tp, support)
    return { class: name, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support }
  })
  const pairs: EvaluationMetrics['confusedPairs'] = []
  for (let t = 0; t < k; t++)
    for (let p = 0; p < k; p++)
      if (t !== p && confusion[t][p] > 0) pairs.push({ label: t, predicted: p, count: confusion[t][p] })
  pairs.sort((a, b) => b.count - a.count || a.label - b.label || a.predicted - b.predicted)
  return {
    samples: n,
    accuracy: ratio(correct, n),
    loss: n ? loss / n : 0,
    top5: k > 5 ? ratio(top5, n) : null,
    confusion,
    perClass,
    confusedPairs: pairs.slice(0, 10),
    misclassified,
  }
}
