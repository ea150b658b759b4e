// Where the real servers are, and whether this run has them. The global setup probes once and
// records the answer in the environment; suites that need a server use describeWith*.
import net from 'node:net';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const postgresAvailable = () => process.env.TEST_POSTGRES_AVAILABLE === '1';
export const redisAvailable = () => process.env.TEST_REDIS_AVAILABLE === '1';

/** `describe` when the real PostgreSQL is there, otherwise a skipped suite (reported loudly by the global setup). */
export const describeWithPostgres: jest.Describe = ((name: string, fn: () => void) =>
  (postgresAvailable() ? describe : describe.skip)(`${name} [PostgreSQL]`, fn)) as jest.Describe;

export const describeWithRedis: jest.Describe = ((name: string, fn: () => void) =>
  (redisAvailable() ? describe : describe.skip)(`${name} [Redis]`, fn)) as jest.Describe;

/** A schema prefix unique to this test process, so parallel suites never share tables. */
export function uniqueSchemaPrefix(label: string): string {
  return `t_${label}_${process.pid}_${Date.now().toString(36)}_`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Drops every schema created under `prefix` on the real PostgreSQL (or the one at `url`). */
export async function dropSchemas(prefix: string, url = TEST_DATABASE_URL): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Runs one statement in the platform schema of a stack started with DB_SCHEMA_PREFIX=`prefix` on the real
 * PostgreSQL: how tests move a due date into the past or tamper with a record (the platform has no clock to set). */
export type PlatformSql = (text: string, params: unknown[]) => Promise<any[]>;
export function platformSql(prefix: string, url = TEST_DATABASE_URL): PlatformSql {
  return async (text, params) => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: url, options: `-c search_path=${prefix}platform` });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };
}
