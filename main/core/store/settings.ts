// Small named values the core keeps across restarts (the settings table of migration 0001).
import type { z } from 'zod';
import type { Db } from './db.js';

export class SettingsStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
      set: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      remove: db.prepare('DELETE FROM settings WHERE key = ?'),
    };
  }

  get(key: string): string | null {
    return (this.s.get.get(key) as string | undefined) ?? null;
  }

  set(key: string, value: string): void {
    this.s.set.run(key, value);
  }

  remove(key: string): void {
    this.s.remove.run(key);
  }

  /**
   * A group of settings kept as one JSON value: what is stored (as far as `schema` accepts
   * it) over `defaults`, with `patch` applied; saved when the patch has fields. An
   * unreadable value reads as the defaults until the next change writes it anew.
   */
  patchJson<T extends object>(
    key: string,
    schema: z.ZodType<Partial<T>>,
    defaults: T,
    patch: Partial<T> = {},
  ): T {
    let saved: unknown = {};
    try {
      saved = JSON.parse(this.get(key) ?? '{}');
    } catch {
      saved = {};
    }
    const stored = schema.safeParse(saved);
    const next = { ...defaults, ...(stored.success ? stored.data : {}), ...patch };
    if (Object.keys(patch).length > 0) this.set(key, JSON.stringify(next));
    return next;
  }
}
