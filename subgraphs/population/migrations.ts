import type { Migration } from '../../lib/db/migrate';

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
];
