// A call that only reads (Store.reading) on a pool shared by many people: its statements share
// one transaction on one connection, under its person's settings, and nothing else joins it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db, readingTogether, types } from '../../main/core/store/postgres/db.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase } from '../support/postgres-store.js';

let server: PostgresServer;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await server?.stop();
});

async function pool(max = 4): Promise<pg.Pool> {
  const p = new pg.Pool({ connectionString: await freshDatabase(server), max, types });
  // An idle client whose server stops at the end: not an unhandled error.
  p.on('error', () => undefined);
  pools.push(p);
  return p;
}

const alice = { tenantId: 2, userId: 3 };
const bob = { tenantId: 4, userId: 5 };
/** The transaction's start, its connection and whose settings it has. */
const where = (db: Db) =>
  db.one<{ started: string; pid: number; user: string }>(
    `SELECT now()::text AS started, pg_backend_pid() AS pid,
            current_setting('maildock.user_id', true) AS user`,
  );
const pause = () => new Promise((r) => setTimeout(r, 5));

describe('Store.reading on a shared pool', () => {
  it('runs one person’s statements in one transaction, and another person’s apart', async () => {
    const p = await pool();
    const a = Db.overPool(p, alice);
    const b = Db.overPool(p, bob);
    const apart = [await where(a), await pause().then(() => where(a))];
    expect(apart[0]!.started).not.toBe(apart[1]!.started);

    const seen = await readingTogether(p, alice, async () => {
      const first = await where(a);
      await pause();
      const [second, other] = await Promise.all([where(a), where(b)]);
      return { first, second, other };
    });
    expect(seen.first).toEqual(seen.second);
    expect(seen.first!.user).toBe('3');
    expect(seen.other!.user).toBe('5');
    expect(seen.other!.started).not.toBe(seen.first!.started);
    expect(p.totalCount - p.idleCount).toBe(0);
  });

  it('gives its connection back when a statement fails, and the next call works', async () => {
    const p = await pool();
    const a = Db.overPool(p, alice);
    for (let i = 0; i < 8; i++) {
      await expect(
        readingTogether(p, alice, async () => {
          await where(a);
          return a.value('SELECT 1 / 0');
        }),
      ).rejects.toThrow(/division by zero/);
    }
    expect(p.totalCount - p.idleCount).toBe(0);
    expect((await readingTogether(p, alice, () => where(a)))!.user).toBe('3');
  });

  it('runs a transaction inside it on its own connection, undone alone, with one connection in the pool', async () => {
    const p = await pool(1);
    const a = Db.overPool(p, alice);
    const out = await readingTogether(p, alice, async () => {
      const before = await where(a);
      await expect(
        a.atomic(async (tx) => {
          await tx.value('SELECT 1');
          throw new Error('undone');
        }),
      ).rejects.toThrow('undone');
      // The savepoint was rolled back, not the call's transaction: it goes on.
      const inner = await a.atomic((tx) => where(tx));
      return { before, inner, after: await where(a) };
    });
    expect(out.inner).toEqual(out.before);
    expect(out.after).toEqual(out.before);
  });

  it('leaves work that outlives the call to transactions of its own', async () => {
    const p = await pool();
    const a = Db.overPool(p, alice);
    let later: Promise<Awaited<ReturnType<typeof where>>> | undefined;
    let callEnded!: () => void;
    const ended = new Promise<void>((resolve) => (callEnded = resolve));
    const inside = await readingTogether(p, alice, async () => {
      // Started inside the call, run after it has ended.
      later = ended.then(() => where(a));
      return where(a);
    });
    callEnded();
    const outside = await later!;
    expect(outside!.user).toBe('3');
    expect(outside!.started).not.toBe(inside!.started);
  });
});
