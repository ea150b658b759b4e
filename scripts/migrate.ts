// npm run migrate (production: node dist/scripts/migrate.js): brings every subgraph's database schema to
// its latest migration, the one place the schema changes in production — a starting replica only checks
// (subgraphs/common/run-subgraph.ts). Same settings as the subgraphs (DATABASE_URL, DB_SCHEMA_PREFIX,
// PGLITE_DIR); `--only name,name` for some of them.
import { parseArgs } from 'node:util';
import { openDatabase } from '../lib/db/database';
import { migrate, type Migration } from '../lib/db/migrate';
import { SUBGRAPHS } from '../subgraphs/registry';
import { readSubgraphSettings } from '../subgraphs/common/settings';
import { MIGRATIONS as POPULATION } from '../subgraphs/population/migrations';
import { MIGRATIONS as LEGAL_ENTITY } from '../subgraphs/legal-entity/migrations';
import { MIGRATIONS as LICENCE } from '../subgraphs/licence/migrations';
import { MIGRATIONS as PLATFORM } from '../subgraphs/platform/migrations';

const MIGRATIONS: Record<string, readonly Migration[]> = { population: POPULATION, 'legal-entity': LEGAL_ENTITY, licence: LICENCE, platform: PLATFORM };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const only = values.only?.split(',').map((s) => s.trim());
  for (const info of SUBGRAPHS) {
    if (only && !only.includes(info.name)) continue;
    const migrations = MIGRATIONS[info.name];
    if (!migrations) throw new Error(`no migrations known for subgraph ${info.name}: add them to scripts/migrate.ts`);
    const settings = readSubgraphSettings(info);
    const db = await openDatabase({ url: settings.databaseUrl, schema: settings.dbSchema, pgliteDir: settings.pgliteDir });
    try {
      const applied = await migrate(db, migrations);
      console.log(JSON.stringify({ event: 'migrated', subgraph: info.name, schema: settings.dbSchema, engine: db.kind, applied }));
    } finally {
      await db.close();
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
