// The private-Postfix harness, proven against the real servers: Postfix takes mail over SMTP
// (AUTH checked by Dovecot, STARTTLS with its own certificate) and delivers it by LMTP into
// the private Dovecot's users; unknown users and outside domains are refused; stopping and
// starting keeps the queue. A raw SMTP dialogue over node:net shows every reply code.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { nodeChild, sleep, waitFor } from '../support/processes.js';

const DOMAIN = 'maildock.test';
const ALICE = { user: 'alice', password: 'alice-secret' };
const BOB = { user: 'bob', password: 'bob-secret' };

interface Reply {
  code: number;
  /** every line of the reply, codes stripped */
  lines: string[];
}

/** A minimal SMTP client: one command, one reply; STARTTLS swaps the socket underneath. */
class Smtp {
  private buf = '';
  private replies: Reply[] = [];
  private waiting: ((r: Reply) => void)[] = [];
  private failed: Error | undefined;
  private failWaiters: ((e: Error) => void)[] = [];

  private constructor(private sock: net.Socket | tls.TLSSocket) {
    this.listen(sock);
  }

  static async connect(port: number): Promise<{ smtp: Smtp; greeting: Reply }> {
    const sock = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const smtp = new Smtp(sock);
    return { smtp, greeting: await smtp.read() };
  }

  private listen(sock: net.Socket | tls.TLSSocket): void {
    sock.setTimeout(20_000, () => sock.destroy(new Error('SMTP timeout')));
    sock.on('data', this.onData);
    sock.on('error', this.onError);
    sock.on('close', () => this.onError(new Error('connection closed')));
  }

  private onData = (d: Buffer): void => {
    this.buf += d.toString('utf8');
    let nl: number;
    const lines: string[] = [];
    while ((nl = this.buf.indexOf('\r\n')) >= 0) {
      lines.push(this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 2);
    }
    for (const line of lines) this.onLine(line);
  };

  private pending: string[] = [];

  private onLine(line: string): void {
    this.pending.push(line.slice(4));
    if (line[3] === '-') return;
    const reply = { code: Number(line.slice(0, 3)), lines: this.pending };
    this.pending = [];
    const waiter = this.waiting.shift();
    if (waiter) waiter(reply);
    else this.replies.push(reply);
  }

  private onError = (err: Error): void => {
    this.failed ??= err;
    for (const f of this.failWaiters.splice(0)) f(err);
  };

  read(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.failWaiters.push(reject);
    });
  }

  async cmd(line: string): Promise<Reply> {
    this.sock.write(`${line}\r\n`);
    return this.read();
  }

  async ehlo(): Promise<Reply> {
    const r = await this.cmd('EHLO client.maildock.test');
    expect(r.code).toBe(250);
    return r;
  }

  async authPlain(user: string, password: string): Promise<Reply> {
    return this.cmd(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
  }

  async authLogin(user: string, password: string): Promise<Reply> {
    const first = await this.cmd('AUTH LOGIN');
    if (first.code !== 334) return first;
    const second = await this.cmd(Buffer.from(user).toString('base64'));
    if (second.code !== 334) return second;
    return this.cmd(Buffer.from(password).toString('base64'));
  }

  /** DATA with dot-stuffing; resolves to the reply after the final dot. */
  async data(message: string): Promise<Reply> {
    const go = await this.cmd('DATA');
    expect(go.code).toBe(354);
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    return this.cmd(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.`);
  }

  /** STARTTLS; the certificate must verify against `ca` and name `host`. */
  async startTls(ca: Buffer | undefined, host: string): Promise<tls.TLSSocket> {
    const go = await this.cmd('STARTTLS');
    expect(go.code).toBe(220);
    this.sock.removeListener('data', this.onData);
    // Node sends no SNI for an IP address and checks the certificate against `host`.
    const secure = tls.connect({ socket: this.sock, host, ...(ca ? { ca } : {}) });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.sock = secure;
    this.listen(secure);
    return secure;
  }

  async quit(): Promise<void> {
    await this.cmd('QUIT').catch(() => undefined);
    this.sock.destroy();
  }

  close(): void {
    this.sock.destroy();
  }
}

let serial = 0;
function message(from: string, to: string, subject: string): { raw: string; messageId: string } {
  const messageId = `<harness-${process.pid}-${++serial}@${DOMAIN}>`;
  const raw = [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString()}`,
    '',
    'First line.',
    '.A line that starts with a dot survives.',
    '',
  ].join('\r\n');
  return { raw, messageId };
}

/** One whole transaction; returns the reply of each step so tests can look at the codes. */
async function send(
  port: number,
  opts: { auth?: { user: string; password: string }; from: string; to: string[]; raw: string },
): Promise<{ auth?: Reply; mail: Reply; rcpt: Reply[]; data?: Reply }> {
  const { smtp } = await Smtp.connect(port);
  try {
    await smtp.ehlo();
    const auth = opts.auth ? await smtp.authPlain(opts.auth.user, opts.auth.password) : undefined;
    const mail = await smtp.cmd(`MAIL FROM:<${opts.from}>`);
    const rcpt: Reply[] = [];
    for (const to of opts.to) rcpt.push(await smtp.cmd(`RCPT TO:<${to}>`));
    const data = rcpt.some((r) => r.code === 250) ? await smtp.data(opts.raw) : undefined;
    return { ...(auth ? { auth } : {}), mail, rcpt, ...(data ? { data } : {}) };
  } finally {
    await smtp.quit();
  }
}

/** UIDs of the user's messages with that Message-ID, straight from Dovecot. */
async function find(dovecot: DovecotServer, user: string, messageId: string): Promise<string[]> {
  const out = await dovecot.doveadm(
    'search',
    '-u',
    user,
    'mailbox',
    'INBOX',
    'header',
    'Message-ID',
    messageId,
  );
  return out.split('\n').filter((l) => l.trim() !== '');
}

async function waitForMessage(
  dovecot: DovecotServer,
  user: string,
  messageId: string,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await find(dovecot, user, messageId)).length === 0) {
    if (Date.now() > deadline) throw new Error(`${messageId} never reached ${user}`);
    await sleep(100);
  }
}

