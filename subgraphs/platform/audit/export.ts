// Monthly export of the audit log: a gzip JSON-lines file that proves itself. Its header carries the
// hash the chain had before the first exported record and the hash after the last one, so the file
// is verified with ChainVerifier alone, without the database (and consecutive exports link up).
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import type { Database } from '../../../lib/db/database';
import { ChainVerifier, describeProblem, type AuditRecord, type ChainProblem } from './chain';
import { inSnapshot, readRecords } from './verify-store';

export const EXPORT_FORMAT = 'pd-audit-export/1';

/**
 * Records are stored in partitions by the (UTC) month they were recorded, but a replica's clock or a
 * late batch can put a record of one month among seqs of the next, so a month is not always a
 * contiguous piece of the chain. The export therefore takes the whole seq range from the lowest to
 * the highest seq recorded in the month — including records of other months inside that range — so
 * the file is one unbroken piece of the chain. Adjacent exports may then overlap.
 */
export const SEQ_RANGE_RULE = 'all records with seq from the lowest to the highest seq recorded in the month (UTC), whatever their own month';

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  /** YYYY-MM, UTC — the month of the partitions. */
  month: string;
  seqRange: { from: number; to: number; rule: string };
  firstSeq: number;
  lastSeq: number;
  count: number;
  /** How many of the exported records were recorded in `month` (the rest are in its seq range). */
  inMonth: number;
  /** The chain hash before firstSeq: the prevHash of the first record. */
  prevHash: string;
  lastHash: string;
  exportedAt: string;
}

