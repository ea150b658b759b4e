// Loads generated records into a table once per (seed, size): restarts reuse what is there, a new
// seed or scale replaces what the seeder put there (never records it did not). Runs under an advisory lock so replicas starting together seed once.
import type { Database } from '../../lib/db/database';
import { bulkInsertSql, type TableSpec } from './table';

export type Progress = (done: number, total: number) => void;

export async function seedTable(
  db: Database,
  table: TableSpec,
  fingerprint: string,
  total: number,
  chunks: Iterable<readonly object[]>,
  progress?: Progress,
): Promise<'seeded' | 'present'> {
  return db.withLock(`seed:${db.schema}.${table.name}`, async () => {
    await db.exec(`CREATE TABLE IF NOT EXISTS seed_state (table_name text PRIMARY KEY, fingerprint text NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`);
    const [state] = await db.query<{ fingerprint: string }>('SELECT fingerprint FROM seed_state WHERE table_name = $1', [table.name]);
    if (state?.fingerprint === fingerprint) return 'present';
    // Only what the seeder put there is ever replaced: a table holding rows it did not record (data
    // loaded otherwise) is left alone and the start refused.
    if (!state && (await db.query(`SELECT 1 FROM ${table.name} LIMIT 1`)).length) {
      throw new Error(`${db.schema}.${table.name} holds records the development seeder did not put there: refusing to replace them (run with NODE_ENV=production, which seeds nothing, or use another DB_SCHEMA_PREFIX)`);
    }
    await db.exec(`TRUNCATE ${table.name}`);
    const insert = bulkInsertSql(table);
    let done = 0;
    for (const chunk of chunks) {
      await db.query(insert, [JSON.stringify(chunk)]);
      done += chunk.length;
      progress?.(done, total);
    }
    await db.exec(`ANALYZE ${table.name}`);
    await db.query(
      `INSERT INTO seed_state (table_name, fingerprint) VALUES ($1, $2)
       ON CONFLICT (table_name) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, seeded_at = now()`,
      [table.name, fingerprint],
    );
    return 'seeded';
  });
}
