// The floor under the server's figures: a bare fastify answering every request with one
// `SELECT 1` from a pg pool, on the same Postgres, driven by the same autocannon clients.
// What any Node server on this machine pays for HTTP and one database round trip; the
// distance from it to message.list is Maildock's own cost per request.
import Fastify from 'fastify';
import pg from 'pg';
import type { PostgresServer } from '../../test/support/postgres.js';
import { load, type LoadFigures, type SignedIn } from './load.js';

export async function floorPhase(
  postgres: PostgresServer,
  opts: { connections: number; seconds: number; people: SignedIn[] },
): Promise<LoadFigures> {
  const url = await postgres.createDatabase('bench_floor');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const app = Fastify();
  app.post('/api/floor', async () => ({
    ok: true,
    value: (await pool.query('SELECT 1 AS one')).rows,
  }));
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    return await load({
      url: `http://127.0.0.1:${port}`,
      target: 'direct',
      instances: 0,
      method: 'floor',
      people: opts.people,
      body: () => ({}),
      connections: opts.connections,
      seconds: opts.seconds,
    });
  } finally {
    await app.close();
    await pool.end();
  }
}
