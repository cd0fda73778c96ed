import type { DB } from './connection'

/** Known settings keys and their values. */
export interface Settings {
  /** The project opened last: reopened when the app starts. */
  lastProjectId: string
}

/** The `settings` table: one JSON value per key. */
export function createSettingsRepo(db: DB) {
  const s = {
    get: db.prepare<[string], { value: string }>(`SELECT value FROM settings WHERE key = ?`),
    set: db.prepare<[string, string]>(
      `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    delete: db.prepare<[string]>(`DELETE FROM settings WHERE key = ?`),
  }
  return {
    get<K extends keyof Settings>(key: K): Settings[K] | undefined {
      const r = s.get.get(key)
      return r ? (JSON.parse(r.value) as Settings[K]) : undefined
    },
    set<K extends keyof Settings>(key: K, value: Settings[K]): void {
      s.set.run(key, JSON.stringify(value))
    },
    delete(key: keyof Settings): void {
      s.delete.run(key)
    },
  }
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>
