import type { Migration } from '../../lib/db/migrate';

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
];
