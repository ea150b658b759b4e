// npm run audit:verify                                  — the platform's audit log in its database
// npm run audit:verify -- --file audit-2026-10.jsonl.gz — an export file, on its own
// Prints one line and exits 0 when the hash chain is intact, 1 when it is broken (with where and
// how), 2 when it could not be checked at all. The database is found as the platform subgraph finds
// it: DATABASE_URL (PostgreSQL) or PGLITE_DIR / .pglite (PGlite), schema DB_SCHEMA_PREFIX + platform.
// A PGlite directory can be opened by one process only: stop the platform subgraph first.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { verifyExportFile } from '../subgraphs/platform/audit/export';
import { openPlatformAuditDatabase, problemSeq, verifyAuditStore } from '../subgraphs/platform/audit/verify-store';
import { exitWith } from './exit-code';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { file: { type: 'string' } } });
  if (values.file) {
    // npm runs scripts from the package root; a relative path means the caller's directory.
    const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.file);
    const result = await verifyExportFile(file);
    if (result.ok) {
      const { header } = result;
      console.log(`audit chain verified: ${result.checked} records, head seq ${header.lastSeq} (export of ${header.month}, seq ${header.firstSeq}–${header.lastSeq})`);
      return 0;
    }
    console.log(result.problem ? `audit chain BROKEN at seq ${problemSeq(result.problem)}: ${result.message}` : `audit export INVALID: ${result.message}`);
    return 1;
  }
  const db = await openPlatformAuditDatabase();
  try {
    const result = await verifyAuditStore(db);
    if (result.ok) {
      console.log(`audit chain verified: ${result.checked} records, head seq ${result.headSeq}`);
      return 0;
    }
    console.log(`audit chain BROKEN at seq ${problemSeq(result.problem)}: ${result.message}`);
    return 1;
  } finally {
    await db.close();
  }
}

exitWith(main, 'audit chain not verified');
