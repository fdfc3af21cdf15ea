// The server of many people when its Postgres goes away and comes back: every request, the
// signed-in ones (whose session is checked in Postgres first) and sign-in itself, is answered
// 503 STORE_UNAVAILABLE with Retry-After, not a 500 "something went wrong"; /health says so
// to the balancer; and the same instance serves again once Postgres is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/processes.js';
import {
  call,
  login,
  peopleCluster,
  type PeopleCluster,
  type ServeInstance,
} from '../support/people-serve.js';

const PERSON = { email: 'ola@acme.test', password: 'ola-password-Qz81' };

describe('the server of many people while its database is away', () => {
  let cluster: PeopleCluster;
  let instance: ServeInstance;

  beforeAll(async () => {
    cluster = await peopleCluster();
    await cluster.addPerson('acme', PERSON.email, PERSON.password);
    instance = await cluster.start('one');
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers 503 STORE_UNAVAILABLE with Retry-After, then serves again', async () => {
    const { token } = await login(instance.base, PERSON.email, PERSON.password);
    expect((await call(instance.base, 'mailbox.list', {}, token)).status).toBe(200);

    await cluster.postgres.stop({ keepData: true });
    try {
      const listed = await call(instance.base, 'mailbox.list', {}, token);
      const signIn = await call(instance.base, 'auth.login', PERSON);
      for (const answer of [listed, signIn]) {
        expect(answer.status, answer.text).toBe(503);
        expect(answer.body).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
        expect(answer.headers.get('retry-after')).toBe('5');
        // The database's address stays inside.
        expect(answer.text).not.toContain(String(new URL(cluster.databaseUrl).port));
      }
      expect((await fetch(`${instance.base}health`)).status).toBe(503);
    } finally {
      await cluster.postgres.start();
    }

    expect(
      await waitFor(
        async () => (await call(instance.base, 'mailbox.list', {}, token)).status === 200,
        20_000,
      ),
    ).toBe(true);
    expect((await call(instance.base, 'auth.login', PERSON)).status).toBe(200);
    expect((await fetch(`${instance.base}health`)).status).toBe(200);
  }, 60_000);
});
