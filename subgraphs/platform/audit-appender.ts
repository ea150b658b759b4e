// Appends audit entries to the chain with group commit: entries arriving while a transaction runs
// wait and go together in the next one, so the cost per request stays small under load. The chain
// head row is locked inside each transaction, which orders appends across every platform replica.
import type { Database, Queryable } from '../../lib/db/database';
import { chain, type AuditEntry, type AuditRecord } from '../../lib/audit/chain';
import { isoColumn } from './sql-dates';

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
  ['prev_hash', 'prevHash', 'text'],
  ['hash', 'hash', 'text'],
];

const INSERT = `INSERT INTO audit_record (${COLUMNS.map((c) => c[0]).join(', ')})
  SELECT ${COLUMNS.map((c) => `"${c[1]}"`).join(', ')} FROM json_to_recordset($1::json) AS r(${COLUMNS.map((c) => `"${c[1]}" ${c[2]}`).join(', ')})`;

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

  constructor(private readonly db: Database, private readonly maxBatch = 500) {}

  /** Resolves once the entries are committed, with their place in the chain. */
  append(entries: AuditEntry[]): Promise<AuditRecord[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entries, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Monthly partitions for the months these entries fall in (and the next), created once. */
  private async ensurePartitions(tx: Queryable, entries: AuditEntry[]): Promise<void> {
    for (const entry of entries) {
      const at = new Date(entry.recordedAt);
      for (const offset of [0, 1]) {
        const from = monthStart(at, offset);
        if (this.partitions.has(from)) continue;
        const name = `audit_record_y${from.slice(0, 4)}m${from.slice(5, 7)}`;
        const exists = await tx.query('SELECT 1 FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace', [name]);
        if (!exists.length) {
          await tx.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF audit_record FOR VALUES FROM ('${from}') TO ('${monthStart(new Date(from), 1)}')`);
        }
        this.partitions.add(from);
      }
    }
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
      const entries = batch.flatMap((item) => item.entries).map((entry) => ({ ...entry, recordedAt: new Date(entry.recordedAt).toISOString() }));
      try {
        const records = await this.db.transaction(async (tx) => {
          // The head lock first: it also serialises partition creation across replicas.
          const [head] = await tx.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE');
          await this.ensurePartitions(tx, entries);
          const chained = chain(entries, Number(head.seq), head.hash);
          await tx.query(INSERT, [JSON.stringify(chained)]);
          const last = chained[chained.length - 1];
          await tx.query('UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1', [last.seq, last.hash]);
          return chained;
        });
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
