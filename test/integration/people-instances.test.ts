// Two `maildock serve` instances over one Postgres and one Redis, as a browser meets them: a
// person's event socket on one instance hears of the mail the other instance synced (the one
// `maildock admin status` says holds the account), another person's socket hears nothing of
// it, sign-in attempts are limited across both instances, and a reload's refresh works on
// whichever instance answers it.
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { waitFor } from '../support/processes.js';
import {
  call,
  login,
  peopleCluster,
  value,
  type PeopleCluster,
  type ServeInstance,
  type SignedIn,
} from '../support/people-serve.js';
import { runCli } from '../support/cli.js';

const LOGIN_LIMIT = 5;
const PERCY = { email: 'percy@acme.test', password: 'percy-password-Hx52' };
const QUINN = { email: 'quinn@acme.test', password: 'quinn-password-Rt93' };

interface Heard {
  event: string;
  payload: { accountId?: number; count?: number };
}

/** A socket as the browser's UI opens it: the token in the subprotocol, its page's origin. */
async function eventSocket(base: string, token: string) {
  const url = new URL(base);
  const socket = new WebSocket(`ws://${url.host}/events`, ['maildock', `bearer.${token}`], {
    origin: url.origin,
  });
  const heard: Heard[] = [];
  socket.on('message', (data) => heard.push(JSON.parse(String(data)) as Heard));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, heard };
}

