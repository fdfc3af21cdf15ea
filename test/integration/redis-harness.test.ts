// The private-Redis harness, proven against the real server: it answers on its loopback port
// only, two of them keep their data apart, and once stopped neither its process, its port nor
// its temp folder is left.
import { existsSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupAlive, portAnswers, portIsFree } from '../support/processes.js';
import { redisPid, startRedis, type RedisServer } from '../support/redis.js';

/** Local addresses of the TCP sockets listening on `port` (hex, as /proc/net/tcp* shows them). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      // 0A is LISTEN.
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local);
    }
  }
  return found;
}

describe('a private Redis for tests', () => {
  let first: RedisServer;
  let second: RedisServer;
  const clients: Redis[] = [];
  const client = (server: RedisServer) => {
    const c = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    [first, second] = await Promise.all([startRedis(), startRedis()]);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await first?.stop();
    await second?.stop();
  });

  it('answers PING on 127.0.0.1 only, with nothing saved to disk', async () => {
    expect(first.url).toBe(`redis://127.0.0.1:${first.port}`);
    const redis = client(first);
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    // 0100007F is 127.0.0.1 as /proc/net/tcp writes it.
    expect(listeners(first.port)).toEqual([`0100007F:${first.port.toString(16).toUpperCase()}`]);
    expect(await redis.config('GET', 'save')).toEqual(['save', '']);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
  });

  it('keeps two instances apart', async () => {
    expect(second.port).not.toBe(first.port);
    const a = client(first);
    const b = client(second);
    await Promise.all([a.connect(), b.connect()]);
    await a.set('maildock:test', 'first');
    await b.set('maildock:test', 'second');
    expect(await a.get('maildock:test')).toBe('first');
    expect(await b.get('maildock:test')).toBe('second');
    await a.set('maildock:only-first', '1');
    expect(await b.exists('maildock:only-first')).toBe(0);
  });

  it('leaves no process, port or folder behind when stopped', async () => {
    const server = await startRedis();
    const pid = await redisPid(server.port);
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(server.root)).toBe(true);
    await server.stop();
    expect(groupAlive(pid!)).toBe(false);
    expect(await portAnswers(server.port)).toBe(false);
    expect(await portIsFree(server.port)).toBe(true);
    expect(existsSync(server.root)).toBe(false);
  });
});
