// A Postgres store's snapshot, the first step of its backup: `pg_dump -Fc` of the database,
// private to its owner, with progress to the end, that pg_restore turns back into the same
// store; a cancelled or failed one leaves no file.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { pgDumpProgram } from '../../main/core/store/postgres/snapshot.js';
import { headerRecord } from '../support/headers.js';
import { postgresStores } from '../support/postgres-store.js';

const { setup, server } = postgresStores();
const run = promisify(execFile);

const tempFile = (name: string) =>
  path.join(mkdtempSync(path.join(os.tmpdir(), 'maildock-pg-snapshot-')), name);

describe('snapshot', () => {
  it('is a private pg_dump file that pg_restore makes into the same store', async () => {
    const { store, accountId, inbox } = await setup();
    const ids = await store.messages.insertHeaders(accountId, inbox, [
      headerRecord(1, { subject: 'kept in the dump' }),
      headerRecord(2),
    ]);
    await store.bodies.save(ids[0]!, {
      text: 'body words',
      html: null,
      snippet: 'body words',
      attachments: [],
      parseError: null,
    });
    const file = tempFile('store.dump');
    const progress: [number, number][] = [];
    const total = await store.size();
    expect(total).toBeGreaterThan(0);
    await store.snapshot(file, { onProgress: (done, all) => progress.push([done, all]) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(progress.at(-1)).toEqual([total, total]);

    const copy = await server().createDatabase(`restored_${process.pid}`);
    const env = { ...process.env, PGPASSWORD: decodeURIComponent(new URL(copy).password) };
    await run(
      pgDumpProgram().replace(/pg_dump$/, 'pg_restore'),
      ['--no-owner', `--dbname=${copy}`, file],
      {
        env,
      },
    );
    const restored = await openPostgresStore(copy);
    try {
      expect(await restored.messages.counts()).toEqual({ messages: 2, bodies: 1 });
      expect((await restored.messages.detail(ids[0]!))!.text).toBe('body words');
      expect((await restored.messages.summary(ids[0]!))!.subject).toBe('kept in the dump');
    } finally {
      await restored.close();
    }
  });

  it('cancelled, or without a pg_dump to run, leaves no file and says why as data', async () => {
    const { store } = await setup();
    const file = tempFile('cancelled.dump');
    const controller = new AbortController();
    controller.abort();
    await expect(store.snapshot(file, { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(existsSync(file)).toBe(false);

    const before = process.env.MAILDOCK_PG_DUMP;
    process.env.MAILDOCK_PG_DUMP = '/nonexistent/pg_dump';
    try {
      await expect(store.snapshot(file)).rejects.toMatchObject({
        code: 'STORE_FAILED',
        fields: { program: '/nonexistent/pg_dump' },
      });
    } finally {
      if (before === undefined) delete process.env.MAILDOCK_PG_DUMP;
      else process.env.MAILDOCK_PG_DUMP = before;
    }
    expect(existsSync(file)).toBe(false);
  });
});
