// npm run test:abuse [-- --inputs 5000 --seconds 300 --seed N]: the long abuse-and-fault run on its own stack.
// Then, with the real PostgreSQL and redis-server, the store faults of test/abuse/store-faults.ts.
// Prints one summary line (findings before it); exits 1 on any leak, lost audit record or crash, when
// under half the inputs returned data (the exact oracle then had too little to check), or — with
// REQUIRE_SERVICES=1 — when the store faults could not run.
import { Credentials, writeGrantsFile } from '../test/support/credentials';
import { startStack } from '../test/support/stack';
import { abuseGrants, abuseStackEnv, dataShare, formatSummary, runAbuseSuite } from '../test/abuse/abuse-suite';
import { FAULT_PHASES } from '../test/abuse/store-faults';
import { runStoreFaults } from '../test/abuse/store-faults';
import { redisServerBinary } from '../test/support/redis-server';
import { reachable, TEST_DATABASE_URL } from '../test/support/services';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

async function main(): Promise<number> {
  const inputs = arg('inputs', 5000);
  // The deadline only stops a run that hangs: by default long enough for every input (~4 per second on a busy machine).
  const seconds = arg('seconds', Math.max(300, Math.ceil(inputs / 4)));
  const seed = arg('seed', 20261125);
  const verbose = process.argv.includes('--verbose');
  const startedAt = Date.now();
  const credentials = new Credentials();
  // Generous: a busy machine takes a while to seed and start the stack.
  const stack = await startStack(abuseStackEnv(credentials, writeGrantsFile(abuseGrants())), 300_000);
  try {
    const summary = await runAbuseSuite({ stack, credentials, budget: { inputs, seconds }, faults: true, seed, log: verbose ? (l) => console.error(l) : undefined });
    // Store faults (Redis stopped, PostgreSQL paused and cut off) need the real PostgreSQL and redis-server.
    if ((await reachable(TEST_DATABASE_URL)) && redisServerBinary()) {
      const faults = await runStoreFaults({ databaseUrl: TEST_DATABASE_URL, loadSeconds: 5, log: verbose ? (l) => console.error(l) : undefined });
      summary.faultsInjected += faults.faultsInjected;
      summary.requestsAnswered += faults.answered;
      summary.dataLeaked += faults.leaked;
      summary.auditRecordsLost += faults.auditLost;
      summary.findings.push(...faults.findings);
      for (const phase of FAULT_PHASES) if (faults.refusedDuringFaults[phase] === 0) summary.findings.push(`store faults: nothing withheld during ${phase} (the load never met the fault)`);
      console.error(`store faults: recovery ${JSON.stringify(faults.recoverySeconds)} s after each store came back; revocation while Redis was down denied at once: ${faults.revokedWhileRedisDown}; audit chain intact: ${faults.chainIntact}`);
    } else {
      summary.skipped.push(`store faults (Redis stop, PostgreSQL pause and cut): need PostgreSQL at ${TEST_DATABASE_URL} and redis-server`);
    }
    if (summary.inputsTried < inputs) summary.findings.push(`deadline of ${seconds} s reached after ${summary.inputsTried} of ${inputs} inputs (--seconds to wait longer)`);
    for (const f of summary.findings) console.error(f);
    for (const s of summary.skipped) console.error(`skipped: ${s}`);
    const started = Date.now() - startedAt;
    console.error(`data by caller: ${JSON.stringify(summary.dataByCaller)}; values checked ${JSON.stringify(summary.valuesChecked)}; ${(started / 1000).toFixed(0)} s`);
    console.log(formatSummary(summary));
    const storeFaultsMissing = process.env.REQUIRE_SERVICES === '1' && summary.skipped.some((s) => s.startsWith('store faults'));
    return summary.dataLeaked > 0 || summary.auditRecordsLost > 0 || summary.crashes > 0 || dataShare(summary) < 50 || storeFaultsMissing ? 1 : 0;
  } finally {
    await stack.stop();
    credentials.cleanup();
  }
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
