/**
 * Whether a stored run is still being trained: the service instance that owns it (`owner_id`, one
 * per training service, so two in one process tell their runs apart) and when it last reported
 * (`heartbeat_at`, every few seconds while it is queued, running or paused). A run whose heartbeat
 * is stale is interrupted whatever its process id says, since ids are reused (after a reboot
 * above all). `resumable` marks a run that failed because the database could not be written (a
 * full disk, another program's lock): it continues from its last checkpoint, unlike a run whose
 * training failed.
 */
export const RUN_HEARTBEAT = `
ALTER TABLE runs ADD COLUMN owner_id TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE runs ADD COLUMN resumable INTEGER NOT NULL DEFAULT 0 CHECK (resumable IN (0, 1));
`