/** The raw source of the newest INBOX message of a user, read over IMAP as that user. */
async function newestSource(dovecot: DovecotServer, user: string): Promise<string> {
  const { password } = dovecot.forUser(user);
  const c = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user, pass: password },
    logger: false,
  });
  c.on('error', () => undefined);
  await c.connect();
  try {
    await c.mailboxOpen('INBOX', { readOnly: true });
    const msg = await c.fetchOne('*', { source: true });
    return msg && msg.source ? msg.source.toString('utf8') : '';
  } finally {
    await c.logout().catch(() => c.close());
  }
}

const connectError = (port: number): Promise<string | undefined> =>
  new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port }, () => {
      sock.destroy();
      resolve(undefined);
    });
    sock.on('error', (err: NodeJS.ErrnoException) => resolve(err.code));
  });

describe('private Postfix delivering into a private Dovecot', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;

  beforeAll(async () => {
    dovecot = await startDovecot({ ...ALICE, users: [BOB], lmtp: true });
    postfix = await startPostfix({ dovecot });
  });
  afterAll(async () => {
    await postfix?.stop();
    await dovecot?.stop();
  });

  it('gives each Dovecot user a Maildir and the helpers to fill it', async () => {
    expect(dovecot.users.map((u) => u.user)).toEqual(['alice', 'bob']);
    expect(dovecot.lmtpPort).toBeGreaterThan(0);
    expect(dovecot.authPort).toBeGreaterThan(0);
    const bob = dovecot.forUser('bob');
    expect(bob.maildir).toBe(dovecot.userMaildir('bob'));
    expect(bob.maildir).not.toBe(dovecot.maildir);
    expect(existsSync(bob.maildir)).toBe(true);
    const { raw } = message(`alice@${DOMAIN}`, `bob@${DOMAIN}`, 'loaded');
    await bob.loadMaildir('Archive', [{ raw: Buffer.from(raw), flags: ['\\Seen'] }]);
    expect(await bob.append('Archive', Buffer.from(raw))).toBe(2);
    const count = async (user: string): Promise<string> =>
      (
        await dovecot.doveadm('-f', 'flow', 'mailbox', 'status', '-u', user, 'messages', 'Archive')
      ).trim();
    expect(await count('bob')).toMatch(/\bmessages=2$/);
    expect(await count('alice')).toMatch(/\bmessages=0$/);
    expect(() => dovecot.forUser('carol')).toThrow(/not a user/);
  });

  it('relays for a sender logged in with AUTH PLAIN and delivers into the INBOX by LMTP', async () => {
    const { smtp, greeting } = await Smtp.connect(postfix.port);
    try {
      expect(greeting.code).toBe(220);
      expect(greeting.lines[0]).toContain(postfix.hostname);
      const ehlo = await smtp.ehlo();
      expect(ehlo.lines.some((l) => /^AUTH\b.*\bPLAIN\b/.test(l) && /\bLOGIN\b/.test(l))).toBe(
        true,
      );
      // Without `tls` there is nothing to upgrade to.
      expect(ehlo.lines).not.toContain('STARTTLS');
      expect((await smtp.authPlain(ALICE.user, ALICE.password)).code).toBe(235);
      const m = message(`alice@${DOMAIN}`, `bob@${DOMAIN}`, 'Hello Bob');
      expect((await smtp.cmd(`MAIL FROM:<alice@${DOMAIN}>`)).code).toBe(250);
      expect((await smtp.cmd(`RCPT TO:<bob@${DOMAIN}>`)).code).toBe(250);
      const done = await smtp.data(m.raw);
      expect(done.code).toBe(250);
      expect(done.lines[0]).toMatch(/queued as/);

      await postfix.waitForEmptyQueue();
      await waitForMessage(dovecot, 'bob', m.messageId);
      expect(await find(dovecot, 'alice', m.messageId)).toEqual([]);
      const source = await newestSource(dovecot, 'bob');
      expect(source).toContain('Subject: Hello Bob');
      expect(source).toMatch(/\bby localhost\.maildock\.test \(Postfix\) with ESMTPA\b/);
      expect(source).toContain('\r\n.A line that starts with a dot survives.\r\n');
    } finally {
      await smtp.quit();
    }
  });

  it('accepts AUTH LOGIN and refuses a wrong password with 535', async () => {
    const { smtp } = await Smtp.connect(postfix.port);
    try {
      await smtp.ehlo();
      expect((await smtp.authLogin(BOB.user, 'wrong')).code).toBe(535);
      expect((await smtp.authLogin(BOB.user, BOB.password)).code).toBe(235);
    } finally {
      await smtp.quit();
    }
  });

  it('takes mail for a user of the domain without AUTH', async () => {
    const m = message('someone@example.com', `alice@${DOMAIN}`, 'From outside');
    const r = await send(postfix.port, {
      from: 'someone@example.com',
      to: [`alice@${DOMAIN}`],
      raw: m.raw,
    });
    expect(r.rcpt[0]?.code).toBe(250);
    expect(r.data?.code).toBe(250);
    await waitForMessage(dovecot, 'alice', m.messageId);
  });

  it('refuses an unknown user of the domain at RCPT with 550, logged in or not', async () => {
    for (const auth of [undefined, ALICE]) {
      const m = message(`alice@${DOMAIN}`, `carol@${DOMAIN}`, 'Nobody home');
      const r = await send(postfix.port, {
        ...(auth ? { auth } : {}),
        from: `alice@${DOMAIN}`,
        to: [`carol@${DOMAIN}`, `bob@${DOMAIN}`],
        raw: m.raw,
      });
      expect(r.rcpt[0]?.code).toBe(550);
      expect(r.rcpt[0]?.lines.join(' ')).toMatch(/User unknown/i);
      // The known recipient of the same transaction still gets it.
      expect(r.rcpt[1]?.code).toBe(250);
      expect(r.data?.code).toBe(250);
      await waitForMessage(dovecot, 'bob', m.messageId);
    }
  });

  it('refuses to relay to an outside domain without AUTH', async () => {
    const m = message(`alice@${DOMAIN}`, 'someone@example.com', 'Out');
    const r = await send(postfix.port, {
      from: `alice@${DOMAIN}`,
      to: ['someone@example.com'],
      raw: m.raw,
    });
    expect(r.rcpt[0]?.code).toBe(554);
    expect(r.rcpt[0]?.lines.join(' ')).toMatch(/Relay access denied/i);
  });

  it('refuses outside domains at RCPT even from a logged-in sender: nothing leaves', async () => {
    const m = message(`alice@${DOMAIN}`, 'someone@example.com', 'Out with AUTH');
    const r = await send(postfix.port, {
      auth: ALICE,
      from: `alice@${DOMAIN}`,
      to: ['someone@example.com', `bob@${DOMAIN}`],
      raw: m.raw,
    });
    expect(r.auth?.code).toBe(235);
    expect(r.rcpt[0]?.code).toBe(550);
    expect(r.rcpt[0]?.lines.join(' ')).toMatch(/never leaves this machine/);
    expect(r.rcpt[1]?.code).toBe(250);
    await waitForMessage(dovecot, 'bob', m.messageId);
    await postfix.waitForEmptyQueue();
  });

  it('keeps a deferred message across a stop and start on the same port', async () => {
    const port = postfix.port;
    // Bob's Maildir out of reach: Dovecot answers LMTP with a temporary failure.
    await chmod(dovecot.userMaildir('bob'), 0o000);
    try {
      const m = message('someone@example.com', `bob@${DOMAIN}`, 'Waited');
      const r = await send(port, {
        from: 'someone@example.com',
        to: [`bob@${DOMAIN}`],
        raw: m.raw,
      });
      expect(r.data?.code).toBe(250);
      // qmgr tries LMTP, then defers; on a loaded 2-core machine that took over 10 s once.
      const deferred = await waitFor(
        async () => (await postfix.queue())[0]?.queueName === 'deferred',
        30_000,
        100,
      );
      expect(deferred, `${JSON.stringify(await postfix.queue())}\n${postfix.logTail(40)}`).toBe(
        true,
      );
      const [queued] = await postfix.queue();
      expect(queued?.recipients[0]?.address).toBe(`bob@${DOMAIN}`);
      expect(queued?.recipients[0]?.delayReason).toMatch(/\b4\d\d\b/);

      await postfix.stopService();
      expect(await connectError(port)).toBe('ECONNREFUSED');
      await postfix.startService();
      expect(postfix.port).toBe(port);
      // postqueue walks the queue's folders one by one: a message that qmgr moves meanwhile
      // (deferred → active) can be listed twice under its one id.
      const ids = new Set((await postfix.queue()).map((q) => q.queueId));
      expect([...ids]).toEqual([queued?.queueId]);

      await chmod(dovecot.userMaildir('bob'), 0o700);
      await postfix.flush();
      await postfix.waitForEmptyQueue();
      await waitForMessage(dovecot, 'bob', m.messageId);
      expect(await find(dovecot, 'bob', m.messageId)).toHaveLength(1);
    } finally {
      await chmod(dovecot.userMaildir('bob'), 0o700);
    }
  });

  it('takes AUTH and mail again soon after Dovecot restarts under it', async () => {
    await dovecot.stop({ keepData: true });
    // A fresh smtpd that cannot reach the SASL server exits at once and the service is
    // throttled; service_throttle_time keeps that to seconds.
    await Smtp.connect(postfix.port)
      .then(({ smtp }) => smtp.quit())
      .catch(() => undefined);
    await dovecot.start();
    const m = message(`bob@${DOMAIN}`, `alice@${DOMAIN}`, 'After Dovecot came back');
    let accepted = false;
    const deadline = Date.now() + 10_000;
    while (!accepted && Date.now() < deadline) {
      const r = await send(postfix.port, {
        auth: BOB,
        from: `bob@${DOMAIN}`,
        to: [`alice@${DOMAIN}`],
        raw: m.raw,
      }).catch(() => undefined);
      accepted = r?.auth?.code === 235 && r.data?.code === 250;
      if (!accepted) await sleep(200);
    }
    expect(accepted).toBe(true);
    await waitForMessage(dovecot, 'alice', m.messageId);
  });
});

