// Appends audit entries to the chain with group commit: entries arriving while an append runs wait
// and go together in the next one, so the cost per request stays small under load. Each append is
// ONE statement that moves the chain head only if it is still where this process last saw it and
// inserts the records only if it did (a compare-and-set on the head row): no explicit transaction,
// no lock held across round trips. When another platform replica moved the head meanwhile, nothing
// is written and the append is chained again from the new head.
//
// Entries shipped from a gateway's local journal carry their number in that journal: they are
// appended in one transaction that also moves the journal's mark (the highest number the chain
// holds), and entries at or below the mark are skipped — a batch shipped twice (a retry after a
// timeout, a gateway restarting after a crash) is recorded once.
import type { Database } from '../../../lib/db/database';
import { chain, type AuditRecord } from './chain';
import type { AuditEntry } from '../../../protocol/audit-entry';
import { isoColumn } from '../sql-dates';

/** An entry from a gateway's journal, with its number there. */
export type JournalledEntry = AuditEntry & { n: number };

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
  ['high_level_fields', 'highLevelFields', 'text[]'],
  ['prev_hash', 'prevHash', 'text'],
  ['hash', 'hash', 'text'],
];

const INSERT_RECORDS = `INSERT INTO audit_record (${COLUMNS.map((c) => c[0]).join(', ')})
  SELECT ${COLUMNS.map((c) => `"${c[1]}"`).join(', ')} FROM json_to_recordset($1::json) AS r(${COLUMNS.map((c) => `"${c[1]}" ${c[2]}`).join(', ')})`;

// Under the locks of the journal's mark and the chain head: $1 records (JSON), $2/$3 the new head,
// $4/$5 the journal and its new mark.
const APPEND_JOURNAL = `WITH inserted AS (${INSERT_RECORDS} RETURNING 1),
  head AS (UPDATE audit_chain_head SET seq = $2, hash = $3 WHERE id = 1 RETURNING 1),
  marked AS (UPDATE audit_journal_mark SET n = $5, updated_at = now() WHERE journal = $4 RETURNING 1)
  SELECT (SELECT count(*) FROM inserted)::int AS n`;

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

interface Queued {
  entries: AuditEntry[];
  resolve: (records: AuditRecord[]) => void;
  reject: (error: unknown) => void;
  /** Set for a journal's batch: appended on its own, with the journal's mark. */
  journal?: { id: string; numbers: number[]; resolveMark: (mark: number) => void };
}

/** Times are hashed exactly as the database gives them back: normalise before chaining. */
const normalised = (entry: AuditEntry): AuditEntry => ({ ...entry, recordedAt: new Date(entry.recordedAt).toISOString(), targets: entry.targets ?? [], reason: entry.reason ?? null, highLevelFields: entry.highLevelFields ?? [] });

export class AuditAppender {
  private queue: Queued[] = [];
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

  /**
   * Appends a journal's batch (numbers ascending); resolves with the journal's mark afterwards. An
   * empty batch only reads the mark (a gateway asks it when it starts).
   */
  appendJournal(journal: string, entries: JournalledEntry[]): Promise<number> {
    return new Promise((resolve, reject) => {
      const plain = entries.map(({ n: _n, ...entry }) => entry);
      this.queue.push({ entries: plain, resolve: () => undefined, reject, journal: { id: journal, numbers: entries.map((e) => e.n), resolveMark: resolve } });
      if (!this.running) void this.drain();
    });
  }

  /** One transaction: the journal's mark and the chain head locked, the new entries chained, both moved. */
  private async writeJournal(journal: string, numbers: number[], entries: AuditEntry[]): Promise<number> {
    await this.ensurePartitions(entries);
    this.head = undefined; // moved here under a lock: the compare-and-set path re-reads it
    return this.db.transaction(async (tx) => {
      // The journal's mark, its row locked (created at 0 for a new journal): one statement.
      const [{ n: mark }] = await tx.query<{ n: number }>(
        'INSERT INTO audit_journal_mark (journal, n) VALUES ($1, 0) ON CONFLICT (journal) DO UPDATE SET journal = EXCLUDED.journal RETURNING n::float8 AS n',
        [journal],
      );
      const fresh = entries.filter((_, i) => numbers[i] > mark);
      if (!fresh.length) return mark;
      const [head] = await tx.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE');
      const chained = chain(fresh, Number(head.seq), head.hash);
      const last = chained[chained.length - 1];
      const newMark = numbers[numbers.length - 1];
      await tx.query(APPEND_JOURNAL, [JSON.stringify(chained), last.seq, last.hash, journal, newMark]);
      return newMark;
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
      if (this.queue[0].journal) {
        const item = this.queue.shift()!;
        const { id, numbers, resolveMark } = item.journal!;
        try {
          resolveMark(await this.writeJournal(id, numbers, item.entries.map(normalised)));
        } catch (error) {
          item.reject(error);
        }
        continue;
      }
      const batch: typeof this.queue = [];
      let size = 0;
      while (this.queue.length && size < this.maxBatch && !this.queue[0].journal) {
        const item = this.queue.shift()!;
        batch.push(item);
        size += item.entries.length;
      }
      const entries = batch.flatMap((item) => item.entries).map(normalised);
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