describe('two instances of the server of many people', () => {
  let dovecot: DovecotServer;
  let cluster: PeopleCluster;
  let instances: ServeInstance[];
  let percy: SignedIn;
  let quinn: SignedIn;
  let percyAccount: number;
  let quinnAccount: number;

  const holderOf = async (accountId: number): Promise<string | undefined> => {
    const status = await runCli(['--json', 'admin', 'status', '--env-file', cluster.envFile], {});
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      instances: { id: string; accounts: { accountId: number }[] }[];
    };
    return parsed.instances.find((i) => i.accounts.some((a) => a.accountId === accountId))?.id;
  };

  beforeAll(async () => {
    [dovecot, cluster] = await Promise.all([
      startDovecot({ users: [{ user: 'quinn', password: 'quinn-imap-pass' }] }),
      peopleCluster([`LOGIN_RATE_LIMIT_MAX=${LOGIN_LIMIT}`, 'LOGIN_RATE_LIMIT_WINDOW=10m']),
    ]);
    await cluster.addPerson('acme', PERCY.email, PERCY.password);
    await cluster.addPerson('acme', QUINN.email, QUINN.password);
    instances = await Promise.all([cluster.start('one'), cluster.start('two')]);
    const base = instances[0]!.base;
    percy = await login(base, PERCY.email, PERCY.password);
    quinn = await login(base, QUINN.email, QUINN.password);
    const add = async (who: SignedIn, user: string, password: string) =>
      (
        await value<{ id: number }>(
          base,
          'account.add',
          {
            email: `${user}@maildock.test`,
            imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user },
            password,
          },
          who.token,
        )
      ).id;
    percyAccount = await add(percy, dovecot.user, dovecot.password);
    quinnAccount = await add(quinn, 'quinn', 'quinn-imap-pass');
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await dovecot?.stop();
  });

  it("gives a socket on one instance the mail the other synced, and nobody else's socket", async () => {
    let holder: string | undefined;
    expect(
      await waitFor(async () => (holder = await holderOf(percyAccount)) !== undefined, 60_000),
    ).toBe(true);
    const syncing = instances.find((i) => i.instanceId === holder)!;
    const other = instances.find((i) => i.instanceId !== holder)!;
    expect(syncing).toBeDefined();
    // Its first sync done (the Inbox is there), so what comes next is new mail.
    expect(
      await waitFor(async () => {
        const boxes = await value<{ path: string }[]>(
          other.base,
          'mailbox.list',
          { accountId: percyAccount },
          percy.token,
        );
        return boxes.some((b) => b.path === 'INBOX');
      }, 60_000),
    ).toBe(true);

    const percySocket = await eventSocket(other.base, percy.token);
    const quinnHere = await eventSocket(other.base, quinn.token);
    const quinnThere = await eventSocket(syncing.base, quinn.token);
    try {
      await dovecot.append('INBOX', makeMail({ subject: 'Arrives while Percy reads' }));
      const news = () =>
        percySocket.heard.find(
          (h) => h.event === 'mail.new' && h.payload.accountId === percyAccount,
        );
      expect(await waitFor(() => news() !== undefined, 60_000)).toBe(true);
      expect(news()!.payload.count).toBe(1);
      // Still the same holder: the instance that synced it is not the one the socket is on.
      expect(await holderOf(percyAccount)).toBe(syncing.instanceId);
      // Anything Quinn's sockets might yet be sent has had the time to arrive.
      await waitFor(() => false, 1_000);
      for (const heard of [...quinnHere.heard, ...quinnThere.heard]) {
        expect(heard.payload.accountId, JSON.stringify(heard)).toBe(quinnAccount);
      }
      expect(JSON.stringify([quinnHere.heard, quinnThere.heard])).not.toContain(
        'Arrives while Percy reads',
      );
    } finally {
      for (const open of [percySocket, quinnHere, quinnThere]) open.socket.close();
    }
  }, 150_000);

  it('limits sign-in attempts from one address across both instances, with Retry-After', async () => {
    // One address as nginx forwards it, so this address's attempts are counted on their own.
    const from = { 'x-forwarded-for': '198.51.100.23' };
    const attempt = (i: number) =>
      call(
        instances[i % 2]!.base,
        'auth.login',
        { email: PERCY.email, password: `wrong-${i}` },
        undefined,
        from,
      );
    for (let i = 0; i < LOGIN_LIMIT; i++) {
      const refused = await attempt(i);
      expect(refused.status, refused.text).toBe(401);
    }
    for (const i of [LOGIN_LIMIT, LOGIN_LIMIT + 1]) {
      const limited = await attempt(i);
      expect(limited.status, limited.text).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    }
    // The right password from that address waits too; from another address it is let in.
    const right = await call(instances[0]!.base, 'auth.login', PERCY, undefined, from);
    expect(right.status).toBe(429);
    await login(instances[1]!.base, PERCY.email, PERCY.password);
  }, 60_000);

  it('refreshes a sign-in made on one instance on the other, as a reload would', async () => {
    const [one, two] = instances as [ServeInstance, ServeInstance];
    const signedIn = await login(one.base, PERCY.email, PERCY.password);
    const refreshed = await call(two.base, 'auth.refresh', {}, undefined, {
      cookie: signedIn.cookie,
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    const token = (refreshed.body as { value: { accessToken: string } }).value.accessToken;
    // The cookie rotates: a new one replaces the one just spent.
    const next = refreshed.headers.getSetCookie()[0]?.split(';')[0];
    expect(next).toMatch(/=./);
    expect(next).not.toBe(signedIn.cookie);
    const accounts = await value<{ id: number }[]>(two.base, 'account.list', {}, token);
    expect(accounts.map((a) => a.id)).toEqual([percyAccount]);
    // The cookie was spent there: presented again on the first instance, it is refused.
    const again = await call(one.base, 'auth.refresh', {}, undefined, { cookie: signedIn.cookie });
    expect(again.status).toBe(401);
  }, 60_000);

  it('writes what people did to the audit log: accounts added and removed, deletes, sign-ins', async () => {
    const base = instances[1]!.base;
    const boxes = await value<{ id: number; role: string | null }[]>(
      base,
      'mailbox.list',
      { accountId: percyAccount },
      percy.token,
    );
    const inbox = boxes.find((b) => b.role === 'inbox')!;
    const page = await value<{ messages: { id: number }[] }>(
      base,
      'message.list',
      { mailboxId: inbox.id, limit: 5 },
      percy.token,
    );
    const first = page.messages[0]!.id;
    await value(base, 'message.delete', { ids: [first] }, percy.token);
    await value(base, 'account.remove', { id: quinnAccount }, quinn.token);

    const audit = await cluster.admin(['--json', 'audit', '--tenant', 'acme']);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = JSON.parse(audit.stdout) as {
      actor: string;
      action: string;
      ip: string | null;
      detail: Record<string, unknown>;
    }[];
    const of = (action: string, actor: string) =>
      entries.filter((e) => e.action === action && e.actor === actor);
    expect(of('account.add', PERCY.email)[0]?.detail).toMatchObject({ accountId: percyAccount });
    expect(of('account.add', QUINN.email)[0]?.detail).toMatchObject({ accountId: quinnAccount });
    expect(of('account.remove', QUINN.email)[0]?.detail).toMatchObject({ accountId: quinnAccount });
    expect(of('message.delete', PERCY.email)[0]?.detail).toMatchObject({
      ids: [first],
      affected: 1,
    });
    expect(of('message.delete', PERCY.email)[0]?.ip).toBeTruthy();
    expect(of('auth.login', PERCY.email).length).toBeGreaterThan(0);
    expect(entries.some((e) => e.action === 'auth.login.failed')).toBe(true);
    // No secret of anyone's in it: not the sign-in passwords, not the IMAP one.
    for (const secret of [PERCY.password, QUINN.password, 'quinn-imap-pass']) {
      expect(audit.stdout).not.toContain(secret);
    }
  }, 60_000);
});
