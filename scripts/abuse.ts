// npm run test:abuse [-- --inputs 5000 --seconds 300 --seed N]: the long abuse-and-fault run on its own stack.
// Prints one summary line (findings before it); exits 1 on any leak, lost audit record or crash.
import { Credentials, writeGrantsFile } from '../test/support/credentials';
import { startStack } from '../test/support/stack';
import { abuseGrants, abuseStackEnv, formatSummary, runAbuseSuite } from '../test/abuse/abuse-suite';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

async function main(): Promise<number> {
  const inputs = arg('inputs', 5000);
  const seconds = arg('seconds', 300);
  const seed = arg('seed', 20261125);
  const verbose = process.argv.includes('--verbose');
  const credentials = new Credentials();
  const stack = await startStack(abuseStackEnv(credentials, writeGrantsFile(abuseGrants())));
  try {
    const summary = await runAbuseSuite({ stack, credentials, budget: { inputs, seconds }, faults: true, seed, log: verbose ? (l) => console.error(l) : undefined });
    for (const f of summary.findings) console.error(f);
    for (const s of summary.skipped) console.error(`skipped: ${s}`);
    console.log(formatSummary(summary));
    return summary.dataLeaked > 0 || summary.auditRecordsLost > 0 || summary.crashes > 0 ? 1 : 0;
  } finally {
    await stack.stop();
    credentials.cleanup();
  }
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
