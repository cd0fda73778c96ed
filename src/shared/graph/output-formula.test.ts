import { describe, expect, it } from 'vitest'
import { one } from '../layers/test-kit'
import { TEMPLATES } from '../templates'
import { inferGraph } from './infer'
import { hasOutputFormula, nodeOutputFormula } from './output-formula'

/** The formula of one layer fed by an Input of [h, w, c] (or a flat [f]), through the real analysis. */
function formula(kind: string, params: Record<string, unknown>, input: number[]) {
  return nodeOutputFormula(kind, params, one(kind, params, input).inputShapes)
}

describe('nodeOutputFormula', () => {
  it("writes 'valid' padding's floor rule with the node's numbers, per axis", () => {
    expect(formula('Conv2D', { kernelSize: 5 }, [28, 28, 1])).toEqual({
      rule: 'out = ⌊(in + pad_before + pad_after − dilation·(kernel−1) − 1) / stride⌋ + 1',
      lines: [
        'height: out = ⌊(28 + 0 + 0 − 1·(5−1) − 1) / 1⌋ + 1 = 24',
        'width: out = ⌊(28 + 0 + 0 − 1·(5−1) − 1) / 1⌋ + 1 = 24',
      ],
    })
  })

  it('writes the actual pads of explicit padding, the strides and a non-square kernel', () => {
    const p = { kernelSize: [3, 5], strides: [2, 1], padding: { top: 1, bottom: 0, left: 2, right: 3 } }
    expect(formula('DepthwiseConv2D', p, [9, 8, 4])!.lines).toEqual([
      'height: out = ⌊(9 + 1 + 0 − 1·(3−1) − 1) / 2⌋ + 1 = 4',
      'width: out = ⌊(8 + 2 + 3 − 1·(5−1) − 1) / 1⌋ + 1 = 9',
    ])
    expect(one('DepthwiseConv2D', p, [9, 8, 4]).outputShape).toEqual([null, 4, 9, 4])
  })

  it("writes TensorFlow's 'same' rule and the pads it implies, the odd one after", () => {
    const f = formula('Conv2D', { kernelSize: 4, strides: [2, 1], padding: 'same' }, [28, 7, 1])!
    expect(f.rule).toBe(
      "out = ⌈in / stride⌉ (TensorFlow's 'same'); pad_total = max((out−1)·stride + dilation·(kernel−1) + 1 − in, 0): ⌊pad_total/2⌋ before, the rest after",
    )
    expect(f.lines).toEqual([
      'height: out = ⌈28 / 2⌉ = 14',
      '        pad_total = max((14−1)·2 + 1·(4−1) + 1 − 28, 0) = 2: 1 top, 1 bottom',
      'width: out = ⌈7 / 1⌉ = 7',
      '       pad_total = max((7−1)·1 + 1·(4−1) + 1 − 7, 0) = 3: 1 left, 2 right',
    ])
  })

  it('writes the dilation into the kernel term', () => {
    expect(formula('SeparableConv2D', { kernelSize: 3, dilation: [2, 3] }, [10, 12, 1])!.lines).toEqual([
      'height: out = ⌊(10 + 0 + 0 − 2·(3−1) − 1) / 1⌋ + 1 = 6',
      'width: out = ⌊(12 + 0 + 0 − 3·(3−1) − 1) / 1⌋ + 1 = 6',
    ])
  })

  it("rounds up in ceil mode, and says when PyTorch's rule drops a window that starts in the padding", () => {
    const f = formula('MaxPool2D', { ceilMode: true }, [5, 5, 1])!
    expect(f.rule).toMatch(
      /^out = ⌈\(in \+ pad_before \+ pad_after − dilation·\(kernel−1\) − 1\) \/ stride⌉ \+ 1/,
    )
    expect(f.lines[0]).toBe('height: out = ⌈(5 + 0 + 0 − 1·(2−1) − 1) / 2⌉ + 1 = 3')
    // 3 + 1 + 1 rows, windows of 2 every 2: a 3rd window would start on row 4, the bottom padding.
    const dropped = formula('AvgPool2D', { padding: 1, ceilMode: true }, [3, 3, 1])!
    expect(dropped.lines).toEqual([
      'height: out = ⌈(3 + 1 + 1 − 1·(2−1) − 1) / 2⌉ + 1 − 1 = 2 (the last window would start in the bottom padding)',
      'width: out = ⌈(3 + 1 + 1 − 1·(2−1) − 1) / 2⌉ + 1 − 1 = 2 (the last window would start in the right padding)',
    ])
    expect(one('AvgPool2D', { padding: 1, ceilMode: true }, [3, 3, 1]).outputShape).toEqual([null, 2, 2, 1])
  })

  it('gives ZeroPadding2D, Flatten and global pooling their own rules', () => {
    expect(
      formula('ZeroPadding2D', { padding: { top: 1, bottom: 2, left: 0, right: 3 } }, [28, 28, 1]),
    ).toEqual({
      rule: 'out = in + pad_before + pad_after',
      lines: ['height: out = 28 + 1 + 2 = 31', 'width: out = 28 + 0 + 3 = 31'],
    })
    expect(formula('Flatten', {}, [4, 4, 16])!.lines).toEqual(['out = 4·4·16 = 256'])
    expect(formula('Flatten', {}, [120])!.lines).toEqual(['out = 120'])
    expect(formula('GlobalAvgPool2D', {}, [7, 7, 512])!.lines).toEqual([
      "out = 512 (each channel's 7×7 map → 1 value)",
    ])
  })

  it('is null for kinds whose size comes from no window, bad parameters and unknown inputs', () => {
    expect(hasOutputFormula('Dense')).toBe(false)
    expect(hasOutputFormula('Conv2D')).toBe(true)
    expect(formula('Dense', { units: 10 }, [120])).toBeNull()
    expect(formula('Activation', {}, [4, 4, 1])).toBeNull()
    expect(nodeOutputFormula('Conv2D', { kernelSize: 0 }, [[null, 8, 8, 1]])).toBeNull()
    expect(nodeOutputFormula('Conv2D', {}, [null])).toBeNull()
    expect(nodeOutputFormula('Conv2D', {}, [[null, 10]])).toBeNull()
    expect(nodeOutputFormula('NoSuchKind', {}, [[null, 8, 8, 1]])).toBeNull()
  })

  it('writes the same formula into the error of an output of 0 or less', () => {
    const a = one('Conv2D', { kernelSize: 5, strides: 2 }, [3, 3, 1])
    expect(a.error!.message).toBe(
      "kernel 5×5 > input 3×3 with padding 'valid': output would be 0×0 (height and width: out = ⌊(3 + 0 + 0 − 1·(5−1) − 1) / 2⌋ + 1 = 0). Use padding 'same' or a smaller kernel.",
    )
    const f = formula('Conv2D', { kernelSize: 5, strides: 2 }, [3, 3, 1])!
    expect(a.error!.message).toContain(f.lines[0].slice('height'.length))
  })

  it('ends every axis with the size the analysis infers, over every node of every template', () => {
    let checked = 0
    for (const t of TEMPLATES) {
      const a = inferGraph(t.document)
      const nodes = t.document.nodes.map((n) => ({ n, r: a.nodes[n.id] }))
      // Blocks' layers too: their parameters come from the expansion.
      for (const n of t.document.nodes) {
        const r = a.nodes[n.id]
        for (const key of r.inner ?? []) {
          const inner = r.expansion!.nodes.find((x) => `${n.id}/${x.id}` === key)!
          nodes.push({ n: inner, r: a.inner[key] })
        }
      }
      for (const { n, r } of nodes) {
        const f = nodeOutputFormula(n.kind, n.params, r.inputShapes)
        expect(f === null, `${t.name} ${n.id} (${n.kind})`).toBe(!hasOutputFormula(n.kind))
        if (!f) continue
        const out = r.outputShape!
        for (const line of f.lines) {
          const m = /^(height|width|out)(?:: out)? = .*?= (\d+)(?: \(.*\))?$/.exec(line)
          if (!m) continue // a continuation line ('same' pads)
          const want = m[1] === 'width' ? out[2] : out[1]
          expect(Number(m[2]), `${t.name} ${n.id}: ${line}`).toBe(want)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(200)
  })
})