/** A request the exporter will not carry out (bad, open or empty month; broken chain). */
export class ExportRefused extends Error {
  override name = 'ExportRefused';
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function utcMonth(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** [start, end) of a YYYY-MM month as ISO instants. */
function monthBounds(month: string): [string, string] {
  const [, year, mon] = MONTH.exec(month)!;
  const start = new Date(Date.UTC(Number(year), Number(mon) - 1, 1));
  const end = new Date(Date.UTC(Number(year), Number(mon), 1));
  return [start.toISOString(), end.toISOString()];
}

export interface ExportOptions {
  month: string;
  out: string;
  /** Clock for "is this month closed" and exportedAt (tests). */
  now?: Date;
  batchSize?: number;
}

/**
 * Writes the export of a closed month to `out` (via a temporary file renamed at the end, so a partial
 * file never carries the final name). Checks the chain while writing and refuses to export a broken one.
 */
export async function exportMonth(db: Database, options: ExportOptions): Promise<ExportHeader> {
  const { month, out } = options;
  const now = options.now ?? new Date();
  if (!MONTH.test(month)) throw new ExportRefused(`month must be YYYY-MM, got "${month}"`);
  // Records of an open month are still arriving: an export now would miss some of them.
  if (month >= utcMonth(now)) throw new ExportRefused(`${month} is not closed yet: only months before ${utcMonth(now)} can be exported`);
  const [from, to] = monthBounds(month);

  const tmp = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.${process.pid}.tmp`);
  try {
    const header = await inSnapshot(db, async (tx) => {
      const [range] = await tx.query<{ first: number | null; last: number | null; inMonth: number }>(
        `SELECT min(seq)::float8 AS "first", max(seq)::float8 AS "last", count(*)::int AS "inMonth"
         FROM audit_record WHERE recorded_at >= $1::timestamptz AND recorded_at < $2::timestamptz`,
        [from, to],
      );
      if (range.first === null || range.last === null) throw new ExportRefused(`no audit records were recorded in ${month}`);
      const [bounds] = await tx.query<{ count: number; prevHash: string; lastHash: string }>(
        `SELECT (SELECT count(*)::int FROM audit_record WHERE seq BETWEEN $1 AND $2) AS "count",
                (SELECT prev_hash FROM audit_record WHERE seq = $1 ORDER BY recorded_at LIMIT 1) AS "prevHash",
                (SELECT hash FROM audit_record WHERE seq = $2 ORDER BY recorded_at LIMIT 1) AS "lastHash"`,
        [range.first, range.last],
      );
      const header: ExportHeader = {
        format: EXPORT_FORMAT,
        month,
        seqRange: { from: range.first, to: range.last, rule: SEQ_RANGE_RULE },
        firstSeq: range.first,
        lastSeq: range.last,
        count: bounds.count,
        inMonth: range.inMonth,
        prevHash: bounds.prevHash,
        lastHash: bounds.lastHash,
        exportedAt: now.toISOString(),
      };
      // The header is written first but describes the whole file: the walk below must agree with it.
      const verifier = new ChainVerifier(header.firstSeq - 1, header.prevHash);
      async function* lines(): AsyncGenerator<string> {
        yield `${JSON.stringify(header)}\n`;
        for await (const record of readRecords(tx, { fromSeq: header.firstSeq, toSeq: header.lastSeq, batchSize: options.batchSize })) {
          const problem = verifier.next(record);
          if (problem) throw new ExportRefused(`the audit chain is broken, not exporting: ${describeProblem(problem)}`);
          yield `${JSON.stringify(record)}\n`;
        }
        const problem = verifier.end(header.lastSeq, header.lastHash);
        if (problem || verifier.checked !== header.count) throw new ExportRefused(`the audit chain is broken, not exporting: ${problem ? describeProblem(problem) : 'record count changed'}`);
      }
      // Opened synchronously: a stream opening lazily could create the file after a failure removed it.
      await pipeline(Readable.from(lines()), zlib.createGzip(), fs.createWriteStream(tmp, { fd: fs.openSync(tmp, 'w') }));
      return header;
    });
    fs.renameSync(tmp, out);
    return header;
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

export type ExportVerifyResult =
  | { ok: true; checked: number; header: ExportHeader }
  | { ok: false; checked: number; header?: ExportHeader; problem?: ChainProblem; message: string };

/** Lines of a gzip text file, streamed (a month can be millions of records). Stream errors propagate. */
async function* gunzipLines(file: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of fs.createReadStream(file).pipe(zlib.createGunzip())) {
    const parts = (rest + decoder.write(chunk as Buffer)).split('\n');
    rest = parts.pop()!;
    yield* parts;
  }
  rest += decoder.end();
  if (rest) yield rest;
}

function isHeader(value: unknown): value is ExportHeader {
  const h = value as ExportHeader;
  return (
    typeof h === 'object' && h !== null && h.format === EXPORT_FORMAT &&
    [h.firstSeq, h.lastSeq, h.count].every(Number.isInteger) && typeof h.prevHash === 'string' && typeof h.lastHash === 'string'
  );
}

/**
 * Re-walks an export's chain from header.prevHash and checks it ends at header.lastSeq/lastHash with
 * header.count records. Needs nothing but the file. Reports the first problem, never throws for a
 * bad file (unreadable gzip, bad JSON, bad header are failures too).
 */
export async function verifyExportFile(file: string): Promise<ExportVerifyResult> {
  let header: ExportHeader | undefined;
  let verifier: ChainVerifier | undefined;
  let lineNo = 0;
  try {
    for await (const line of gunzipLines(file)) {
      lineNo += 1;
      if (line === '') continue;
      const value: unknown = JSON.parse(line);
      if (!header) {
        if (!isHeader(value)) return { ok: false, checked: 0, message: `not a ${EXPORT_FORMAT} file: bad header` };
        header = value;
        verifier = new ChainVerifier(header.firstSeq - 1, header.prevHash);
        continue;
      }
      const problem = verifier!.next(value as AuditRecord);
      if (problem) return { ok: false, checked: verifier!.checked, header, problem, message: describeProblem(problem) };
    }
  } catch (error) {
    const where = lineNo ? ` (line ${lineNo})` : '';
    return { ok: false, checked: verifier?.checked ?? 0, header, message: `unreadable export${where}: ${(error as Error).message}` };
  }
  if (!header || !verifier) return { ok: false, checked: 0, message: 'empty export file' };
  const problem = verifier.end(header.lastSeq, header.lastHash);
  if (problem) return { ok: false, checked: verifier.checked, header, problem, message: describeProblem(problem) };
  if (verifier.checked !== header.count || header.count !== header.lastSeq - header.firstSeq + 1) {
    return { ok: false, checked: verifier.checked, header, message: `the header claims ${header.count} records, the file holds ${verifier.checked}` };
  }
  return { ok: true, checked: verifier.checked, header };
}
