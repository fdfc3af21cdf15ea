// A sync's writes in short transactions (main/core/sync/slices.ts) and SQLite's WAL
// checkpoints in a thread of their own (main/core/store/sqlite/checkpoint.ts), on real files.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store, Transaction } from '../../main/core/store/index.js';
import { Checkpointer, type CheckpointRound } from '../../main/core/store/sqlite/checkpoint.js';
import { openDatabase, type Db } from '../../main/core/store/sqlite/db.js';
import { SqliteStore } from '../../main/core/store/sqlite/engine.js';
import { pacer, SliceWriter } from '../../main/core/sync/slices.js';
import { besideStore } from '../support/sqlite-file.js';
import { sqliteStore } from '../support/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-slices-'));
  dirs.push(dir);
  return path.join(dir, 'maildock.db');
}

/** A store in a file: a second connection sees what it committed, and only that. */
const fileStore = () => sqliteStore(tempFile());

// The items a slice writes are settings of their own, through the store's interface.
const itemKey = (n: number) => `test.item.${n}`;
const insert = (tx: Transaction, n: number) => tx.settings.set(itemKey(n), 'x'.repeat(2000));
const count = (store: Store) =>
  besideStore(
    store,
    (db) =>
      db
        .prepare("SELECT count(*) FROM settings WHERE key LIKE 'test.item.%'")
        .pluck()
        .get() as number,
  );

/** SQLite's own file with a table of its own, for the checkpoints (no store around it). */
function fileDb(): Db {
  const db = openDatabase(tempFile());
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT)');
  return db;
}

