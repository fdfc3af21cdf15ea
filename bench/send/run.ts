// npm run bench:send -- [--messages N] [--size BYTES] [--latency-runs R]
// Sends through a private Postfix (delivering by LMTP into a private Dovecot) and measures
// queue-to-250-OK latency of single messages and the throughput of a batch, beside
// Postfix's own smtp-source on the same instance in the same run.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MaildockService } from '../../main/core/service.js';
import { startDovecot } from '../../test/support/dovecot.js';
import { startPostfix } from '../../test/support/postfix.js';
import { summarize } from '../sync/stats.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000' },
    size: { type: 'string', default: String(50 * 1024) },
    'latency-runs': { type: 'string', default: '200' },
  },
});
const N = Number(args.messages);
const SIZE = Number(args.size);
const RUNS = Number(args['latency-runs']);
const DOMAIN = 'maildock.test';
const root = path.resolve(import.meta.dirname, '../..');
const log = (s: string) => process.stderr.write(`${s}\n`);
const hr = () => Number(process.hrtime.bigint()) / 1e6;

/** Roughly `size` bytes of readable text: what a ~50 KB message of prose and quotes is. */
function body(size: number, n: number): string {
  const words = randomBytes(Math.ceil((size * 3) / 4))
    .toString('base64')
    .replace(/[+/=]/g, ' ');
  return `message ${n}\n${words.replace(/(.{72})/g, '$1\n')}`.slice(0, size);
}

function smtpSource(port: number, count: number, size: number, from: string, to: string) {
  return new Promise<number>((resolve, reject) => {
    const start = hr();
    execFile(
      '/usr/sbin/smtp-source',
      [
        '-d',
        '-s',
        '1',
        '-m',
        String(count),
        '-l',
        String(size),
        '-f',
        from,
        '-t',
        to,
        `127.0.0.1:${port}`,
      ],
      (err, _stdout, stderr) =>
        err ? reject(new Error(stderr || err.message)) : resolve(hr() - start),
    );
  });
}

const dovecot = await startDovecot({
  users: [{ user: 'bob', password: 'bob-secret' }],
  lmtp: true,
});
const postfix = await startPostfix({ dovecot, domain: DOMAIN });
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-send-'));
const secretKey = randomBytes(32).toString('base64');
let svc = await MaildockService.open({ dataDir, secretKey, send: { delaySeconds: 0 } });
const call = async <T>(method: Parameters<typeof svc.invoke>[0], input: unknown): Promise<T> => {
  const r = await svc.invoke(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
};

try {
  const from = `${dovecot.user}@${DOMAIN}`;
  const to = `bob@${DOMAIN}`;
  const account = await call<{ id: number }>('account.add', {
    email: from,
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
    smtp: { host: '127.0.0.1', port: postfix.port, security: 'none', user: dovecot.user },
    password: dovecot.password,
  });
  // SMTP only: the copy in Sent is IMAP work that smtp-source does not do either.
  await call('outbox.settings', { accountId: account.id, serverSavesSent: true });
  await call('sync.run', {});

  log(`Latency: ${RUNS} single messages of ${SIZE} bytes, each queued into a watching service…`);
  // The app's own path: outbox.send wakes the outbox timer, which connects and sends.
  await svc.watch();
  const latency: number[] = [];
  for (let i = 0; i < RUNS + 5; i++) {
    const queuedAt = Date.now();
    const e = await call<{ id: number }>('outbox.send', {
      accountId: account.id,
      to: [to],
      subject: `lat ${i}`,
      text: body(SIZE, i),
    });
    let sentAt: string | null = null;
    while (!sentAt) {
      await new Promise((r) => setTimeout(r, 2));
      const list = await call<{ id: number; sentAt: string | null; state: string }[]>(
        'outbox.list',
        { limit: 1 },
      );
      const row = list.find((x) => x.id === e.id);
      if (row?.state === 'failed' || row?.state === 'retrying')
        throw new Error(`send ${row.state}`);
      sentAt = row?.sentAt ?? null;
    }
    if (i >= 5) latency.push(Date.parse(sentAt) - queuedAt);
  }
  const lat = summarize(latency);
  await svc.close();
  svc = await MaildockService.open({ dataDir, secretKey, send: { delaySeconds: 0 } });

  log(`Throughput: ${N} messages of ${SIZE} bytes queued, then one pass…`);
  for (let i = 0; i < N; i++) {
    await call('outbox.send', {
      accountId: account.id,
      to: [to],
      subject: `tp ${i}`,
      text: body(SIZE, i),
    });
  }
  // Each side starts with Postfix idle: its LMTP deliveries of earlier mail would compete.
  await postfix.waitForEmptyQueue(300_000);
  const t0 = hr();
  await call('sync.run', { accountId: account.id });
  const maildockMs = hr() - t0;
  const sent = (await call<{ state: string }[]>('outbox.list', { state: 'sent', limit: 1000 }))
    .length;

  log(`smtp-source: ${N} messages of ${SIZE} bytes over one connection…`);
  await postfix.waitForEmptyQueue(300_000);
  const sourceMs = await smtpSource(postfix.port, N, SIZE, from, to);

  const rate = (ms: number) => (N / ms) * 1000;
  const report = [
    `# Send bench: ${N} messages of ${SIZE} bytes, ${RUNS} latency runs`,
    '',
    `| measure | Maildock | smtp-source | ratio |`,
    `| --- | --- | --- | --- |`,
    `| queue → 250 OK, p50 / p95 (one message, a connection of its own, watching service) | ${lat.p50.toFixed(1)} / ${lat.p95.toFixed(1)} ms | | |`,
    `| batch throughput, one connection (the pass includes a no-change IMAP sync) | ${rate(maildockMs).toFixed(0)} msgs/s (${(maildockMs / 1000).toFixed(2)} s) | ${rate(sourceMs).toFixed(0)} msgs/s (${(sourceMs / 1000).toFixed(2)} s) | ${(rate(maildockMs) / rate(sourceMs)).toFixed(2)}× |`,
    '',
    `Messages sent in the batch pass: ${sent >= N ? N : sent}.`,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  mkdirSync(path.join(root, '.bench'), { recursive: true });
  writeFileSync(path.join(root, '.bench', `send-${N}.md`), `${report}\n`);
  writeFileSync(
    path.join(root, '.bench', `send-${N}.json`),
    JSON.stringify({ N, SIZE, latency: lat, maildockMs, sourceMs }, null, 2),
  );
} finally {
  await svc.close();
  await postfix.stop();
  await dovecot.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

// The other half of the write path: 1,000 queued flag changes replayed to Dovecot, beside
// mbsync pushing as many (bench/replay/run.ts, also `npm run bench:replay`).
log('Replay of 1,000 local flag changes…');
await new Promise<void>((resolve, reject) =>
  execFile(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench/replay/run.ts'), '--changes', '1000'],
    { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    (err, stdout, stderr) => {
      if (err) return reject(new Error(stderr || err.message));
      process.stdout.write(`\n${stdout}`);
      resolve();
    },
  ),
);
