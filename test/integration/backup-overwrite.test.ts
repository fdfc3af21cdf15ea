// A backup to a name already taken by an earlier backup replaced it without asking. Now it
// is refused (ALREADY_EXISTS) unless the caller asks to overwrite; the earlier archive stays
// byte for byte. A server's client is told about the name it gave, never a path on the server.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveName } from '../../main/core/backup/final-name.js';
import { SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { runCli } from '../support/cli.js';
import { openService } from '../support/service.js';

let dir: string;
const sha = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-overwrite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('backup.create over an earlier backup', () => {
  it('refuses the name unless asked to overwrite, and keeps the earlier archive', async () => {
    const t = await openService();
    try {
      const to = path.join(dir, 'weekly.maildock-backup');
      const first = await t.call('backup.create', { to });
      const before = await sha(to);
      const again = await t.svc.invoke('backup.create', { to });
      expect(again).toMatchObject({
        ok: false,
        error: { code: 'ALREADY_EXISTS', message: expect.stringContaining('overwrite') },
      });
      expect(await sha(to)).toBe(before);

      const replaced = await t.call('backup.create', { to, overwrite: true });
      expect(replaced.file).toBe(to);
      expect(replaced.createdAt > first.createdAt).toBe(true);
      expect(await sha(to)).not.toBe(before);
    } finally {
      await t.close();
    }
  });

  it('tells a server’s client about the name it gave, not the server’s paths', async () => {
    const t = await openService(SERVER_SERVICE_OPTIONS);
    try {
      await t.call('backup.create', { to: 'mine.maildock-backup' });
      const again = await t.svc.invoke('backup.create', { to: 'mine.maildock-backup' });
      expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
      const missing = await t.svc.invoke('backup.verify', { file: 'nothing.maildock-backup' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      for (const answer of [again, missing]) {
        expect(JSON.stringify(answer)).not.toContain(t.dataDir);
        expect(JSON.stringify(answer)).not.toContain(os.tmpdir());
      }
      // The UI names nothing: two backups in a row both get a name of their own.
      const a = await t.call('backup.create', {});
      const b = await t.call('backup.create', {});
      expect(a.file).not.toBe(b.file);
    } finally {
      await t.close();
    }
  });

  it('leaves a file that took the name while the backup was made', async () => {
    const archive = path.join(dir, 'finished.partial');
    const to = path.join(dir, 'raced.maildock-backup');
    await writeFile(archive, 'the new archive');
    await writeFile(to, 'made meanwhile');
    await expect(giveName(archive, to, false)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await readFile(to, 'utf8')).toBe('made meanwhile');
    await giveName(archive, to, true);
    expect(await readFile(to, 'utf8')).toBe('the new archive');
  });

  it('has the command line ask for --overwrite', async () => {
    const env = { MAILDOCK_DATA_DIR: path.join(dir, 'cli-data'), MAILDOCK_SECRETS: 'file' };
    const to = path.join(dir, 'cli.maildock-backup');
    const made = await runCli(['backup', 'create', '--to', to], env);
    expect(made.code, made.stderr).toBe(0);
    const before = await sha(to);
    const refused = await runCli(['backup', 'create', '--to', to], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--overwrite');
    expect(await sha(to)).toBe(before);
    const replaced = await runCli(['backup', 'create', '--to', to, '--overwrite'], env);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await sha(to)).not.toBe(before);
  });
});
