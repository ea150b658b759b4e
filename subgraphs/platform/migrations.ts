import type { Migration } from '../../lib/db/migrate';
import { GENESIS_HASH } from '../../lib/audit/chain';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit_log',
    sql: `
      -- One row per request or control action, partitioned by month (kept >= 5 years; a closed month
      -- can be exported and detached as a unit). seq orders the hash chain across every replica.
      CREATE TABLE audit_record (
        seq bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        request_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('query', 'control')),
        gateway_instance text NOT NULL,
        caller_kind text NOT NULL,
        operator text,
        institution text,
        roles text[] NOT NULL,
        scenario text,
        grant_ids text[] NOT NULL,
        operation_name text,
        operation_hash text,
        fields_returned text[] NOT NULL,
        fields_masked text[] NOT NULL,
        fields_denied text[] NOT NULL,
        datasets text[] NOT NULL,
        subjects text[] NOT NULL,
        decision text NOT NULL,
        error_codes text[] NOT NULL,
        latency_ms integer NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (seq, recorded_at)
      ) PARTITION BY RANGE (recorded_at);
      CREATE TABLE audit_record_default PARTITION OF audit_record DEFAULT;
      CREATE INDEX audit_record_institution_idx ON audit_record (institution, recorded_at);
      CREATE INDEX audit_record_time_idx ON audit_record (recorded_at);
      CREATE INDEX audit_record_subjects_idx ON audit_record USING gin (subjects);
      CREATE INDEX audit_record_datasets_idx ON audit_record USING gin (datasets);
      CREATE TABLE audit_chain_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL);
      INSERT INTO audit_chain_head VALUES (1, 0, '${GENESIS_HASH}');
    `,
  },
];
