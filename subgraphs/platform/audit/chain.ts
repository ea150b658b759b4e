// The audit log's tamper evidence: every record carries the SM3 hash of its own content and of the
// record before it, so altering, deleting, inserting or reordering any record breaks the chain at
// that point. Pure: the same functions serve the writer, `npm run audit:verify` and exports.
import crypto from 'node:crypto';
import type { AuditEntry } from '../../../protocol/audit-entry';

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The content a hash covers, in a fixed order (not JSON.stringify of the object: key order matters). */
function canonical(seq: number, entry: AuditEntry): string {
  const content: unknown[] = [
    seq, entry.recordedAt, entry.requestId, entry.kind, entry.gatewayInstance, entry.callerKind, entry.operator,
    entry.institution, entry.roles, entry.scenario, entry.grantIds, entry.operationName, entry.operationHash,
    entry.fieldsReturned, entry.fieldsMasked, entry.fieldsDenied, entry.datasets, entry.subjects, entry.decision,
    entry.errorCodes, entry.latencyMs,
  ];
  // Added later: covered only when present, so records written before still verify. The L4+ flag
  // (migration 10) comes after targets and reason, which are then always written: each shape of the
  // content has its own length (21, 23 or 24 items), so no record can pass for another.
  const highLevel = entry.highLevelFields ?? [];
  if (entry.targets?.length || (entry.reason !== null && entry.reason !== undefined) || highLevel.length) content.push(entry.targets ?? [], entry.reason ?? null);
  if (highLevel.length) content.push(highLevel);
  return JSON.stringify(content);
}

export function recordHash(seq: number, entry: AuditEntry, prevHash: string): string {
  return crypto.createHash('sm3').update(prevHash).update('\n').update(canonical(seq, entry)).digest('hex');
}

/** Chains entries after (seq, hash). */
export function chain(entries: readonly AuditEntry[], afterSeq: number, afterHash: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = afterHash;
  let seq = afterSeq;
  for (const entry of entries) {
    seq += 1;
    const hash = recordHash(seq, entry, prevHash);
    records.push({ ...entry, seq, prevHash, hash });
    prevHash = hash;
  }
  return records;
}

export type ChainProblem =
  | { kind: 'altered'; seq: number }
  | { kind: 'missing'; expectedSeq: number; foundSeq: number }
  | { kind: 'inserted-or-reordered'; seq: number }
  | { kind: 'head-mismatch'; seq: number };

/**
 * Walks records in seq order from (afterSeq, afterHash) and reports the first break: a record whose
 * content no longer matches its hash (altered), a gap in the sequence (deleted), or a record whose
 * predecessor hash is not the previous record's (inserted or reordered).
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  checked = 0;

  constructor(afterSeq = 0, afterHash = GENESIS_HASH) {
    this.expectedSeq = afterSeq + 1;
    this.prevHash = afterHash;
  }

  next(record: AuditRecord): ChainProblem | undefined {
    this.checked += 1;
    if (record.seq > this.expectedSeq) return { kind: 'missing', expectedSeq: this.expectedSeq, foundSeq: record.seq };
    if (record.seq < this.expectedSeq || record.prevHash !== this.prevHash) return { kind: 'inserted-or-reordered', seq: record.seq };
    if (recordHash(record.seq, record, record.prevHash) !== record.hash) return { kind: 'altered', seq: record.seq };
    this.expectedSeq = record.seq + 1;
    this.prevHash = record.hash;
    return undefined;
  }

  /** The chain head the database claims must be where the walk ended. */
  end(headSeq: number, headHash: string): ChainProblem | undefined {
    if (headSeq !== this.expectedSeq - 1 || headHash !== this.prevHash) return { kind: 'head-mismatch', seq: headSeq };
    return undefined;
  }
}

export function describeProblem(problem: ChainProblem): string {
  switch (problem.kind) {
    case 'altered':
      return `record ${problem.seq} was altered (its content no longer matches its hash) / 第${problem.seq}条记录被篡改`;
    case 'missing':
      return `records ${problem.expectedSeq}–${problem.foundSeq - 1} are missing (deleted) / 第${problem.expectedSeq}至${problem.foundSeq - 1}条记录缺失`;
    case 'inserted-or-reordered':
      return `record ${problem.seq} does not follow its predecessor (inserted or reordered) / 第${problem.seq}条记录被插入或调换顺序`;
    case 'head-mismatch':
      return `the chain head (${problem.seq}) does not match the last record (records removed from the end?) / 链头与末条记录不符`;
  }
}
