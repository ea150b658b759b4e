// npm run bench:aggregates -- --data-db URL [--schema-prefix P] [--rounds N] — how long the aggregate
// products of authorized operation (README, Authorized operation) take over a seeded data set: each
// product's GROUP BY in its domain's own database plus the release on the fixed grid, exactly as the
// subgraphs run them (the same functions), without HTTP. Read only: the data set must be seeded first
// (`DATABASE_URL=URL npm run seed -- --scale 50` for 1M persons). Goal: under 2 s each over 1M persons.
// Prints medians and maxima and writes bench/results/aggregates.json.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../lib/db/database';
import { SUBGRAPHS } from '../subgraphs/registry';
import { countPersons } from '../subgraphs/population/resolvers';
import { countLegalEntities } from '../subgraphs/legal-entity/resolvers';
import { countLicences } from '../subgraphs/licence/resolvers';
import { max, median } from './stats';

const GOAL_MS = 2000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-db': { type: 'string' }, 'schema-prefix': { type: 'string' }, rounds: { type: 'string' } } });
  const url = values['data-db'] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error('Give the seeded PostgreSQL database: --data-db postgres://… (or DATABASE_URL).');
    process.exit(2);
  }
  const rounds = Number(values.rounds ?? 5);
  const prefix = values['schema-prefix'] ?? process.env.DB_SCHEMA_PREFIX ?? '';
  const schemaOf = (name: string) => `${prefix}${SUBGRAPHS.find((s) => s.name === name)!.dbSchema}`;
  const dbs: Record<string, Database> = {
    population: await openDatabase({ url, schema: schemaOf('population'), poolSize: 2 }),
    'legal-entity': await openDatabase({ url, schema: schemaOf('legal-entity'), poolSize: 2 }),
    licence: await openDatabase({ url, schema: schemaOf('licence'), poolSize: 2 }),
  };
  const [{ persons }] = await dbs.population.query<{ persons: number }>('SELECT count(*)::int AS persons FROM person');
  const [{ entities }] = await dbs['legal-entity'].query<{ entities: number }>('SELECT count(*)::int AS entities FROM legal_entity');
  const [{ licences }] = await dbs.licence.query<{ licences: number }>('SELECT count(*)::int AS licences FROM licence');
  console.log(`data set: ${persons} persons, ${entities} legal entities, ${licences} licences (${rounds} rounds per product)`);

  const cases: { name: string; run: () => Promise<{ cells: { suppressed: boolean }[] }> }[] = [
    { name: 'personCounts 530000 (Yunnan)', run: () => countPersons(dbs.population, { divisionCode: '530000' }) },
    { name: 'personCounts 510000 (Sichuan)', run: () => countPersons(dbs.population, { divisionCode: '510000' }) },
    { name: 'personCounts 530100 (Kunming)', run: () => countPersons(dbs.population, { divisionCode: '530100' }) },
    { name: 'personCounts 530102 (Wuhua), one band', run: () => countPersons(dbs.population, { divisionCode: '530102', ageBands: ['AGE_30_44'] }) },
    { name: 'legalEntityCounts 530000', run: () => countLegalEntities(dbs['legal-entity'], { divisionCode: '530000' }) },
    { name: 'licenceCounts 530000', run: () => countLicences(dbs.licence, { divisionCode: '530000' }) },
  ];
  const results = [];
  for (const c of cases) {
    const ms: number[] = [];
    let cells = 0;
    let suppressed = 0;
    for (let round = 0; round < rounds; round += 1) {
      const started = performance.now();
      const table = await c.run();
      ms.push(performance.now() - started);
      cells = table.cells.length;
      suppressed = table.cells.filter((cell) => cell.suppressed).length;
    }
    const row = { product: c.name, medianMs: Math.round(median(ms)), maxMs: Math.round(max(ms)), cells, suppressed, underGoal: max(ms) < GOAL_MS };
    results.push(row);
    console.log(`${c.name.padEnd(40)} median ${String(row.medianMs).padStart(6)} ms  max ${String(row.maxMs).padStart(6)} ms  ${cells} cells, ${suppressed} suppressed${row.underGoal ? '' : '  OVER THE 2 s GOAL'}`);
  }
  const file = path.resolve(__dirname, 'results/aggregates.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), dataSet: { persons, entities, licences }, rounds, goalMs: GOAL_MS, results }, null, 2)}\n`);
  console.log(`wrote ${file}`);
  for (const db of Object.values(dbs)) await db.close();
  if (results.some((r) => !r.underGoal)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
