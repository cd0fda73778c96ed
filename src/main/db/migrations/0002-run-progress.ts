/**
 * What resuming and listing runs needs beyond the first schema: the process that owns a live run
 * (a run whose process is gone is interrupted), the dataset as asked for and its hash, test
 * results, epochs done and early stopping's state (the best validation loss, its epoch, and the
 * epochs since it improved), so a resumed run continues where the killed one stood.
 */
export const RUN_PROGRESS = `
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN dataset_ref TEXT CHECK (dataset_ref IS NULL OR json_valid(dataset_ref));
ALTER TABLE runs ADD COLUMN dataset_name TEXT;
ALTER TABLE runs ADD COLUMN dataset_hash TEXT;
ALTER TABLE runs ADD COLUMN classes TEXT CHECK (classes IS NULL OR json_valid(classes));
ALTER TABLE runs ADD COLUMN epochs_done INTEGER NOT NULL DEFAULT 0 CHECK (epochs_done >= 0);
ALTER TABLE runs ADD COLUMN best_val_loss REAL;
ALTER TABLE runs ADD COLUMN best_epoch INTEGER;
ALTER TABLE runs ADD COLUMN stale_epochs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN test_accuracy REAL;
ALTER TABLE runs ADD COLUMN test_loss REAL;
`
