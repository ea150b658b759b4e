// npm run seed [-- --scale 50] — loads the synthetic data of every domain into its database
// (DATABASE_URL, or PGLITE_DIR) ahead of time, with a progress bar: at scale 50 (1M persons) this
// takes minutes, and the subgraphs then start at once because the data is already there.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { openDatabase } from '../lib/db/database';
import { migrate } from '../lib/db/migrate';
import { legalEntityDomain } from '../subgraphs/legal-entity/main';
import { licenceDomain } from '../subgraphs/licence/main';
import { populationDomain } from '../subgraphs/population/main';
import { readSubgraphSettings } from '../subgraphs/common/settings';
import { sizeForScale } from '../subgraphs/seed/generator';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scale: { type: 'string' } } });
  if (values.scale) process.env.DATA_SCALE = values.scale;
  if (!process.env.DATABASE_URL && !process.env.PGLITE_DIR) {
    console.error('Set DATABASE_URL (PostgreSQL) or PGLITE_DIR (embedded, on disk): in memory the data would vanish on exit.');
    process.exit(2);
  }
  const domains = [populationDomain, legalEntityDomain, licenceDomain] as const;
  const size = sizeForScale(Number(process.env.DATA_SCALE ?? 1));
  console.log(`seeding ${size.persons} persons, ${size.legalEntities} legal entities, ${size.licences} licences`);
  for (const domain of domains) {
    const settings = readSubgraphSettings(domain.info);
    const db = await openDatabase({ url: settings.databaseUrl, schema: settings.dbSchema, pgliteDir: settings.pgliteDir });
    await migrate(db, domain.migrations);
    const bar = new cliProgress.SingleBar(
      { format: ` ${domain.info.name.padEnd(12)} |{bar}| {percentage}% {value}/{total} rows, {duration_formatted}`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0);
    let seeded = false;
    await domain.seed(db, settings, (done, total) => {
      seeded = true;
      bar.setTotal(total);
      bar.update(done);
    });
    bar.stop();
    if (!seeded) console.log(`   ${domain.info.name}: already seeded with this seed and size`);
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
