// The sync phase: each person adds their account (on a private Dovecot) through the API, and
// the instances share the accounts out through their leases in Redis and sync them from
// scratch. Timed until every message's header, then every body, is in the store; the leases
// are read from the instances' heartbeats in Redis (what `maildock admin status` shows)
// while the accounts sync.
import { Redis } from 'ioredis';
import { openServerDatabase, type Owner } from '../../main/core/people/index.js';
import { liveInstances } from '../../main/server/work/instances.js';
import { waitFor } from '../../test/support/processes.js';
import type { BenchPerson } from './seed.js';

type SignedIn = BenchPerson & { token: string };

export interface SyncFigures {
  instances: number;
  accounts: number;
  messages: number;
  headersSeconds: number;
  bodiesSeconds: number;
  /** Accounts each instance held, by instance id, when the leases were read. */
  leases: Record<string, number>;
}

export async function leaseSpread(redis: Redis): Promise<Record<string, number>> {
  const live = await liveInstances(redis);
  return Object.fromEntries(live.map((i) => [i.id, i.accounts.length]));
}

async function addAccount(
  url: string,
  person: SignedIn,
  imap: { port: number; user: string; password: string },
) {
  const res = await fetch(`${url}/api/account.add`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${person.token}` },
    body: JSON.stringify({
      email: person.email,
      imap: { host: '127.0.0.1', port: imap.port, security: 'none', user: imap.user },
      password: imap.password,
    }),
  });
  if (!res.ok) throw new Error(`account.add: ${res.status} ${await res.text()}`);
}

export async function syncAll(opts: {
  url: string;
  databaseUrl: string;
  appPassword: string;
  redisUrl: string;
  instances: number;
  people: SignedIn[];
  mailUsers: { user: string; password: string }[];
  imapPort: number;
  perAccount: number;
  timeoutMs: number;
}): Promise<SyncFigures> {
  const db = await openServerDatabase(opts.databaseUrl, { appPassword: opts.appPassword });
  const redis = new Redis(opts.redisUrl);
  const owners: Owner[] = opts.people.map((p) => p.owner);
  const total = opts.perAccount * opts.people.length;
  const counted = async () => {
    let messages = 0;
    let bodies = 0;
    for (const owner of owners) {
      const c = await db.storeFor(owner).messages.counts();
      messages += c.messages;
      bodies += c.bodies;
    }
    return { messages, bodies };
  };
  try {
    const started = performance.now();
    await Promise.all(
      opts.people.map((p, i) =>
        addAccount(opts.url, p, { port: opts.imapPort, ...opts.mailUsers[i]! }),
      ),
    );
    let headersSeconds = NaN;
    let leases: Record<string, number> = {};
    let leasesRead = false;
    const done = await waitFor(
      async () => {
        if (!leasesRead) {
          leases = await leaseSpread(redis);
          const held = Object.values(leases).reduce((a, b) => a + b, 0);
          leasesRead = held >= opts.people.length;
        }
        const c = await counted();
        if (Number.isNaN(headersSeconds) && c.messages >= total)
          headersSeconds = (performance.now() - started) / 1000;
        return c.messages >= total && c.bodies >= total;
      },
      opts.timeoutMs,
      250,
    );
    if (!done) {
      const c = await counted();
      throw new Error(
        `sync did not finish in ${opts.timeoutMs / 1000} s: ${c.messages} headers and ${c.bodies} bodies of ${total}`,
      );
    }
    return {
      instances: opts.instances,
      accounts: opts.people.length,
      messages: total,
      headersSeconds,
      bodiesSeconds: (performance.now() - started) / 1000,
      leases,
    };
  } finally {
    redis.disconnect();
    await db.close();
  }
}
