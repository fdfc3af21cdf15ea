// What the faster backup does in threads of its own and must still get right: a cancel in
// the middle of the store's snapshot ends it and leaves nothing; the data folder's files,
// tarred by the worker while the snapshot is taken, come out whole and in order; the
// snapshot's integrity_check, run while the archive is written, stands for the store's check
// in verifyBackup only for the very bytes it checked.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, STORE_ENTRY } from '../../main/core/backup/archive.js';
import { verifyBackup } from '../../main/core/backup/verify.js';
import { MANIFEST_NAME } from '../../main/core/backup/manifest.js';
import type { Store } from '../../main/core/store/index.js';
import { sha } from '../support/archive.js';
import { storeWithInbox } from '../support/store.js';

const run = promisify(execFile);
let dir: string;
let dataDir: string;
let store: Store;
const attachments = new Map<string, Buffer>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-backup-speed-'));
  dataDir = path.join(dir, 'data');
  ({ store } = storeWithInbox(path.join(dataDir, 'maildock.db')));
  // Past 1,024 pages, so that the snapshot takes more than one step.
  store.db.exec('CREATE TABLE padding (b BLOB)');
  const insert = store.db.prepare('INSERT INTO padding (b) VALUES (?)');
  store.tx(() => {
    for (let i = 0; i < 800; i++) insert.run(randomBytes(10_000));
  });
  await mkdir(path.join(dataDir, 'attachments'), { recursive: true });
  for (let i = 0; i < 12; i++) {
    const data = randomBytes(1000 + i * 150_000);
    const name = sha(data);
    attachments.set(`data/attachments/${name}`, data);
    await writeFile(path.join(dataDir, 'attachments', name), data);
  }
});

afterAll(async () => {
  store?.close();
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
        db: store.db,
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
    const made = await createBackup({ dataDir, db: store.db, to, app: '0.1.0', check: true });
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
