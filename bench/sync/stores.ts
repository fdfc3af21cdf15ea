// Fresh stores for Maildock's phases: a data folder each, and on Postgres a database of its
// own in the bench's private server. Dropped once measured, so a long run's disk stays small.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { PostgresServer } from '../../test/support/postgres.js';

/** Where one phase's store lives: what the child opens. */
export interface PhaseStore {
  dataDir: string;
  secretKey: string;
  /** A postgres:// URL: the store on Postgres; else SQLite in dataDir. */
  database?: string;
}

export class Stores {
  private readonly names = new Map<PhaseStore, string>();

  constructor(
    private readonly work: string,
    private readonly postgres: PostgresServer | null,
  ) {}

  /** A fresh store of that engine; `name` is unique in the run (lower case, digits, _). */
  async fresh(engine: string, name: string): Promise<PhaseStore> {
    const dataDir = path.join(this.work, `${engine}-${name}`);
    const secretKey = randomBytes(32).toString('base64');
    if (engine !== 'postgres') return { dataDir, secretKey };
    const db = `bench_${name}`;
    const store = { dataDir, secretKey, database: await this.postgres!.createDatabase(db) };
    this.names.set(store, db);
    return store;
  }

  async drop(store: PhaseStore): Promise<void> {
    rmSync(store.dataDir, { recursive: true, force: true });
    const db = this.names.get(store);
    if (!db) return;
    this.names.delete(store);
    const client = new pg.Client({ connectionString: this.postgres!.urlOf('postgres') });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(db)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
}
