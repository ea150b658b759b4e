// Appends audit entries to the chain with group commit: entries arriving while an append runs wait
// and go together in the next one, so the cost per request stays small under load. Each append is
// ONE statement that moves the chain head only if it is still where this process last saw it and
// inserts the records only if it did (a compare-and-set on the head row): no explicit transaction,
// no lock held across round trips. When another platform replica moved the head meanwhile, nothing
// is written and the append is chained again from the new head.
import type { Database } from '../../../lib/db/database';
import { chain, type AuditRecord } from './chain';
import type { AuditEntry } from '../../../protocol/audit-entry';
import { isoColumn } from '../sql-dates';

const COLUMNS: [string, string, string][] = [
  ['seq', 'seq', 'bigint'],
  ['recorded_at', 'recordedAt', 'timestamptz'],
  ['request_id', 'requestId', 'text'],
  ['kind', 'kind', 'text'],
  ['gateway_instance', 'gatewayInstance', 'text'],
  ['caller_kind', 'callerKind', 'text'],
  ['operator', 'operator', 'text'],
  ['institution', 'institution', 'text'],
  ['roles', 'roles', 'text[]'],
  ['scenario', 'scenario', 'text'],
  ['grant_ids', 'grantIds', 'text[]'],
  ['operation_name', 'operationName', 'text'],
  ['operation_hash', 'operationHash', 'text'],
  ['fields_returned', 'fieldsReturned', 'text[]'],
  ['fields_masked', 'fieldsMasked', 'text[]'],
  ['fields_denied', 'fieldsDenied', 'text[]'],
  ['datasets', 'datasets', 'text[]'],
  ['subjects', 'subjects', 'text[]'],
  ['decision', 'decision', 'text'],
  ['error_codes', 'errorCodes', 'text[]'],
  ['latency_ms', 'latencyMs', 'integer'],
  ['targets', 'targets', 'text[]'],
  ['reason', 'reason', 'text'],
  ['prev_hash', 'prevHash', 'text'],
  ['hash', 'hash', 'text'],
];

// $1 records (JSON), $2/$3 the new head, $4/$5 the head they were chained from.
const APPEND = `WITH moved AS (
    UPDATE audit_chain_head SET seq = $2, hash = $3 WHERE id = 1 AND seq = $4 AND hash = $5 RETURNING 1
  ), inserted AS (
    INSERT INTO audit_record (${COLUMNS.map((c) => c[0]).join(', ')})
    SELECT ${COLUMNS.map((c) => `"${c[1]}"`).join(', ')} FROM json_to_recordset($1::json) AS r(${COLUMNS.map((c) => `"${c[1]}" ${c[2]}`).join(', ')})
    WHERE EXISTS (SELECT 1 FROM moved)
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM inserted`;

/** Attempts of one append when other replicas keep moving the head (each attempt re-reads it). */
const MAX_ATTEMPTS = 20;

/** SELECT list returning stored rows shaped as AuditRecord (times as ISO strings with milliseconds). */
export const AUDIT_SELECT = COLUMNS.map(([column, field, type]) => {
  if (type === 'timestamptz') return `${isoColumn(column)} AS "${field}"`;
  if (type === 'bigint') return `${column}::float8 AS "${field}"`;
  return `${column} AS "${field}"`;
}).join(', ');

function monthStart(date: Date, offset = 0): string {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}

export class AuditAppender {
  private queue: { entries: AuditEntry[]; resolve: (records: AuditRecord[]) => void; reject: (error: unknown) => void }[] = [];
  private running = false;
  private readonly partitions = new Set<string>();
  /** Where this process last saw the chain head (undefined: read it). */
  private head?: { seq: number; hash: string };

  constructor(private readonly db: Database, private readonly maxBatch = 500) {}

  /** Resolves once the entries are committed, with their place in the chain. */
  append(entries: AuditEntry[]): Promise<AuditRecord[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entries, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Monthly partitions for the months these entries fall in (and the next), created once per process. */
  private async ensurePartitions(entries: AuditEntry[]): Promise<void> {
    const missing = new Set<string>();
    for (const entry of entries) for (const offset of [0, 1]) missing.add(monthStart(new Date(entry.recordedAt), offset));
    for (const known of this.partitions) missing.delete(known);
    if (!missing.size) return;
    // Under the head's row lock, which serialises partition creation across platform replicas.
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE');
      for (const from of missing) {
        const name = `audit_record_y${from.slice(0, 4)}m${from.slice(5, 7)}`;
        const exists = await tx.query('SELECT 1 FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace', [name]);
        if (!exists.length) {
          await tx.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF audit_record FOR VALUES FROM ('${from}') TO ('${monthStart(new Date(from), 1)}')`);
        }
      }
    });
    for (const from of missing) this.partitions.add(from);
  }

  private async readHead(): Promise<{ seq: number; hash: string }> {
    const [head] = await this.db.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1');
    return { seq: Number(head.seq), hash: head.hash };
  }

  /** Chains and writes `entries` after the current head; retries from the new head if it moved. */
  private async write(entries: AuditEntry[]): Promise<AuditRecord[]> {
    await this.ensurePartitions(entries);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = (this.head ??= await this.readHead());
      const chained = chain(entries, head.seq, head.hash);
      const last = chained[chained.length - 1];
      this.head = undefined; // unknown until the statement says otherwise (it may fail half-way to us)
      const [{ n }] = await this.db.query<{ n: number }>(APPEND, [JSON.stringify(chained), last.seq, last.hash, head.seq, head.hash]);
      if (n === chained.length) {
        this.head = { seq: last.seq, hash: last.hash };
        return chained;
      }
      if (n !== 0) throw new Error(`audit append wrote ${n} of ${chained.length} records`); // cannot happen: one statement
    }
    throw new Error(`audit append: the chain head kept moving (${MAX_ATTEMPTS} attempts)`);
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      const batch: typeof this.queue = [];
      let size = 0;
      while (this.queue.length && size < this.maxBatch) {
        const item = this.queue.shift()!;
        batch.push(item);
        size += item.entries.length;
      }
      // Times are hashed exactly as the database gives them back: normalise before chaining.
      const entries = batch.flatMap((item) => item.entries).map((entry) => ({ ...entry, recordedAt: new Date(entry.recordedAt).toISOString(), targets: entry.targets ?? [], reason: entry.reason ?? null }));
      try {
        const records = await this.write(entries);
        let offset = 0;
        for (const item of batch) {
          item.resolve(records.slice(offset, offset + item.entries.length));
          offset += item.entries.length;
        }
      } catch (error) {
        // Nothing of this batch is committed: every waiting request learns it.
        for (const item of batch) item.reject(error);
      }
    }
    this.running = false;
  }
}
