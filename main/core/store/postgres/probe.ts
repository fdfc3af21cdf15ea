// Whether a Postgres server answers a query as a given user: the bundled stack's health
// probe asks this of its Postgres.
export interface PostgresProbe {
  host: string;
  port: number;
  user: string;
  database: string;
  password: string;
  signal: AbortSignal;
}

export async function probePostgres(p: PostgresProbe): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    host: p.host,
    port: p.port,
    user: p.user,
    database: p.database,
    password: p.password,
    connectionTimeoutMillis: 2000,
  });
  p.signal.addEventListener('abort', () => void client.end().catch(() => {}));
  try {
    await client.connect();
    const r = await client.query<{ one: number }>('SELECT 1 AS one');
    if (r.rows[0]?.one !== 1) throw new Error('SELECT 1 did not answer 1');
  } finally {
    await client.end().catch(() => {});
  }
}
