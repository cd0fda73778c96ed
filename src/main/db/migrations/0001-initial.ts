/**
 * The first schema: projects and their saved versions, settings, and the training tables (runs,
 * their metrics and checkpoints, datasets) so that the training issue only adds repositories.
 * Times are ISO 8601 text in UTC; JSON columns are checked with json_valid. Nothing derived from a
 * document (shapes, parameter counts) is stored, except a run's MACs, frozen with the run.
 */
export const INITIAL = `
CREATE TABLE projects (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  last_opened_at TEXT,
  view_state     TEXT CHECK (view_state IS NULL OR json_valid(view_state))
) STRICT;

CREATE TABLE graph_versions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  document   TEXT NOT NULL CHECK (json_valid(document)),
  note       TEXT
) STRICT;
CREATE INDEX graph_versions_by_project ON graph_versions (project_id, id);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;

CREATE TABLE datasets (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  source       TEXT NOT NULL,
  path         TEXT NOT NULL,
  size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
  samples      INTEGER CHECK (samples >= 0),
  classes      TEXT NOT NULL CHECK (json_valid(classes)),
  content_hash TEXT,
  created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  id               TEXT PRIMARY KEY,
  graph_version_id INTEGER NOT NULL REFERENCES graph_versions (id) ON DELETE CASCADE,
  dataset_id       TEXT REFERENCES datasets (id) ON DELETE SET NULL,
  status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'finished', 'failed', 'interrupted', 'stopped')),
  backend          TEXT,
  device           TEXT,
  seed             INTEGER,
  hyperparameters  TEXT NOT NULL CHECK (json_valid(hyperparameters)),
  best_val_score   REAL,
  macs             INTEGER,
  elapsed_ms       INTEGER NOT NULL DEFAULT 0 CHECK (elapsed_ms >= 0),
  error            TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX runs_by_version ON runs (graph_version_id);
CREATE INDEX runs_by_dataset ON runs (dataset_id);

CREATE TABLE run_metrics (
  id     INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch  INTEGER NOT NULL CHECK (epoch >= 0),
  batch  INTEGER CHECK (batch >= 0),
  kind   TEXT NOT NULL CHECK (kind IN ('train', 'validation', 'test')),
  name   TEXT NOT NULL,
  value  REAL NOT NULL
) STRICT;
CREATE INDEX run_metrics_by_run ON run_metrics (run_id, epoch, batch);

CREATE TABLE checkpoints (
  id         INTEGER PRIMARY KEY,
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch      INTEGER NOT NULL CHECK (epoch >= 0),
  created_at TEXT NOT NULL,
  weights    BLOB NOT NULL,
  optimizer  BLOB,
  is_best    INTEGER NOT NULL DEFAULT 0 CHECK (is_best IN (0, 1)),
  UNIQUE (run_id, epoch)
) STRICT;
`
