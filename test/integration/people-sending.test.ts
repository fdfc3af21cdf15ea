// Sending across instances of the server of many people, through a real Postfix that
// delivers into a real Dovecot: one person queues 100 messages, half through each of two
// `maildock serve` instances; the instance that holds the account's lease (and so sends) is
// killed with SIGKILL while they go out. The other takes the account over: in the end every
// message is delivered once, or is "may have been sent" and not delivered twice; none is
// delivered twice, none is left behind.
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, scanKeys } from '../../main/server/work/redis.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { startSmtpHold, type SmtpHold } from '../support/smtp-hold.js';
import { query } from '../support/postgres-store.js';
import { waitFor } from '../support/processes.js';
import {
  login,
  peopleCluster,
  value,
  type PeopleCluster,
  type ServeInstance,
} from '../support/people-serve.js';

const DOMAIN = 'maildock.test';
const MESSAGES = 100;
/** The message whose SMTP answer is held back, and during which its sender is killed. */
const KILLED_AT = 20;
const PERSON = { email: 'sam@acme.test', password: 'sam-password-Wv38' };
const RECIPIENT = { user: 'rcpt', password: 'rcpt-imap-pass' };

interface Entry {
  id: number;
  messageId: string;
  state: string;
}

/** The Message-ID of every message in the recipient's Inbox, straight from Dovecot. */
async function delivered(dovecot: DovecotServer): Promise<string[]> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: RECIPIENT.user, pass: RECIPIENT.password },
    logger: false,
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const ids: string[] = [];
      if (!client.mailbox || !client.mailbox.exists) return ids;
      for await (const m of client.fetch('1:*', { envelope: true }))
        ids.push(m.envelope?.messageId ?? '');
      return ids;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

