import type { Migration } from '../../lib/db/migrate';
import { divisionCountMigration, type CountedTable } from '../common/division-counts';

export const LEGAL_ENTITY_COUNTED: CountedTable = { table: 'legal_entity' };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'legal_entity',
    sql: `
      CREATE TABLE legal_entity (
        credit_code text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL,
        legal_representative_id_number text NOT NULL,
        registered_capital numeric(18, 2),
        established_date date NOT NULL,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'DEREGISTERED', 'REVOKED')),
        address text NOT NULL,
        division_code text NOT NULL CHECK (division_code ~ '^[0-9]{6}$'),
        business_scope text NOT NULL,
        registration_authority text NOT NULL
      );
      CREATE INDEX legal_entity_division_idx ON legal_entity (division_code text_pattern_ops, credit_code);
      -- The person it references lives in another subgraph's database: indexed, not a foreign key.
      CREATE INDEX legal_entity_representative_idx ON legal_entity (legal_representative_id_number);
    `,
  },
  {
    version: 2,
    name: 'legal entity listings at any scale',
    // Issue 19: as the population's version 2 — collation "C" codes, one (division_code, credit_code)
    // btree for prefix match and keyset order, maintained counts per division.
    sql: `
      DROP INDEX legal_entity_division_idx;
      ALTER TABLE legal_entity ALTER COLUMN division_code TYPE text COLLATE "C", ALTER COLUMN credit_code TYPE text COLLATE "C";
      CREATE INDEX legal_entity_division_idx ON legal_entity (division_code, credit_code);
      ${divisionCountMigration(LEGAL_ENTITY_COUNTED)}
    `,
  },
];
