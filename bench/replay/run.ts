// npm run bench:replay -- [--messages N] [--changes C]
// Local changes carried to the server: C messages marked read one by one (C separate user
// actions), then replayed to a private Dovecot by Maildock, beside mbsync pushing the same
// number of flag changes made in its Maildir, on the same server in the same run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../corpus.js';
import { startDovecot } from '../../test/support/dovecot.js';
import type { MaildirMessage } from '../../test/support/maildir.js';
import { MaildockService } from '../../main/core/service.js';
import { AccountSync } from '../../main/core/sync/account-sync.js';
import { Mbsync, have } from '../sync/peers.js';
import { ms } from '../sync/stats.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    changes: { type: 'string', default: '1000' },
  },
});
const N = Number(args.messages);
const C = Number(args.changes);
if (!(C > 0 && N >= 2 * C)) throw new Error('--messages must be at least twice --changes');
const log = (s: string) => process.stderr.write(`${s}\n`);
const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-replay-'));
const server = await startDovecot({ user: 'bench', password: 'bench-password' });
const svc = await MaildockService.open({
  dataDir: path.join(work, 'maildock'),
  secretKey: randomBytes(32).toString('base64'),
});
try {
  log(`Loading ${N} messages…`);
  let batch: MaildirMessage[] = [];
  for (const m of generateCorpus({ count: N, folders: ['INBOX'] })) {
    // All unread, so that every change below is a real one.
    batch.push({ raw: m.raw, flags: [], internalDate: m.date });
    if (batch.length === 2000) {
      await server.loadMaildir('INBOX', batch);
      batch = [];
    }
  }
  if (batch.length) await server.loadMaildir('INBOX', batch);

  const account = await svc.invoke('account.add', {
    email: 'bench@maildock.test',
    imap: { host: '127.0.0.1', port: server.port, security: 'none', user: server.user },
    password: server.password,
  });
  if (!account.ok) throw new Error(account.error.message);
  const first = await svc.invoke('sync.run', {});
  if (!first.ok || first.value.errors.length) throw new Error('initial sync failed');

  // Maildock: C actions on the newest C messages (every other one, so the UID set has gaps).
  const inbox = (await svc.store.mailboxes.byPath(account.value.id, 'INBOX'))!;
  const ids = (await svc.store.messages.list(inbox.id, 2 * C))
    .filter((_, i) => i % 2 === 0)
    .map((m) => m.id);
  const t0 = process.hrtime.bigint();
  for (const id of ids) {
    const r = await svc.invoke('message.mark', { ids: [id], read: true });
    if (!r.ok) throw new Error(r.error.message);
  }
  const recordMs = ms(t0);
  const sync = new AccountSync({
    store: svc.store,
    account: account.value,
    password: server.password,
    parser: { parse: () => Promise.reject(new Error('no bodies here')) },
  });
  const client = await sync.connect();
  const t1 = process.hrtime.bigint();
  const replayed = await sync.replay(client);
  const replayMs = ms(t1);
  await client.logout();
  const seen = (await server.doveadm('search', '-u', server.user, 'mailbox', 'INBOX', 'SEEN'))
    .trim()
    .split('\n')
    .filter(Boolean).length;
  if (replayed.done !== C || seen !== C)
    throw new Error(`replayed ${replayed.done} operations, the server has ${seen} seen messages`);

  // mbsync: the same number of changes, made in its Maildir (other messages: none seen yet).
  let mbsyncMs = NaN;
  if (have('mbsync')) {
    const mbsync = new Mbsync(path.join(work, 'mbsync'), {
      port: server.port,
      user: server.user,
      password: server.password,
    });
    await mbsync.sync();
    // Unseen mail may sit in new/ (no info part) or cur/: a seen message lives in cur/ with S.
    const box = path.join(mbsync.maildir, 'INBOX');
    const unseen = ['new', 'cur'].flatMap((d) =>
      readdirSync(path.join(box, d))
        .filter((f) => !/:2,[A-Z]*S/.test(f))
        .map((f) => ({ d, f })),
    );
    for (const { d, f } of unseen.slice(0, C)) {
      const [base, info = '2,'] = f.split(':');
      renameSync(path.join(box, d, f), path.join(box, 'cur', `${base}:${info}S`));
    }
    mbsyncMs = (await mbsync.sync()).ms;
    const after = (await server.doveadm('search', '-u', server.user, 'mailbox', 'INBOX', 'SEEN'))
      .trim()
      .split('\n')
      .filter(Boolean).length;
    if (after !== 2 * C) throw new Error(`mbsync left ${after - C} of ${C} changes on the server`);
  }

  const lines = [
    `Corpus: ${N} messages in INBOX; ${C} messages marked read, one action each; loopback, ${os.cpus().length} cores.`,
    '',
    '| measure | Maildock | mbsync | ratio |',
    '|---|---|---|---|',
    `| record ${C} actions locally (store + operation, one transaction each) | ${recordMs.toFixed(0)} ms | | |`,
    `| replay ${C} flag changes to the server | ${replayMs.toFixed(0)} ms | ${mbsyncMs.toFixed(0)} ms (whole run) | ${(replayMs / mbsyncMs).toFixed(2)}× the time |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await svc.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
