import type { Migration } from '../../lib/db/migrate';
import { divisionCountMigration, type CountedTable } from '../common/division-counts';

export const PERSON_COUNTED: CountedTable = { table: 'person' };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'person',
    sql: `
      CREATE TABLE person (
        id_number text PRIMARY KEY,
        name text NOT NULL,
        gender text NOT NULL CHECK (gender IN ('MALE', 'FEMALE')),
        birth_date date NOT NULL,
        ethnicity text NOT NULL,
        household_address text NOT NULL,
        division_code text NOT NULL CHECK (division_code ~ '^[0-9]{6}$'),
        phone text,
        status text NOT NULL CHECK (status IN ('ALIVE', 'DECEASED', 'EMIGRATED')),
        household_number text NOT NULL
      );
      -- text_pattern_ops serves the prefix match of division listings (province / prefecture / county).
      CREATE INDEX person_division_idx ON person (division_code text_pattern_ops, id_number);
      CREATE INDEX person_household_idx ON person (household_number);
    `,
  },
  {
    version: 2,
    name: 'person listings at any scale',
    // Issue 19: codes compare byte by byte (collation "C"), so one plain btree on (division_code,
    // id_number) serves both a division's prefix match and the listing's keyset order; the counts
    // per division make totalCount a sum over divisions instead of a count over records.
    sql: `
      DROP INDEX person_division_idx;
      ALTER TABLE person ALTER COLUMN division_code TYPE text COLLATE "C", ALTER COLUMN id_number TYPE text COLLATE "C";
      CREATE INDEX person_division_idx ON person (division_code, id_number);
      ${divisionCountMigration(PERSON_COUNTED)}
    `,
  },
];
