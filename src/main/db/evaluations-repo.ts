import type { EvalSplit, Evaluation } from '../../shared/api/insight'
import type { DB } from './connection'

/** Stored evaluations, one per run and split (migration 0005). */
export function createEvaluationsRepo(db: DB) {
  const get = db.prepare<[string, string], { epoch: number; result: string }>(
    'SELECT epoch, result FROM evaluations WHERE run_id = ? AND split = ?',
  )
  const put = db.prepare<{ runId: string; split: string; epoch: number; createdAt: string; result: string }>(
    `INSERT INTO evaluations (run_id, split, epoch, created_at, result)
     VALUES (@runId, @split, @epoch, @createdAt, @result)
     ON CONFLICT (run_id, split) DO UPDATE SET epoch = excluded.epoch, created_at = excluded.created_at, result = excluded.result`,
  )
  return {
    /** The stored evaluation of `split` if it was computed on checkpoint `epoch`. */
    get(runId: string, split: EvalSplit, epoch: number): Evaluation | undefined {
      const row = get.get(runId, split)
      return row && row.epoch === epoch ? (JSON.parse(row.result) as Evaluation) : undefined
    },
    put(e: Evaluation): void {
      put.run({
        runId: e.runId,
        split: e.split,
        epoch: e.epoch,
        createdAt: e.createdAt,
        result: JSON.stringify(e),
      })
    },
  }
}
