// Forward-only migrations, applied in order and recorded, identical on PostgreSQL and PGlite.
import type { Database } from './database';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function migrate(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  return db.withLock(`migrate:${db.schema}`, async () => {
    await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      // The record goes in the same transaction as the change: a crash leaves neither or both.
      const record = `INSERT INTO schema_migrations (version, name) VALUES (${Number(migration.version)}, '${migration.name.replace(/'/g, "''")}')`;
      await db.exec(`BEGIN; ${migration.sql}; ${record}; COMMIT;`).catch(async (error) => {
        await db.exec('ROLLBACK').catch(() => undefined);
        throw error;
      });
      applied.push(migration.version);
    }
    return applied;
  });
}

/** Versions not yet applied (production checks this at start instead of migrating). */
export async function pendingMigrations(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  const [table] = await db.query<{ name: string | null }>(`SELECT to_regclass('schema_migrations')::text AS name`);
  const done = new Set(table?.name ? (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version) : []);
  return migrations.map((m) => m.version).filter((v) => !done.has(v)).sort((a, b) => a - b);
}
