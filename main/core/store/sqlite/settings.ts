// Small named values the core keeps across restarts (the settings table of migration 0001).
import type { Db } from './db.js';

export class SettingsStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      get: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      set: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      remove: db.prepare('DELETE FROM settings WHERE key = ?'),
    };
  }

  get(key: string): string | null {
    return (this.statements.get.get(key) as string | undefined) ?? null;
  }

  set(key: string, value: string): void {
    this.statements.set.run(key, value);
  }

  remove(key: string): void {
    this.statements.remove.run(key);
  }
}
