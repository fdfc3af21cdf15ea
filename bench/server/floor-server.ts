// A floor's server (floor.ts), in a process of its own as a Maildock instance is, so that it
// shares no thread with autocannon: FLOOR=select1 answers from one `SELECT 1`; FLOOR=page
// with message.list's own statement in the person's transaction. Prints its port, then
// serves until killed.
import Fastify from 'fastify';
import pg from 'pg';
import { appRoleName } from '../../main/core/store/postgres/app-role.js';
import { startupOptions } from '../../main/core/store/postgres/connect.js';
import { pageSql } from '../../main/core/store/postgres/message-lists.js';

const url = process.env.FLOOR_DATABASE_URL!;
const floor = process.env.FLOOR;

function idOf(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new Error('not an id');
  return n;
}

const pool =
  floor === 'page'
    ? new pg.Pool({
        connectionString: url,
        // As the store connects: the application role, pipelined.
        options: startupOptions({ role: appRoleName(new URL(url).pathname.slice(1)) }),
        max: 10,
        pipeline: true,
      })
    : new pg.Pool({ connectionString: url, max: 10 });
const page = { name: 'floor_page', text: pageSql(false, false, true) };

async function pageOf(b: Record<string, unknown>) {
  const client = await pool.connect();
  try {
    const began = client.query(
      `BEGIN; SET LOCAL maildock.tenant_id = '${idOf(b.tenantId)}'; ` +
        `SET LOCAL maildock.user_id = '${idOf(b.userId)}'`,
    );
    const rows = client.query({ ...page, values: [idOf(b.box), Number.MAX_SAFE_INTEGER, 50, 0] });
    await began;
    const { rows: messages } = await rows;
    await client.query('COMMIT');
    return { messages };
  } finally {
    client.release();
  }
}

const app = Fastify();
app.post('/api/floor', async () => ({
  ok: true,
  value: (await pool.query('SELECT 1 AS one')).rows,
}));
app.post('/api/floor.page', async (req) => ({
  ok: true,
  value: await pageOf(req.body as Record<string, unknown>),
}));
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`,
);
