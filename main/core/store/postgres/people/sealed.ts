import type { SealedSecret, SealedSecretRepository } from '../../people.js';
import type { Db } from '../db.js';

/** One person's sealed secrets (the policies of migration 0003 keep them theirs). */
export class SealedSecretRepo implements SealedSecretRepository {
  constructor(private readonly db: Db) {}

  async get(name: string): Promise<SealedSecret | null> {
    const row = await this.db.one<{ key_id: string; sealed: Buffer }>(
      'SELECT key_id, sealed FROM secrets WHERE name = $1',
      [name],
    );
    return row ? { keyId: row.key_id, sealed: row.sealed } : null;
  }

  async set(name: string, secret: SealedSecret): Promise<void> {
    await this.db.run(
      `INSERT INTO secrets (name, key_id, sealed) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, name) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed`,
      [name, secret.keyId, secret.sealed],
    );
  }

  async delete(name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM secrets WHERE name = $1', [name])) > 0;
  }

  list(): Promise<string[]> {
    return this.db.column<string>('SELECT name FROM secrets ORDER BY name');
  }
}
