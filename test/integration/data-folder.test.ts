// The data folder holds all the mail: with a data folder that existed with mode 0755,
// maildock.db and its WAL were made 0644 and every local user could read them. Whatever
// existed, the folder ends 0700 and every store file 0600; tightening is logged, and a new
// folder, made private from the start, logs nothing.
import Database from 'better-sqlite3';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBackup } from '../../main/core/backup/archive.js';
import { closeLogging, initLogging } from '../../main/core/platform/log.js';
import { openStore } from '../../main/core/store/index.js';
import { openService } from '../support/service.js';

let root: string;
let logDir: string;
let umask: number;
const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

async function logText(): Promise<string> {
  await closeLogging();
  const files = await readdir(logDir);
  const texts = await Promise.all(files.map((f) => readFile(path.join(logDir, f), 'utf8')));
  return texts.join('');
}

/** Opens a service on the folder, writes (so the WAL has content), and closes it. */
async function useFolder(dataDir: string): Promise<void> {
  const t = await openService({ dataDir });
  await t.call('app.settings', { closeToTray: false });
  const files = await readdir(dataDir);
  expect(files).toEqual(expect.arrayContaining(['maildock.db', 'maildock.db-wal']));
  // Modes are read while the store is open, when -wal and -shm surely exist.
  for (const f of files.filter((name) => name.startsWith('maildock.db')))
    expect(await modeOf(path.join(dataDir, f)), f).toBe(0o600);
  await t.close();
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'maildock-folder-'));
  // The usual umask, whatever the test runner's: files are 0644 and folders 0755 unless
  // Maildock says otherwise.
  umask = process.umask(0o022);
});
afterAll(async () => {
  process.umask(umask);
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  logDir = await mkdtemp(path.join(root, 'logs-'));
  await initLogging({ dir: logDir, level: 'info' });
});
afterEach(async () => {
  await closeLogging();
});

describe('the data folder’s modes', () => {
  it('makes a new folder 0700 and the store 0600, and logs no tightening', async () => {
    const dataDir = path.join(root, 'new', 'maildock');
    await useFolder(dataDir);
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await logText()).not.toMatch(/other users/);
  });

  it('tightens a folder that existed 0755 before the store is made, and says so', async () => {
    const dataDir = path.join(root, 'made-by-hand');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await useFolder(dataDir);
    expect(await modeOf(dataDir)).toBe(0o700);
    const lines = (await logText()).split('\n').filter((l) => /open to other users/.test(l));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, dir: dataDir, tightened: 1 });
  });

  it('tightens what an earlier version left open: the store, its WAL, the cache, the logs', async () => {
    const dataDir = path.join(root, 'earlier');
    await mkdir(path.join(dataDir, 'attachments'), { recursive: true, mode: 0o755 });
    await mkdir(path.join(dataDir, 'logs'), { mode: 0o755 });
    const db = new Database(path.join(dataDir, 'maildock.db')); // 0644, as SQLite makes it
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE leftover (x); INSERT INTO leftover VALUES (1)');
    const loose = [
      path.join(dataDir, 'attachments', 'a1b2c3'),
      path.join(dataDir, 'logs', 'maildock.1.log'),
      path.join(dataDir, 'window-state.json'),
    ];
    for (const file of loose) await writeFile(file, 'private', { mode: 0o644 });
    for (const dir of [dataDir, path.join(dataDir, 'attachments'), path.join(dataDir, 'logs')])
      await chmod(dir, 0o755);
    expect(await modeOf(path.join(dataDir, 'maildock.db-wal'))).toBe(0o644);
    db.close(); // as a crash would not: a WAL left behind is tightened too when present

    await useFolder(dataDir);
    for (const dir of [dataDir, path.join(dataDir, 'attachments'), path.join(dataDir, 'logs')])
      expect(await modeOf(dir), dir).toBe(0o700);
    for (const file of [path.join(dataDir, 'maildock.db'), ...loose])
      expect(await modeOf(file), file).toBe(0o600);
    expect(await logText()).toMatch(/open to other users/);
  });

  it('leaves a shared folder such as /tmp open, and keeps the store private in it', async () => {
    const shared = path.join(root, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o1777);
    await writeFile(path.join(shared, 'someone-elses.txt'), 'x', { mode: 0o644 });
    await useFolder(shared);
    expect((await stat(shared)).mode & 0o7777).toBe(0o1777);
    expect(await modeOf(path.join(shared, 'someone-elses.txt'))).toBe(0o644);
  });

  it('tightens a loose store file inside a private folder', async () => {
    const dataDir = path.join(root, 'private-but-loose-db');
    await mkdir(dataDir, { mode: 0o700 });
    new Database(path.join(dataDir, 'maildock.db')).close();
    await chmod(path.join(dataDir, 'maildock.db'), 0o644);
    await useFolder(dataDir);
    expect(await modeOf(path.join(dataDir, 'maildock.db'))).toBe(0o600);
  });

  it('keeps a backup’s snapshot of the store 0600 while it exists', async () => {
    const dataDir = path.join(root, 'backed-up');
    const store = await openStore({ dataDir });
    const modes: number[] = [];
    /** Every maildock.db under a folder whose name says it is this process's snapshot. */
    const snapshots = async (base: string, prefix: string) => {
      const found: string[] = [];
      for (const name of await readdir(base).catch(() => [] as string[]))
        if (name.startsWith(`${prefix}${process.pid}-`))
          found.push(path.join(base, name, 'maildock.db'));
      return found;
    };
    try {
      await createBackup({
        dataDir,
        store,
        to: path.join(root, 'backed-up.maildock-backup'),
        app: '0.1.0',
        verify: async () => {
          const files = [
            ...(await snapshots('/dev/shm', 'maildock-snapshot-')),
            ...(await snapshots(dataDir, '.backup-scratch-')),
          ];
          for (const file of files) modes.push(await modeOf(file).catch(() => -1));
        },
      });
    } finally {
      await store.close();
    }
    expect(modes.filter((m) => m !== -1)).toEqual([0o600]);
  });
});
