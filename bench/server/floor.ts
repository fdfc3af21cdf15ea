// The floors under the server's figures: bare fastify servers (floor-server.ts), each in a
// process of its own started with the instances' Node flags, driven by the same autocannon
// clients as Maildock:
// - `floor`: every request answered from one `SELECT 1` from a pg pool on the same Postgres:
//   what any Node server on this machine pays for HTTP and one database round trip;
// - `floor.page`: every request answered with the rows of message.list's own statement
//   (the page of 50, counted) in the person's row-level-security transaction, as the store
//   runs it (pipelined, prepared, as the application role) and sent as they come: no token,
//   no contract, no summaries. What a server answering that page pays here at the least.
// - `floor.search`: every request answered with what the store's own search returns (the
//   hits with their snippets, and the summaries of their messages) for the load's queries,
//   in the person's reading transaction: no token, no contract.
// The distance from them to message.list and message.search is Maildock's own cost per
// request.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PostgresServer } from '../../test/support/postgres.js';
import { SERVER_NODE_FLAGS, outliving } from './instances.js';
import { load, type LoadFigures, type SignedIn } from './load.js';

interface FloorOptions {
  connections: number;
  seconds: number;
  people: SignedIn[];
}

async function floorLoad(
  floor: 'select1' | 'page' | 'search',
  databaseUrl: string,
  body: (p: SignedIn, n: number) => Record<string, number | string>,
  opts: FloorOptions,
): Promise<LoadFigures> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...SERVER_NODE_FLAGS, path.join(import.meta.dirname, 'floor-server.ts')],
    {
      env: { ...process.env, FLOOR: floor, FLOOR_DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  outliving(child);
  try {
    const [line] = (await Promise.race([
      once(createInterface({ input: child.stdout! }), 'line'),
      once(child, 'exit').then(() => {
        throw new Error(`the ${floor} floor's server ended before it listened`);
      }),
    ])) as [string];
    const { port } = JSON.parse(line) as { port: number };
    return await load({
      url: `http://127.0.0.1:${port}`,
      target: 'direct',
      instances: 0,
      method: floor === 'select1' ? 'floor' : `floor.${floor}`,
      people: opts.people,
      body,
      connections: opts.connections,
      seconds: opts.seconds,
    });
  } finally {
    child.kill();
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
}

export async function floorPhase(
  postgres: PostgresServer,
  opts: FloorOptions,
): Promise<LoadFigures> {
  return floorLoad('select1', await postgres.createDatabase('bench_floor'), () => ({}), opts);
}

/** databaseUrl: the seeded database, as its owner (who may take the application role). */
export async function floorPagePhase(
  databaseUrl: string,
  opts: FloorOptions,
): Promise<LoadFigures> {
  return floorLoad(
    'page',
    databaseUrl,
    (p) => ({ tenantId: p.owner.tenantId, userId: p.owner.userId, box: p.inboxId }),
    opts,
  );
}

/** The search's floor, over the seeded database, for the load's own queries. */
export async function floorSearchPhase(
  databaseUrl: string,
  queries: readonly string[],
  opts: FloorOptions,
): Promise<LoadFigures> {
  return floorLoad(
    'search',
    databaseUrl,
    (p, n) => ({
      tenantId: p.owner.tenantId,
      userId: p.owner.userId,
      query: queries[n % queries.length]!,
    }),
    opts,
  );
}