describe('private Postfix with STARTTLS', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;

  beforeAll(async () => {
    dovecot = await startDovecot({ ...ALICE, users: [BOB], lmtp: true });
    postfix = await startPostfix({ dovecot, tls: true });
  });
  afterAll(async () => {
    await postfix?.stop();
    await dovecot?.stop();
  });

  it('upgrades for a client that trusts caFile, then takes AUTH and mail', async () => {
    expect(postfix.caFile).toBeDefined();
    const ca = readFileSync(postfix.caFile as string);
    const { smtp } = await Smtp.connect(postfix.port);
    try {
      expect((await smtp.ehlo()).lines).toContain('STARTTLS');
      const secure = await smtp.startTls(ca, postfix.hostname);
      expect(secure.authorized).toBe(true);
      expect(secure.getPeerCertificate().subject?.CN).toBe(postfix.hostname);
      expect((await smtp.ehlo()).lines).not.toContain('STARTTLS');
      expect((await smtp.authPlain(BOB.user, BOB.password)).code).toBe(235);
      const m = message(`bob@${DOMAIN}`, `alice@${DOMAIN}`, 'Over TLS');
      expect((await smtp.cmd(`MAIL FROM:<bob@${DOMAIN}>`)).code).toBe(250);
      expect((await smtp.cmd(`RCPT TO:<alice@${DOMAIN}>`)).code).toBe(250);
      expect((await smtp.data(m.raw)).code).toBe(250);
      await waitForMessage(dovecot, 'alice', m.messageId);
      // ESMTPSA: authenticated and encrypted (RFC 3848).
      expect(await newestSource(dovecot, 'alice')).toMatch(/\(Postfix\) with ESMTPSA\b/);
    } finally {
      await smtp.quit();
    }
  });

  it('fails the handshake for a client that does not trust the certificate', async () => {
    const { smtp } = await Smtp.connect(postfix.port);
    try {
      await smtp.ehlo();
      await expect(smtp.startTls(undefined, postfix.hostname)).rejects.toMatchObject({
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
    } finally {
      smtp.close();
    }
  });

  it('also answers on the same certificate for 127.0.0.1', async () => {
    const { smtp } = await Smtp.connect(postfix.port);
    try {
      await smtp.ehlo();
      const secure = await smtp.startTls(readFileSync(postfix.caFile as string), '127.0.0.1');
      expect(secure.authorized).toBe(true);
    } finally {
      smtp.close();
    }
  });
});

/** Starts Dovecot and Postfix in a separate Node process, which prints their ports and roots. */
async function startInChild(): Promise<{
  child: ChildProcess;
  smtp: number;
  imap: number;
  roots: string[];
}> {
  const support = (f: string): string =>
    JSON.stringify(fileURLToPath(new URL(`../support/${f}`, import.meta.url)));
  const code = `const { startDovecot } = await import(${support('dovecot.ts')});
const { startPostfix } = await import(${support('postfix.ts')});
const d = await startDovecot({ lmtp: true });
const p = await startPostfix({ dovecot: d });
console.log(JSON.stringify({ smtp: p.port, imap: d.port, roots: [d.root, p.root] }));
setInterval(() => undefined, 1000);`;
  const { child, printed } = await nodeChild<{ smtp: number; imap: number; roots: string[] }>(code);
  return { child, ...printed };
}

const configDirs = (): string =>
  readFileSync('/etc/postfix/main.cf', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('alternate_config_directories'))
    .join('\n');

describe('private Postfix lifecycle', () => {
  let dovecot: DovecotServer;

  beforeAll(async () => {
    dovecot = await startDovecot({ lmtp: true });
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('runs two instances side by side, and stop() leaves nothing behind', async () => {
    const [a, b] = await Promise.all([startPostfix({ dovecot }), startPostfix({ dovecot })]);
    if (!a || !b) throw new Error('no servers');
    expect(a.port).not.toBe(b.port);
    expect(a.root).not.toBe(b.root);
    expect(configDirs()).toContain(a.configDir);
    expect(configDirs()).toContain(b.configDir);
    const m = message('someone@example.com', `maildock@${DOMAIN}`, 'Via b');
    const r = await send(b.port, { from: 'x@example.com', to: [`maildock@${DOMAIN}`], raw: m.raw });
    expect(r.data?.code).toBe(250);
    await waitForMessage(dovecot, 'maildock', m.messageId);
    await a.stop();
    expect(await connectError(a.port)).toBe('ECONNREFUSED');
    expect(existsSync(a.root)).toBe(false);
    expect(configDirs()).not.toContain(a.configDir);
    // The other one is untouched.
    const { smtp, greeting } = await Smtp.connect(b.port);
    smtp.close();
    expect(greeting.code).toBe(220);
    await b.stop();
    expect(existsSync(b.root)).toBe(false);
  });

  it('start() after stop() comes back on the same port', async () => {
    const p = await startPostfix({ dovecot });
    try {
      const port = p.port;
      await p.stop();
      expect(await connectError(port)).toBe('ECONNREFUSED');
      await p.start();
      expect(p.port).toBe(port);
      const m = message('x@example.com', `maildock@${DOMAIN}`, 'After restart');
      const r = await send(port, { from: 'x@example.com', to: [`maildock@${DOMAIN}`], raw: m.raw });
      expect(r.data?.code).toBe(250);
      await waitForMessage(dovecot, 'maildock', m.messageId);
    } finally {
      await p.stop();
    }
  });

  it('refuses a Dovecot without LMTP, saying why', async () => {
    const plain = await startDovecot();
    try {
      await expect(startPostfix({ dovecot: plain })).rejects.toThrow(/lmtp: true/);
    } finally {
      await plain.stop();
    }
  });

  it('leaves no Postfix behind when the test process is SIGKILLed', async () => {
    const { child, smtp, imap, roots } = await startInChild();
    expect(await connectError(smtp)).toBeUndefined();
    child.kill('SIGKILL');
    // The watchdogs poll once a second.
    expect(
      await waitFor(
        async () =>
          (await connectError(smtp)) === 'ECONNREFUSED' &&
          (await connectError(imap)) === 'ECONNREFUSED' &&
          roots.every((r) => !existsSync(r)),
        8000,
        100,
      ),
    ).toBe(true);
  });
});
