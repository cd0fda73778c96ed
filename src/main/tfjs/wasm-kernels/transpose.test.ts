import { describe, expect, it } from 'vitest'
import { flipFilterInto, transposeInto } from './transpose'

describe('transposeInto', () => {
  for (const [rows, cols] of [
    [3, 5],
    [17, 9],
    [1, 7],
    [7, 1],
    [16, 16],
  ]) {
    it(`transposes ${rows}×${cols}`, () => {
      const heap = new Float32Array(3 + 2 * rows * cols)
      for (let i = 0; i < rows * cols; i++) heap[3 + i] = i
      transposeInto(heap, 3, 3 + rows * cols, rows, cols)
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) expect(heap[3 + rows * cols + c * rows + r]).toBe(r * cols + c)
    })
  }
})

describe('flipFilterInto', () => {
  it('flips a filter in space and swaps its channels', () => {
    const [fH, fW, inC, outC] = [2, 3, 2, 4]
    const n = fH * fW * inC * outC
    const heap = new Float32Array(2 * n)
    for (let i = 0; i < n; i++) heap[i] = i
    flipFilterInto(heap, 0, n, [fH, fW, inC, outC])
    for (let fy = 0; fy < fH; fy++)
      for (let fx = 0; fx < fW; fx++)
        for (let co = 0; co < outC; co++)
          for (let ci = 0; ci < inC; ci++)
            expect(heap[n + ((fy * fW + fx) * outC + co) * inC + ci]).toBe(
              (((fH - 1 - fy) * fW + (fW - 1 - fx)) * inC + ci) * outC + co,
            )
  })
})
