// npm run audit:export -- --month 2026-10 [--out audit-2026-10.jsonl.gz]
// Exports one closed (UTC) month of the audit log to a gzip JSON-lines file that verifies on its own
// (`npm run audit:verify -- --file …`). The current and future months are refused. Exit 0 when
// written, 1 when refused (open/empty month, broken chain), 2 on any other error.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportMonth, ExportRefused } from '../subgraphs/platform/audit/export';
import { openPlatformAuditDatabase } from '../subgraphs/platform/audit/verify-store';
import { exitWith } from './exit-code';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { month: { type: 'string' }, out: { type: 'string' } } });
  if (!values.month) {
    console.error('usage: npm run audit:export -- --month YYYY-MM [--out file.jsonl.gz]');
    return 2;
  }
  // npm runs scripts from the package root; a relative path means the caller's directory.
  const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? `audit-${values.month}.jsonl.gz`);
  const db = await openPlatformAuditDatabase();
  try {
    const header = await exportMonth(db, { month: values.month, out });
    console.log(
      `exported ${header.count} records, seq ${header.firstSeq}–${header.lastSeq} (${header.inMonth} recorded in ${header.month}), last hash ${header.lastHash} → ${out}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ExportRefused)) throw error;
    console.error(`audit export refused: ${error.message}`);
    return 1;
  } finally {
    await db.close();
  }
}

exitWith(main, 'audit export failed');