describe('sending across instances of the server of many people', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let cluster: PeopleCluster;
  let instances: ServeInstance[];
  let redis: Redis;
  let hold: SmtpHold;
  /** What the first test leaves: the surviving instance, with the person's account. */
  let survivorOnly: { instance: ServeInstance; token: string; accountId: number } | undefined;

  beforeAll(async () => {
    [dovecot, cluster] = await Promise.all([
      startDovecot({ users: [RECIPIENT], lmtp: true }),
      peopleCluster(),
    ]);
    postfix = await startPostfix({ dovecot, domain: DOMAIN });
    hold = await startSmtpHold(postfix.port);
    redis = new Redis(cluster.redis.url);
    await cluster.addPerson('acme', PERSON.email, PERSON.password);
    instances = await Promise.all([cluster.start('one'), cluster.start('two')]);
  }, 180_000);

  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
    await hold?.close();
    await postfix?.stop();
    await dovecot?.stop();
  });

  it('delivers each of 100 messages once, or leaves it maybe-sent, when the sending instance is killed', async () => {
    const [one, two] = instances as [ServeInstance, ServeInstance];
    const tokens = [
      (await login(one.base, PERSON.email, PERSON.password)).token,
      (await login(two.base, PERSON.email, PERSON.password)).token,
    ];
    const account = await value<{ id: number }>(
      one.base,
      'account.add',
      {
        email: `${dovecot.user}@${DOMAIN}`,
        imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user },
        smtp: { host: '127.0.0.1', port: hold.port, security: 'none', user: dovecot.user },
        password: dovecot.password,
      },
      tokens[0]!,
    );
    const holder = async () => {
      const keys = await scanKeys(redis, KEYS.leasePattern);
      const key = keys.find((k) => k.endsWith(`:${account.id}`));
      return key ? ((await redis.get(key)) ?? undefined) : undefined;
    };
    expect(await waitFor(async () => (await holder()) !== undefined, 60_000)).toBe(true);
    const stuck = hold.holdAt(KILLED_AT);

    const queued: Entry[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const at = i % 2;
      queued.push(
        await value<Entry>(
          instances[at]!.base,
          'outbox.send',
          {
            accountId: account.id,
            to: [`${RECIPIENT.user}@${DOMAIN}`],
            subject: `Across instances ${i}`,
            text: `Message ${i} of ${MESSAGES}.`,
            delaySeconds: 1,
          },
          tokens[at]!,
        ),
      );
    }
    expect(new Set(queued.map((e) => e.messageId)).size).toBe(MESSAGES);

    // Killed while they go: the KILLED_AT-th message's final "." reached Postfix, its sender
    // never heard the answer. Whichever instance that was, it is the one killed.
    const held = await Promise.race([
      stuck,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 120_000)),
    ]);
    expect(held, 'no message reached its end of data').toBeDefined();
    const sending = instances.find((i) => i.run.child.pid === held!.pid)!;
    expect(sending, `pid ${held!.pid} is no instance`).toBeDefined();
    const survivor = instances.find((i) => i !== sending)!;
    const survivorToken = tokens[instances.indexOf(survivor)]!;
    const outbox = () =>
      value<Entry[]>(survivor.base, 'outbox.list', { limit: 1000 }, survivorToken);
    const inState = async (states: string[]) =>
      (await outbox()).filter((e) => states.includes(e.state)).length;
    sending.run.child.kill('SIGKILL');
    expect((await sending.run.done).signal).toBe('SIGKILL');
    expect(await inState(['sent', 'maybe-sent'])).toBeLessThan(MESSAGES);

    // The survivor takes the account over once the lease lapses, and sends the rest.
    const settled = await waitFor(
      async () => (await inState(['sent', 'maybe-sent'])) === MESSAGES,
      180_000,
    );
    const rows = await outbox();
    expect(
      settled,
      JSON.stringify(rows.filter((e) => !['sent', 'maybe-sent'].includes(e.state))),
    ).toBe(true);
    expect(await holder()).toBe(survivor.instanceId);
    await postfix.waitForEmptyQueue(60_000);

    const arrived = await delivered(dovecot);
    const times = new Map<string, number>();
    for (const id of arrived) times.set(id, (times.get(id) ?? 0) + 1);
    const twice = [...times].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice).toEqual([]);
    const mine = new Set(queued.map((e) => e.messageId));
    expect(arrived.every((id) => mine.has(id))).toBe(true);
    const byId = new Map(rows.map((e) => [e.messageId, e]));
    for (const e of queued) {
      const row = byId.get(e.messageId)!;
      // Sent means delivered; one that did not arrive must be one the user is asked about.
      if (row.state === 'sent') expect(times.get(e.messageId), e.messageId).toBe(1);
      if (!times.has(e.messageId)) expect(row.state, e.messageId).toBe('maybe-sent');
    }
    // The one cut short after its end of data: Postfix has it, the sender could not know.
    expect(byId.get(held!.messageId)?.state).toBe('maybe-sent');
    expect(times.get(held!.messageId)).toBe(1);
    survivorOnly = { instance: survivor, token: survivorToken, accountId: account.id };
  }, 300_000);

  it('takes back at once a claim that no live instance owns, from any host, and leaves a live one', async () => {
    // Instances in containers are on hosts of their own, where a pid says nothing: their
    // heartbeats on Redis say who is alive. Before, such a claim waited out an hour.
    expect(survivorOnly, 'the test above left one instance').toBeDefined();
    const { instance, token, accountId } = survivorOnly!;
    const queue = async (subject: string, delaySeconds: number) =>
      value<Entry>(
        instance.base,
        'outbox.send',
        { accountId, to: [`${RECIPIENT.user}@${DOMAIN}`], subject, text: subject, delaySeconds },
        token,
      );
    const stateOf = async (id: number) =>
      (await value<Entry[]>(instance.base, 'outbox.list', { limit: 1000 }, token)).find(
        (e) => e.id === id,
      )?.state;
    // Rows claimed two minutes ago by a process of another host, as a killed container leaves
    // them; one by an instance that is alive there (its heartbeat on Redis).
    const gone = await queue('Claimed by a container that is gone', 3600);
    const alive = await queue('Claimed by an instance alive elsewhere', 3600);
    const ghost = { id: 'ghost-elsewhere', sender: '1:0123456789ab:elsewhere' };
    await redis.set(
      KEYS.instance(ghost.id),
      JSON.stringify({
        id: ghost.id,
        host: 'elsewhere',
        pid: 1,
        startedAt: new Date().toISOString(),
        heartbeatAt: new Date().toISOString(),
        capacity: 10,
        accounts: [],
        activeJobs: 1,
        load: 0,
        sender: ghost.sender,
      }),
      'PX',
      120_000,
    );
    const claim = (id: number, owner: string) =>
      query(
        cluster.databaseUrl,
        `UPDATE outbox SET state = 'sending', owner = $2, claimed_at = $3, send_at = $3
          WHERE id = $1`,
        [id, owner, Date.now() - 120_000],
      );
    await claim(gone.id, '1:ba5eba11c0de:gone-host');
    await claim(alive.id, ghost.sender);
    // Anything queued makes the account's holder send, taking back first what it may.
    const nudge = await queue('A nudge', 1);
    expect(await waitFor(async () => (await stateOf(nudge.id)) === 'sent', 60_000)).toBe(true);
    expect(await waitFor(async () => (await stateOf(gone.id)) === 'sent', 30_000)).toBe(true);
    expect(await stateOf(alive.id)).toBe('sending');
    // That instance stops (its heartbeat lapses): its claim is taken back too.
    await redis.del(KEYS.instance(ghost.id));
    const again = await queue('Another nudge', 1);
    expect(await waitFor(async () => (await stateOf(again.id)) === 'sent', 60_000)).toBe(true);
    expect(await waitFor(async () => (await stateOf(alive.id)) === 'sent', 30_000)).toBe(true);
  }, 180_000);
});
