import { describe, expect, it } from 'vitest'
import type { Evaluation } from '../../shared/api/insight'
import { hyperparametersSchema } from '../../shared/api/training'
import { emptyDocument } from '../../shared/graph/document'
import { createEvaluationsRepo } from './evaluations-repo'
import { createGraphVersionsRepo } from './graph-versions-repo'
import { createProjectsRepo } from './projects-repo'
import { createRunsRepo } from './runs-repo'
import { openTestDb } from './test-kit'

const NOW = '2026-12-06T10:00:00.000Z'

const evaluation = (epoch: number, accuracy: number): Evaluation => ({
  runId: 'r1',
  split: 'test',
  epoch,
  engine: 'onnxruntime',
  engineNote: null,
  samples: 2,
  classes: ['a', 'b'],
  accuracy,
  loss: 0.5,
  top5: null,
  confusion: [
    [1, 0],
    [1, 0],
  ],
  perClass: [],
  confusedPairs: [],
  misclassified: [],
  createdAt: NOW,
  elapsedMs: 3,
})

describe('evaluations repository', () => {
  it('answers a stored evaluation only for the checkpoint it was computed on, replaces it, and loses it with the run', () => {
    const { db } = openTestDb()
    createProjectsRepo(db).insert({
      id: 'p1',
      name: 'P',
      createdAt: NOW,
      updatedAt: NOW,
      lastOpenedAt: null,
      viewState: null,
    })
    const versionId = createGraphVersionsRepo(db).append('p1', emptyDocument(), NOW)
    const runs = createRunsRepo(db, { pid: process.pid, id: 'me' })
    runs.create({
      id: 'r1',
      versionId,
      dataset: { builtin: 'fashion-mnist' },
      datasetName: 'Fashion-MNIST',
      hyperparameters: hyperparametersSchema.parse({}),
      macs: 1,
      now: NOW,
    })
    const repo = createEvaluationsRepo(db)
    expect(repo.get('r1', 'test', 1)).toBeUndefined()
    repo.put(evaluation(1, 0.5))
    expect(repo.get('r1', 'test', 1)).toEqual(evaluation(1, 0.5))
    expect(repo.get('r1', 'validation', 1)).toBeUndefined()
    // A better checkpoint since: the stored one is stale.
    expect(repo.get('r1', 'test', 2)).toBeUndefined()
    repo.put(evaluation(2, 0.75))
    expect(repo.get('r1', 'test', 2)?.accuracy).toBe(0.75)
    runs.delete('r1')
    expect(repo.get('r1', 'test', 2)).toBeUndefined()
  })
})
