/**
 * The engine that trains a run (`tfjs`, `pytorch`) and its options as JSON (PyTorch's processes
 * and device), so a run resumes on the engine it trained on. Runs stored before engines trained on
 * TF.js. No CHECK on the name: a later engine needs no table rebuild (the repository parses it).
 */
export const RUN_ENGINE = `
ALTER TABLE runs ADD COLUMN engine TEXT NOT NULL DEFAULT 'tfjs';
ALTER TABLE runs ADD COLUMN engine_options TEXT CHECK (engine_options IS NULL OR json_valid(engine_options));
`
