/**
 * A run's evaluations (runs.evaluate): one per split, of the checkpoint epoch it was computed on,
 * kept as the JSON the contract answers (computed once, recomputed when asked or when the best
 * checkpoint changes). Gone with the run.
 */
export const EVALUATIONS = `
CREATE TABLE evaluations (
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  split      TEXT NOT NULL CHECK (split IN ('test', 'validation')),
  epoch      INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  result     TEXT NOT NULL CHECK (json_valid(result)),
  PRIMARY KEY (run_id, split)
) STRICT;
`
