// The server of many people does not let a person point an account at its own network: an
// IMAP server on loopback answers only where PRIVATE_MAIL_HOSTS allows it (here one Dovecot
// port), and every other loopback port (Postgres's, Redis's) is refused with 403 before a
// connection is made, by address and by name alike. Real `maildock serve`, Postgres, Redis
// and Dovecot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import {
  call,
  login,
  peopleCluster,
  value,
  type PeopleCluster,
  type ServeInstance,
} from '../support/people-serve.js';

const EMAIL = 'ana@acme.test';
const PASSWORD = 'correct horse battery staple';

describe('mail servers inside the server’s network', () => {
  let dovecot: DovecotServer;
  let cluster: PeopleCluster;
  let server: ServeInstance;
  let token: string;

  beforeAll(async () => {
    dovecot = await startDovecot();
    cluster = await peopleCluster([`PRIVATE_MAIL_HOSTS=127.0.0.1:${dovecot.port}`]);
    await cluster.addPerson('acme', EMAIL, PASSWORD);
    server = await cluster.start('only');
    token = (await login(server.base, EMAIL, PASSWORD)).token;
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await dovecot?.stop();
  });

  const account = (host: string, port: number) => ({
    email: `${dovecot.user}@maildock.test`,
    imap: { host, port, security: 'none', user: dovecot.user },
    password: dovecot.password,
  });

  it('tests the allowed Dovecot, and refuses Postgres’s and Redis’s ports on loopback', async () => {
    const ok = await value<{ capabilities: string[] }>(
      server.base,
      'account.test',
      account('127.0.0.1', dovecot.port),
      token,
    );
    expect(ok.capabilities).toContain('IMAP4rev1');

    for (const [method, host, port] of [
      ['account.test', '127.0.0.1', cluster.postgres.port],
      ['account.test', 'localhost', cluster.redis.port],
      ['account.add', 'localhost', cluster.postgres.port],
      ['account.add', '127.0.0.1', cluster.redis.port],
    ] as const) {
      const answer = await call(server.base, method, account(host, port), token);
      expect(answer.status, `${method} ${host}:${port}`).toBe(403);
      expect(answer.body).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', fields: { host, port } },
      });
      // Nothing in the answer tells whether something listens there.
      expect(answer.text).not.toMatch(/refused|timed out|greeting|IMAP4/i);
    }
    expect(await value<unknown[]>(server.base, 'account.list', {}, token)).toEqual([]);
  });

  it('refuses an edit that points an account’s IMAP or SMTP at Postgres’s or Redis’s port', async () => {
    const added = await value<{ id: number }>(
      server.base,
      'account.add',
      account('127.0.0.1', dovecot.port),
      token,
    );
    const smtp = { security: 'none', user: dovecot.user };
    for (const [edit, host, port] of [
      [
        { imap: account('127.0.0.1', cluster.postgres.port).imap },
        '127.0.0.1',
        cluster.postgres.port,
      ],
      [
        { smtp: { ...smtp, host: 'localhost', port: cluster.redis.port } },
        'localhost',
        cluster.redis.port,
      ],
    ] as const) {
      const answer = await call(server.base, 'account.update', { id: added.id, ...edit }, token);
      expect(answer.status, `${JSON.stringify(edit)}`).toBe(403);
      expect(answer.body).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', fields: { host, port } },
      });
    }
    expect(await value<unknown[]>(server.base, 'account.list', {}, token)).toEqual([added]);
  });
});
