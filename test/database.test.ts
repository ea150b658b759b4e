// The storage layer against both engines: the same migrations, bulk load and seeding rules.
import { openDatabase, type Database } from '../lib/db/database';
import { migrate } from '../lib/db/migrate';
import { seedTable } from '../subgraphs/common/seed';
import { selectList, type TableSpec } from '../subgraphs/common/table';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';

const TABLE: TableSpec = {
  name: 'thing',
  columns: [
    { column: 'code', field: 'code', type: 'text' },
    { column: 'born_on', field: 'bornOn', type: 'date' },
    { column: 'amount', field: 'amount', type: 'numeric' },
  ],
};
const MIGRATIONS = [
  { version: 1, name: 'thing', sql: 'CREATE TABLE thing (code text PRIMARY KEY, born_on date, amount numeric(18,2))' },
  { version: 2, name: 'thing_index', sql: 'CREATE INDEX thing_born_idx ON thing (born_on)' },
];

function storeSuite(open: () => Promise<Database>): void {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db?.close());

  it('applies migrations once, in order, and records them', async () => {
    expect(await migrate(db, MIGRATIONS)).toEqual([1, 2]);
    expect(await migrate(db, MIGRATIONS)).toEqual([]);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
  });

  it('rolls back a failing migration entirely', async () => {
    const bad = [{ version: 3, name: 'bad', sql: 'CREATE TABLE half (x int); SELECT no_such_column FROM thing' }];
    await expect(migrate(db, bad)).rejects.toThrow();
    const tables = await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'half'");
    expect(tables).toHaveLength(0);
    expect(await db.query('SELECT 1 FROM schema_migrations WHERE version = 3')).toHaveLength(0);
  });

  it('seeds a table in chunks once per fingerprint and reads rows back shaped as GraphQL objects', async () => {
    const rows = [
      { code: 'a', bornOn: '1990-01-02', amount: 12.5 },
      { code: 'b', bornOn: '2000-12-31', amount: null },
      { code: 'c', bornOn: '1949-10-01', amount: 1000000 },
    ];
    const chunks = [rows.slice(0, 2), rows.slice(2)];
    let progress = 0;
    expect(await seedTable(db, TABLE, 'f1', 3, chunks, (done) => (progress = done))).toBe('seeded');
    expect(progress).toBe(3);
    expect(await seedTable(db, TABLE, 'f1', 3, chunks)).toBe('present');
    expect(await db.query(`SELECT ${selectList(TABLE)} FROM thing ORDER BY code`)).toEqual(rows);
    expect(await seedTable(db, TABLE, 'f2', 1, [[rows[0]]])).toBe('seeded');
    expect(await db.query('SELECT code FROM thing')).toEqual([{ code: 'a' }]);
  });

  it('passes parameters safely: text that looks like SQL is just text', async () => {
    const rows = await db.query<{ x: string }>('SELECT $1::text AS x', ["'; DROP TABLE thing; --"]);
    expect(rows[0].x).toBe("'; DROP TABLE thing; --");
    expect(await db.query('SELECT count(*)::int AS n FROM thing')).toEqual([{ n: 1 }]);
  });
}

describe('database on PGlite', () => {
  storeSuite(() => openDatabase({ schema: 'store_test' }));
});

describeWithPostgres('database', () => {
  const prefix = uniqueSchemaPrefix('db');
  storeSuite(() => openDatabase({ url: TEST_DATABASE_URL, schema: `${prefix}store` }));
  afterAll(() => dropSchemas(prefix));
});
