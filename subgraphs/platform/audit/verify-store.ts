// Verifies the audit log where it lives: walks every record in seq order (all monthly partitions,
// through the parent table) with ChainVerifier and checks the chain head at the end. Shared by
// `npm run audit:verify` and the monthly export, which reads records the same way.
import fs from 'node:fs';
import { openDatabase, type Database, type Queryable } from '../../../lib/db/database';
import { AUDIT_SELECT } from './appender';
import { readSubgraphSettings } from '../../common/settings';
import { SUBGRAPHS } from '../../registry';
import { ChainVerifier, describeProblem, GENESIS_HASH, type AuditRecord, type ChainProblem } from './chain';

export interface VerifyProgress {
  checked: number;
  lastSeq: number;
  /** The head seq of the snapshot being verified (for a percentage). */
  headSeq: number;
}

export interface VerifyStoreOptions {
  batchSize?: number;
  onProgress?: (progress: VerifyProgress) => void;
  /**
   * Start after this point instead of the genesis — for a log whose oldest months were exported
   * and detached (take seq and hash from the last export's header: lastSeq, lastHash).
   */
  after?: { seq: number; hash: string };
}

export type VerifyStoreResult =
  | { ok: true; checked: number; headSeq: number }
  | { ok: false; checked: number; problem: ChainProblem; message: string };

/** The seq a problem points at (the first missing one for a gap). */
export function problemSeq(problem: ChainProblem): number {
  return problem.kind === 'missing' ? problem.expectedSeq : problem.seq;
}

/**
 * Runs `work` in a read-only REPEATABLE READ transaction: records and chain head come from one
 * snapshot, so appends committed while a long walk runs neither break it nor show up half-way.
 */
export function inSnapshot<T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return work(tx);
  });
}

export interface ReadRange {
  fromSeq?: number;
  toSeq?: number;
  batchSize?: number;
}

/**
 * Streams stored records ordered by seq, in batches. The keyset is (seq, recorded_at) — the primary
 * key — not seq alone: a forged duplicate of a seq must come back too, even across a batch boundary.
 * recorded_at is carried as text so the key keeps its microseconds (AUDIT_SELECT has milliseconds).
 */
export async function* readRecords(tx: Queryable, range: ReadRange = {}): AsyncGenerator<AuditRecord> {
  const batchSize = range.batchSize ?? 1000;
  const bounds: string[] = [];
  const params: unknown[] = [];
  if (range.fromSeq !== undefined) bounds.push(`seq >= $${params.push(range.fromSeq)}`);
  if (range.toSeq !== undefined) bounds.push(`seq <= $${params.push(range.toSeq)}`);
  const fixed = params.length;
  let key: { seq: number; at: string } | undefined;
  for (;;) {
    const conditions = [...bounds];
    const args = [...params];
    if (key) {
      conditions.push(`(seq, recorded_at) > ($${fixed + 1}, $${fixed + 2}::timestamptz)`);
      args.push(key.seq, key.at);
    }
    const rows = await tx.query<AuditRecord & { keyAt: string }>(
      `SELECT ${AUDIT_SELECT}, recorded_at::text AS "keyAt" FROM audit_record
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY seq, recorded_at LIMIT ${Number(batchSize)}`,
      args,
    );
    for (const { keyAt, ...record } of rows) {
      key = { seq: record.seq, at: keyAt };
      yield record;
    }
    if (rows.length < batchSize) return;
  }
}

export async function verifyAuditStore(db: Database, options: VerifyStoreOptions = {}): Promise<VerifyStoreResult> {
  return inSnapshot(db, async (tx) => {
    const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq::float8 AS seq, hash FROM audit_chain_head WHERE id = 1');
    const start = options.after ?? { seq: 0, hash: GENESIS_HASH };
    const verifier = new ChainVerifier(start.seq, start.hash);
    const batchSize = options.batchSize ?? 1000;
    let lastSeq = start.seq;
    for await (const record of readRecords(tx, { fromSeq: options.after ? start.seq + 1 : undefined, batchSize })) {
      const problem = verifier.next(record);
      if (problem) return { ok: false as const, checked: verifier.checked, problem, message: describeProblem(problem) };
      lastSeq = record.seq;
      if (options.onProgress && verifier.checked % batchSize === 0) options.onProgress({ checked: verifier.checked, lastSeq, headSeq: head?.seq ?? 0 });
    }
    if (!head) {
      // The head row is written by every append: without it the end of the log cannot be vouched for.
      const problem: ChainProblem = { kind: 'head-mismatch', seq: lastSeq };
      return { ok: false as const, checked: verifier.checked, problem, message: 'the chain head row is missing / 链头记录缺失' };
    }
    const problem = verifier.end(head.seq, head.hash);
    if (problem) return { ok: false as const, checked: verifier.checked, problem, message: describeProblem(problem) };
    if (verifier.checked % batchSize !== 0 || verifier.checked === 0) options.onProgress?.({ checked: verifier.checked, lastSeq, headSeq: head.seq });
    return { ok: true as const, checked: verifier.checked, headSeq: head.seq };
  });
}

/**
 * Opens the platform subgraph's database exactly as the subgraph does (DATABASE_URL, PGLITE_DIR,
 * DB_SCHEMA_PREFIX), for the audit tools. Never creates the log: a missing one is an error.
 */
export async function openPlatformAuditDatabase(env = process.env): Promise<Database> {
  const info = SUBGRAPHS.find((s) => s.name === 'platform')!;
  const settings = readSubgraphSettings(info, env);
  if (!settings.databaseUrl && settings.pgliteDir && !fs.existsSync(settings.pgliteDir)) {
    throw new Error(`no platform database at ${settings.pgliteDir} (set DATABASE_URL or PGLITE_DIR)`);
  }
  const db = await openDatabase({ url: settings.databaseUrl, schema: settings.dbSchema, pgliteDir: settings.pgliteDir, poolSize: 2 });
  const [table] = await db.query<{ name: string | null }>(`SELECT to_regclass('audit_record')::text AS name`);
  if (!table?.name) {
    await db.close();
    throw new Error(`no audit log in schema ${settings.dbSchema} of the ${settings.databaseUrl ? 'PostgreSQL' : 'PGlite'} database`);
  }
  return db;
}
