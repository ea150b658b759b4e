// One SQL interface over two engines: PostgreSQL (through `pg`) when a URL is configured, PGlite
// (embedded, WASM Postgres) otherwise — so the same SQL and migrations run in production and on a
// laptop with nothing installed. Every database user lives in its own schema.
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { createLogger, storeErrorLogger } from '../log';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly schema: string;
  /** Runs one parameterised statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` holding a session-level advisory lock, so concurrent starters do not race. */
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… — when absent, PGlite is used. */
  url?: string;
  /** Schema name; created when missing. */
  schema: string;
  /** PGlite data directory; in memory when absent. */
  pgliteDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid schema name: ${options.schema}`);
  return options.url ? openPostgres(options.url, options.schema, options.poolSize ?? 10) : openPglite(options.schema, options.pgliteDir);
}

function lockId(key: string): number {
  let hash = 0;
  for (const ch of key) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return hash;
}

async function openPostgres(url: string, schema: string, poolSize: number): Promise<Database> {
  // Bounded waits: a server that hangs or vanishes costs a request a few seconds, not forever.
  const pool = new Pool({ connectionString: url, max: poolSize, options: `-c search_path=${schema}`, connectionTimeoutMillis: 5000, query_timeout: 60_000, keepAlive: true });
  // A broken connection must not crash the process, idle (the pool's event) or checked out (the
  // client's): the query running on it reports the error, and the connection is not reused.
  const logged = storeErrorLogger(createLogger('database'), `postgres (schema ${schema})`);
  pool.on('error', logged);
  pool.on('connect', (client) => void client.on('error', logged));
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((error: { code?: string }) => {
    if (error.code !== '23505' && error.code !== '42P06') throw error; // concurrent creation
  });
  return {
    kind: 'postgres',
    schema,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query(sql, params as unknown[]);
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as Row[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          failure = rollbackError; // the connection itself is broken
        });
        throw error;
      } finally {
        // A connection that failed to roll back is discarded, not handed to the next request.
        client.release(failure);
      }
    },
    async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        await client.query('SELECT pg_advisory_lock($1)', [lockId(key)]);
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [lockId(key)]).catch((error: Error) => {
            failure = error;
            throw error;
          });
        }
      } catch (error) {
        failure ??= error as Error;
        throw error;
      } finally {
        // Discarded on failure: a session that may still hold the lock must not be reused (closing it frees the lock).
        client.release(failure);
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(schema: string, dir?: string): Promise<Database> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const db = new PGlite(dir);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);
  return {
    kind: 'pglite',
    schema,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    transaction: <T>(work: (tx: Queryable) => Promise<T>) =>
      db.transaction((tx) => work({ query: async <Row>(sql: string, params: readonly unknown[] = []) => (await tx.query<Row>(sql, params as unknown[])).rows })),
    // One process owns a PGlite database, so there is no one to race with.
    withLock: <T>(_key: string, work: () => Promise<T>) => work(),
    close: () => db.close(),
  };
}