const rowCount = (db: Db) => db.prepare('SELECT count(*) FROM t').pluck().get() as number;
const insertRow = (db: Db, n: number) =>
  db.prepare('INSERT INTO t VALUES (?, ?)').run(n, 'x'.repeat(2000));

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('SliceWriter', () => {
  it('writes every item once, in order, one transaction per slice, the last one marked', async () => {
    const store = fileStore();
    const writer = new SliceWriter(store, { first: 30, min: 30, max: 30 });
    const calls: { slice: number[]; last: boolean; inTx: boolean }[] = [];
    let committed = 0;
    await writer.write(
      Array.from({ length: 100 }, (_, i) => i),
      async (tx, slice, last) => {
        for (const n of slice) await insert(tx, n);
        // Written, and not yet seen from another connection: the slice's own transaction.
        calls.push({ slice: [...slice], last, inTx: count(store) === committed });
        committed += slice.length;
      },
    );
    expect(calls.map((c) => c.slice.length)).toEqual([30, 30, 30, 10]);
    expect(calls.map((c) => c.last)).toEqual([false, false, false, true]);
    expect(calls.every((c) => c.inTx)).toBe(true);
    expect(calls.flatMap((c) => c.slice)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(count(store)).toBe(100);
    await store.close();
  });

  it('still runs the last slice when there is nothing to write', async () => {
    const store = sqliteStore();
    const seen: [number, boolean][] = [];
    await new SliceWriter(store).write([], async (_tx, slice, last) => {
      seen.push([slice.length, last]);
    });
    expect(seen).toEqual([[0, true]]);
  });

  it('keeps the slices committed before one that throws, and none of that one', async () => {
    const store = fileStore();
    const writer = new SliceWriter(store, { first: 10, min: 10, max: 10 });
    let slices = 0;
    await expect(
      writer.write(
        Array.from({ length: 50 }, (_, i) => i),
        async (tx, slice) => {
          for (const n of slice) await insert(tx, n);
          if (++slices === 3) throw new Error('dies in the third slice');
        },
      ),
    ).rejects.toThrow('third slice');
    expect(count(store)).toBe(20);
    await store.close();
  });

  it('sizes its slices to the time budget, and carries the size to the next batch', async () => {
    const store = sqliteStore();
    // A clock of the test's own: each item "takes" perItem ms, whatever the machine's load.
    let clock = 0;
    let perItem = 1;
    const writer = new SliceWriter(store, {
      budgetMs: 10,
      first: 4,
      min: 1,
      max: 1000,
      now: () => clock,
    });
    const sizes: number[] = [];
    const items = Array.from({ length: 200 }, (_, i) => i);
    await writer.write(items, async (_tx, slice) => {
      sizes.push(slice.length);
      clock += slice.length * perItem;
    });
    // 4, then at most twice as many a slice, up to the 10 that fit in 10 ms; the last is the rest.
    expect(sizes.slice(0, 4)).toEqual([4, 8, 10, 10]);
    expect(new Set(sizes.slice(2, -1))).toEqual(new Set([10]));
    expect(writer.sliceSize).toBe(10);
    // Slower items shrink the next slice at once, and the size carries over between batches.
    perItem = 5;
    const next: number[] = [];
    await writer.write(items.slice(0, 40), async (_tx, slice) => {
      next.push(slice.length);
      clock += slice.length * perItem;
    });
    expect(next.slice(0, 3)).toEqual([10, 2, 2]);
  });

  it('lets the event loop run between slices', async () => {
    const store = sqliteStore();
    const writer = new SliceWriter(store, { first: 5, min: 5, max: 5 });
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await writer.write(
      Array.from({ length: 20 }, (_, i) => i),
      async (_tx, _slice, last) => {
        order.push(last ? 'last slice' : 'slice');
      },
    );
    expect(order.indexOf('other work')).toBeGreaterThan(0);
    expect(order.indexOf('other work')).toBeLessThan(order.indexOf('last slice'));
  });
});

describe('pacer', () => {
  it('lets timers run during a loop of synchronous work once its budget is spent', async () => {
    const pace = pacer(5);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let yielded = 0;
    for (let i = 0; i < 30; i++) {
      busy(1);
      const p = pace();
      if (p) {
        yielded++;
        await p;
      }
    }
    clearInterval(timer);
    // About every fifth message: 30 ms of work in 5 ms turns, never every message.
    expect(yielded).toBeGreaterThanOrEqual(3);
    expect(yielded).toBeLessThan(20);
    expect(ticks).toBeGreaterThan(0);
  });

  it('costs nothing while the budget lasts', () => {
    const pace = pacer(1000);
    expect(pace()).toBeUndefined();
  });
});

describe('Checkpointer (WAL checkpoints in a worker thread)', () => {
  const autocheckpoint = (db: Db) => db.pragma('wal_autocheckpoint', { simple: true }) as number;

  it("turns the writer's own checkpoints off and moves the WAL into the database", async () => {
    const db = fileDb();
    const rounds: CheckpointRound[] = [];
    const cp = new Checkpointer(db, { intervalMs: 20, onRound: (r) => rounds.push(r) });
    await cp.ready;
    expect(autocheckpoint(db)).toBe(0);

    // ~40 MiB of writes: past the writer's own threshold (32 MiB), which is off now.
    for (let b = 0; b < 20; b++)
      db.transaction(() => {
        for (let i = 0; i < 1000; i++) insertRow(db, b * 1000 + i);
      })();
    const before = rounds.length;
    await expect
      .poll(() => rounds.slice(before).some((r) => r.log > 0 && r.checkpointed === r.log), {
        timeout: 10_000,
      })
      .toBe(true);
    // Checkpointed, the WAL starts over from its beginning at a later write (one that does
    // not meet the worker mid-round) instead of growing without end: a round then counts
    // a handful of frames, not the ten thousand of the 40 MiB.
    let next = 1_000_000;
    await expect
      .poll(
        async () => {
          insertRow(db, next++);
          const seen = rounds.length;
          await expect.poll(() => rounds.length, { timeout: 5_000 }).toBeGreaterThan(seen);
          return rounds.at(-1)!.log;
        },
        { timeout: 10_000 },
      )
      .toBeLessThan(100);
    const total = 20_000 + (next - 1_000_000);
    expect(rowCount(db)).toBe(total);

    cp.stop();
    db.close();
    const again = openDatabase(db.name);
    expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(total);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it("runs as the SQLite store's upkeep once it is started", async () => {
    const rounds: CheckpointRound[] = [];
    const store = SqliteStore.open(tempFile(), { intervalMs: 20, onRound: (r) => rounds.push(r) });
    store.startUpkeep();
    await store.settings.set('test.upkeep', 'written');
    await expect.poll(() => rounds.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await store.close();
  });

  it('gives the checkpoints back to the writer when stopped or when the worker cannot start', async () => {
    const db = fileDb();
    const cp = new Checkpointer(db, { intervalMs: 20 });
    await cp.ready;
    expect(autocheckpoint(db)).toBe(0);
    cp.stop();
    expect(autocheckpoint(db)).toBe(8192);
    db.close();

    // The file is gone, so the worker's connection cannot open it.
    const orphan = fileDb();
    rmSync(orphan.name);
    const errors: string[] = [];
    const failing = new Checkpointer(orphan, { onError: (m) => errors.push(m) });
    await expect(failing.ready).rejects.toThrow();
    expect(errors).toHaveLength(1);
    expect(autocheckpoint(orphan)).toBe(8192);
    orphan.close();
  });
});
