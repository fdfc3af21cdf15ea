// A floor's server (floor.ts), in a process of its own as a Maildock instance is, so that it
// shares no thread with autocannon: FLOOR=select1 answers from one `SELECT 1`; FLOOR=page
// with message.list's own statement in the person's transaction; FLOOR=search with the
// store's own search and the summaries of its hits, in the person's reading transaction.
// Prints its port, then serves until killed.
import Fastify from 'fastify';
import pg from 'pg';
import { appRoleName } from '../../main/core/store/postgres/app-role.js';
import { startupOptions } from '../../main/core/store/postgres/connect.js';
import { Db, readingTogether, types, type Scope } from '../../main/core/store/postgres/db.js';
import { MessageLists, pageSql } from '../../main/core/store/postgres/message-lists.js';
import { SearchRepo } from '../../main/core/store/postgres/search.js';

const url = process.env.FLOOR_DATABASE_URL!;
const floor = process.env.FLOOR;

function idOf(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new Error('not an id');
  return n;
}

const pool =
  floor === 'page' || floor === 'search'
    ? new pg.Pool({
        connectionString: url,
        // As the store connects: the application role, pipelined.
        options: startupOptions({ role: appRoleName(new URL(url).pathname.slice(1)) }),
        max: 10,
        pipeline: true,
        // The store's own parsers: bigint columns (ids, dates) as numbers.
        types,
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

/** As the store answers message.search, without the API around it: no token, no contract. */
async function searchOf(b: Record<string, unknown>) {
  const scope: Scope = { tenantId: idOf(b.tenantId), userId: idOf(b.userId) };
  if (typeof b.query !== 'string') throw new Error('no query');
  const query = b.query;
  const db = Db.overPool(pool, scope);
  return readingTogether(pool, scope, async () => {
    const found = await new SearchRepo(db).search(query, { limit: 50 });
    const messages = await new MessageLists(db).summaries(found.hits.map((h) => h.id));
    return { hits: found.hits, messages };
  });
}

// FLOOR_LOG=1 logs every request and error to stderr (stdout carries the port).
const app = Fastify({ logger: process.env.FLOOR_LOG === '1' ? { stream: process.stderr } : false });
app.post('/api/floor', async () => ({
  ok: true,
  value: (await pool.query('SELECT 1 AS one')).rows,
}));
app.post('/api/floor.page', async (req) => ({
  ok: true,
  value: await pageOf(req.body as Record<string, unknown>),
}));
app.post('/api/floor.search', async (req) => ({
  ok: true,
  value: await searchOf(req.body as Record<string, unknown>),
}));
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`,
);
