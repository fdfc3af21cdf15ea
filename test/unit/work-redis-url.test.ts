// The Redis URL of the server's work: parsed into connection options for our client and
// BullMQ's, and refused with an error that never repeats the password.
import { describe, expect, it } from 'vitest';
import { KEYS, redisTarget } from '../../main/server/work/redis.js';

describe('redisTarget', () => {
  it('reads host, port, database, user and password', () => {
    expect(redisTarget('redis://worker:s%40cret@127.0.0.1:6380/2')).toEqual({
      host: '127.0.0.1',
      port: 6380,
      db: 2,
      username: 'worker',
      password: 's@cret',
    });
    expect(redisTarget('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(redisTarget('rediss://cache.example:6390')).toMatchObject({ tls: {} });
  });

  it('refuses what is not a Redis URL, without echoing its password', () => {
    for (const bad of ['http://user:hunter2@host', 'hunter2', 'redis://:hunter2@host/x']) {
      let caught: unknown;
      try {
        redisTarget(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ code: 'INVALID_INPUT' });
      expect(JSON.stringify(caught) + String((caught as Error).message)).not.toContain('hunter2');
    }
  });

  it("names an account's keys by its tenant and user too", () => {
    const ref = { accountId: 5, owner: { tenantId: 2, userId: 9 } };
    expect(KEYS.lease(ref)).toBe('maildock:lease:2:9:5');
    expect(KEYS.kick(ref)).toBe('maildock:kick:2:9:5');
    expect(KEYS.lease({ ...ref, owner: { tenantId: 3, userId: 9 } })).not.toBe(KEYS.lease(ref));
  });
});
