import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tfjs } from '../../shared/layers/tfjs/types'
import { TEMPLATES } from '../../shared/templates'
import type { GraphDocument } from '../../shared/graph/document'
import { everyKind } from '../../../test/fixtures/every-kind'
import { LAYER_CASES } from '../../../test/fixtures/layer-cases'
import { layerCaseGraph } from '../../../test/fixtures/layer-case-graph'
import { loadBackend } from '../tfjs/backends'
import { buildModel } from './build-model'
import { checkBuildable } from './buildable'
import { tfjsWeightOrder } from './weight-order'
import { deadBranch } from '../../../test/fixtures/dead-branch'

let tf: Tfjs
beforeAll(async () => {
  tf = (await loadBackend({ force: 'cpu' })).tf
})
afterAll(() => tf?.disposeVariables())

/** What TF.js lists, against what weight-order computes: names, shapes, trainability, in order. */
function compare(doc: GraphDocument) {
  const built = buildModel(tf, doc, { weightsFollow: true, purpose: 'export' })
  try {
    const actual = built.model.weights.map((v) => ({
      name: v.originalName,
      shape: v.shape,
      trainable: v.trainable,
    }))
    const computed = tfjsWeightOrder(checkBuildable(doc, 'export')).map(({ name, shape, trainable }) => ({
      name,
      shape,
      trainable,
    }))
    expect(computed).toEqual(actual)
  } finally {
    built.model.dispose()
  }
}

describe('tfjsWeightOrder: model.weights computed without TF.js', () => {
  it.each(TEMPLATES.map((t) => [t.name, t.document] as const))('%s', (_name, doc) => compare(doc))

  it('the every-kind graph (chains around weighted layers, branches of unequal depth)', () =>
    compare(everyKind))

  it.each(LAYER_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => compare(layerCaseGraph(c)))

  it('leaves out a branch the output does not depend on', () => {
    const doc = deadBranch
    expect(tfjsWeightOrder(checkBuildable(doc)).map((x) => x.name)).toEqual(['head/kernel', 'head/bias'])
    compare(doc)
  })
})
