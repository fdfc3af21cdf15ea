// What the faster backup does in threads of its own and must still get right: a cancel in
// the middle of the store's snapshot ends it and leaves nothing; the data folder's files,
// tarred by the worker while the snapshot is taken, come out whole and in order; the
// snapshot's integrity_check, run while the archive is written, stands for the store's check
// in verifyBackup only for the very bytes it checked.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { link, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, STORE_ENTRY } from '../../main/core/backup/archive.js';
import { verifyBackup } from '../../main/core/backup/verify.js';
import { MANIFEST_NAME } from '../../main/core/backup/manifest.js';
import type { BackupProgress } from '../../main/core/backup/tar-writer.js';
import type { Store } from '../../main/core/store/index.js';
import { sha } from '../support/archive.js';
import { storeWithInbox } from '../support/store.js';
import { openService } from '../support/service.js';

const run = promisify(execFile);
let dir: string;
let dataDir: string;
let store: Store;
const attachments = new Map<string, Buffer>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-backup-speed-'));
  dataDir = path.join(dir, 'data');
  const file = path.join(dataDir, 'maildock.db');
  ({ store } = await storeWithInbox(file));
  // Past 1,024 pages, so that the snapshot takes more than one step: written through a
  // connection of its own, as no repository writes bytes that are not mail.
  const padding = new Database(file);
  padding.exec('CREATE TABLE padding (b BLOB)');
  const insert = padding.prepare('INSERT INTO padding (b) VALUES (?)');
  padding.transaction(() => {
    for (let i = 0; i < 800; i++) insert.run(randomBytes(10_000));
  })();
  padding.close();
  await mkdir(path.join(dataDir, 'attachments'), { recursive: true });
  for (let i = 0; i < 12; i++) {
    const data = randomBytes(1000 + i * 150_000);
    const name = sha(data);
    attachments.set(`data/attachments/${name}`, data);
    await writeFile(path.join(dataDir, 'attachments', name), data);
  }
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a backup made with a worker', () => {
  it('is cancelled in the middle of the snapshot, and leaves nothing', async () => {
    const to = path.join(dir, 'cancelled.maildock-backup');
    const abort = new AbortController();
    const phases: string[] = [];
    await expect(
      createBackup({
        dataDir,
        store,
        to,
        app: '0.1.0',
        check: true,
        signal: abort.signal,
        onProgress: (p) => {
          phases.push(p.phase);
          if (p.phase === 'snapshot') abort.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(phases).toEqual(['snapshot']);
    expect((await readdir(dir)).filter((n) => n.includes('cancelled'))).toEqual([]);
  });

  it('holds every attachment whole, in order, after the store; its check stands for the store’s', async () => {
    const to = path.join(dir, 'checked.maildock-backup');
    const made = await createBackup({ dataDir, store, to, app: '0.1.0', check: true });
    const names = [...attachments.keys()].sort((a, b) => a.localeCompare(b));
    const { stdout } = await run('tar', ['-tf', to]);
    expect(stdout.trim().split('\n')).toEqual([STORE_ENTRY, ...names, MANIFEST_NAME]);
    const out = path.join(dir, 'untarred');
    await mkdir(out);
    await run('tar', ['-xf', to, '-C', out]);
    for (const name of names) {
      expect((await readFile(path.join(out, name))).equals(attachments.get(name)!), name).toBe(
        true,
      );
    }
    const storeFile = made.manifest.files.find((f) => f.path === STORE_ENTRY)!;
    expect(made.storeCheck).toEqual({ sha256: storeFile.sha256, problem: null });
    expect(sha(await readFile(path.join(out, STORE_ENTRY)))).toBe(storeFile.sha256);

    expect(await verifyBackup(to, { storeCheck: made.storeCheck! })).toMatchObject({
      ok: true,
      problems: [],
    });
    // A check that found a problem is reported as the store's.
    const failed = { sha256: storeFile.sha256, problem: 'The store is broken (test).' };
    expect((await verifyBackup(to, { storeCheck: failed })).problems).toEqual([
      'The store is broken (test).',
    ]);
    // A check of other bytes stands for nothing.
    const other = { sha256: sha(Buffer.from('another store')), problem: null };
    expect((await verifyBackup(to, { storeCheck: other })).problems).toEqual([
      'The store in the archive is not the snapshot that was checked when it was made.',
    ]);
    // Without one, the store is copied out and checked (in the worker) as before.
    expect(await verifyBackup(to)).toMatchObject({ ok: true, problems: [] });
  });
});

describe('a backup of a big attachment cache', () => {
  let bigDir: string;
  let bigStore: Store;
  const leftIn = async (folder: string, part: string) =>
    (await readdir(folder)).filter((n) => n.includes(part));

  beforeAll(async () => {
    bigDir = path.join(dir, 'big');
    ({ store: bigStore } = await storeWithInbox(path.join(bigDir, 'maildock.db')));
    await mkdir(path.join(bigDir, 'attachments'), { recursive: true });
    for (let i = 0; i < 40; i++) {
      const data = randomBytes(8 * 1024 * 1024);
      await writeFile(path.join(bigDir, 'attachments', sha(data)), data);
    }
  });

  afterAll(() => bigStore?.close());

  it('shows the worker’s bytes as it tars them, and the archive’s as it copies them', async () => {
    const seen: BackupProgress[] = [];
    const to = path.join(dir, 'big.maildock-backup');
    await createBackup({
      dataDir: bigDir,
      store: bigStore,
      to,
      app: '0.1.0',
      onProgress: (p) => seen.push(p),
    });
    await rm(to);
    const steps = (phase: BackupProgress['phase'], above = 0) => {
      const of = seen.filter((p) => p.phase === phase);
      const total = of[0]!.totalBytes;
      // No event has fewer bytes than the one before it, and the phase ends with all of them.
      of.forEach(
        (p, i) => i > 0 && expect(p.bytes, phase).toBeGreaterThanOrEqual(of[i - 1]!.bytes),
      );
      expect(of.at(-1)!.bytes, phase).toBe(total);
      return new Set(of.filter((p) => p.bytes > above && p.bytes < total).map((p) => p.bytes)).size;
    };
    const attachmentBytes = 40 * 8 * 1024 * 1024;
    expect(seen.find((p) => p.phase === 'snapshot')!.totalBytes).toBeGreaterThan(attachmentBytes);
    expect(seen.find((p) => p.phase === 'archive')!.totalBytes).toBeGreaterThan(attachmentBytes);
    // Bytes go up in steps while the attachments are tarred (past the store's own bytes) and
    // while they are copied.
    expect(steps('snapshot', await bigStore.size())).toBeGreaterThanOrEqual(2);
    expect(steps('archive')).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)!.phase).toBe('done');
  });

  it('is cancelled while the worker tars the attachments, within a chunk, and leaves nothing', async () => {
    const to = path.join(dir, 'big-cancelled.maildock-backup');
    const abort = new AbortController();
    const dbSize = await bigStore.size();
    const total = dbSize + 40 * 8 * 1024 * 1024;
    let cancelledAt = 0;
    let last = 0;
    await expect(
      createBackup({
        dataDir: bigDir,
        store: bigStore,
        to,
        app: '0.1.0',
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase !== 'snapshot') return;
          last = Math.max(last, p.bytes);
          // The worker's first chunk: the snapshot is taken, the attachments are being tarred.
          if (p.bytes > dbSize && !abort.signal.aborted) {
            cancelledAt = p.bytes;
            abort.abort();
          }
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(cancelledAt).toBeGreaterThan(0);
    // The worker stopped at its next chunk (4 MiB), not after all 320 MiB.
    expect(last - cancelledAt).toBeLessThanOrEqual(2 * 4 * 1024 * 1024);
    expect(last).toBeLessThan(total);
    expect(await leftIn(dir, 'big-cancelled')).toEqual([]);
    expect(await leftIn('/dev/shm', `maildock-snapshot-${process.pid}-`)).toEqual([]);
  });

  it('is cancelled when the app closes, which does not wait for it to end', async () => {
    // A data folder of the service's own, with the same attachments (hard links).
    const svcDir = path.join(dir, 'service');
    await mkdir(path.join(svcDir, 'attachments'), { recursive: true });
    for (const name of await readdir(path.join(bigDir, 'attachments')))
      await link(path.join(bigDir, 'attachments', name), path.join(svcDir, 'attachments', name));
    const folder = path.join(svcDir, 'backups');
    const t = await openService({ dataDir: svcDir });
    const making = new Promise<void>((resolve) => {
      t.svc.on('backup.progress', () => resolve());
    });
    const made = t.svc.invoke('backup.create', { to: path.join(folder, 'cut.maildock-backup') });
    await making;
    // Closing cancels it: it does not run on to its end (that would be a backup made).
    await t.close();
    expect(await made).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await readdir(folder)).toEqual([]);
    expect(await leftIn('/dev/shm', `maildock-snapshot-${process.pid}-`)).toEqual([]);
  });
});
