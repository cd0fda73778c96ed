import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../datasets/random'
import { evaluationMetrics } from './metrics'

describe('evaluationMetrics', () => {
  it('computes a hand-checked case: confusion, per-class metrics, loss, pairs, misclassified order', () => {
    // 4 samples, 3 classes; predictions: 0→0, 1→2 (p≈0.665), 2→2, 0→1 (p≈0.843).
    const logits = Float32Array.from([3, 0, 0, 0, 1, 1.7, 0, 0, 2, 0, 2, 0.3])
    const m = evaluationMetrics(logits, [0, 1, 2, 0], ['a', 'b', 'c'], [10, 11, 12, 13])
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
    ])
    expect(m.accuracy).toBe(0.5)
    expect(m.top5).toBeNull()
    const p = (row: number[], c: number) => Math.exp(row[c]) / row.reduce((s, v) => s + Math.exp(v), 0)
    const expectedLoss =
      -(
        Math.log(p([3, 0, 0], 0)) +
        Math.log(p([0, 1, 1.7], 1)) +
        Math.log(p([0, 0, 2], 2)) +
        Math.log(p([0, 2, 0.3], 0))
      ) / 4
    expect(m.loss).toBeCloseTo(expectedLoss, 6)
    expect(m.perClass[0]).toEqual({ class: 'a', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 })
    expect(m.perClass[1]).toEqual({ class: 'b', precision: 0, recall: 0, f1: 0, support: 1 })
    expect(m.perClass[2].precision).toBe(0.5)
    expect(m.perClass[2].recall).toBe(1)
    expect(m.confusedPairs).toEqual([
      { label: 0, predicted: 1, count: 1 },
      { label: 1, predicted: 2, count: 1 },
    ])
    // Split indices, most confident first, with the top 3.
    expect(m.misclassified.map((x) => x.index)).toEqual([13, 11])
    expect(m.misclassified[0].confidence).toBeCloseTo(p([0, 2, 0.3], 1), 6)
    expect(m.misclassified[0].top.map((t) => t.class)).toEqual([1, 2, 0])
  })

  it('agrees with an independent count on random logits (trace/sum = accuracy, top-5, F1)', () => {
    const rand = mulberry32(5)
    const n = 500
    const k = 10
    const logits = Float32Array.from({ length: n * k }, () => rand() * 6 - 3)
    const labels = Array.from({ length: n }, () => Math.floor(rand() * k))
    const m = evaluationMetrics(
      logits,
      labels,
      Array.from({ length: k }, (_, i) => `c${i}`),
    )
    const argmax = (i: number) => {
      const row = Array.from(logits.subarray(i * k, i * k + k))
      return row.indexOf(Math.max(...row))
    }
    const predicted = labels.map((_, i) => argmax(i))
    const trace = m.confusion.reduce((s, row, i) => s + row[i], 0)
    const total = m.confusion.flat().reduce((a, b) => a + b, 0)
    expect(total).toBe(n)
    expect(trace / total).toBe(m.accuracy)
    expect(m.accuracy).toBe(predicted.filter((p, i) => p === labels[i]).length / n)
    const inTop5 = labels.filter((l, i) => {
      const row = Array.from(logits.subarray(i * k, i * k + k))
      return row.filter((v) => v > row[l]).length < 5
    }).length
    expect(m.top5).toBe(inTop5 / n)
    for (let c = 0; c < k; c++) {
      const tp = predicted.filter((p, i) => p === c && labels[i] === c).length
      const fp = predicted.filter((p, i) => p === c && labels[i] !== c).length
      const fn = predicted.filter((p, i) => p !== c && labels[i] === c).length
      expect(m.perClass[c].precision).toBeCloseTo(tp / (tp + fp), 12)
      expect(m.perClass[c].recall).toBeCloseTo(tp / (tp + fn), 12)
      expect(m.perClass[c].f1).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 12)
    }
    expect(m.misclassified).toHaveLength(n - trace)
    for (let i = 1; i < m.misclassified.length; i++)
      expect(m.misclassified[i - 1].confidence).toBeGreaterThanOrEqual(m.misclassified[i].confidence)
    expect(m.confusedPairs.length).toBeLessThanOrEqual(10)
  })

  it('refuses logits that do not match the labels, and labels out of range', () => {
    expect(() => evaluationMetrics(new Float32Array(5), [0, 1], ['a', 'b'])).toThrow(/2 × 2 logits/)
    expect(() => evaluationMetrics(new Float32Array(4), [0, 2], ['a', 'b'])).toThrow(/label 2/)
  })
})
