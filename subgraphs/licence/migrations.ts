import type { Migration } from '../../lib/db/migrate';
import { divisionCountMigration, type CountedTable } from '../common/division-counts';

export const LICENCE_COUNTED: CountedTable = { table: 'licence', facetColumn: 'type' };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'licence',
    sql: `
      CREATE TABLE licence (
        number text PRIMARY KEY,
        type text NOT NULL,
        holder_kind text NOT NULL CHECK (holder_kind IN ('PERSON', 'LEGAL_ENTITY')),
        holder_id text NOT NULL,
        issuing_authority text NOT NULL,
        issued_on date NOT NULL,
        valid_until date,
        status text NOT NULL CHECK (status IN ('VALID', 'EXPIRED', 'REVOKED')),
        division_code text NOT NULL CHECK (division_code ~ '^[0-9]{6}$')
      );
      -- Holders live in other subgraphs' databases: indexed references, not foreign keys.
      CREATE INDEX licence_holder_idx ON licence (holder_kind, holder_id);
      CREATE INDEX licence_division_idx ON licence (division_code text_pattern_ops, number);
      CREATE INDEX licence_type_idx ON licence (type);
    `,
  },
  {
    version: 2,
    name: 'licence listings at any scale',
    // Issue 19: as the population's version 2, plus a (type, division_code, number) btree for the
    // listing filtered by type (it replaces the index on type alone), and counts per division × type.
    sql: `
      DROP INDEX licence_division_idx;
      DROP INDEX licence_type_idx;
      ALTER TABLE licence ALTER COLUMN division_code TYPE text COLLATE "C", ALTER COLUMN number TYPE text COLLATE "C";
      CREATE INDEX licence_division_idx ON licence (division_code, number);
      CREATE INDEX licence_type_division_idx ON licence (type, division_code, number);
      ${divisionCountMigration(LICENCE_COUNTED)}
    `,
  },
];
