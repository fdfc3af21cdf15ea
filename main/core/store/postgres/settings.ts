// Small named values the core keeps across restarts.
import type { SettingsRepository } from '../repositories.js';
import type { Db } from './db.js';

export class SettingsRepo implements SettingsRepository {
  constructor(private readonly db: Db) {}

  get(key: string): Promise<string | null> {
    return this.db.value<string>('SELECT value FROM settings WHERE key = $1', [key]);
  }

  async set(key: string, value: string): Promise<void> {
    await this.db.run(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  async remove(key: string): Promise<void> {
    await this.db.run('DELETE FROM settings WHERE key = $1', [key]);
  }
}
