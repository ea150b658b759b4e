// The short abuse run inside `npm test`: ~300 seeded fuzzed inputs against a real stack, the exact leak
// oracle, liveness probes, and one cheap fault (a replica whose audit store is unreachable).
// The long version with process faults: `npm run test:abuse`.
import { Credentials, writeGrantsFile } from './support/credentials';
import { startStack, type Stack } from './support/stack';
import { abuseGrants, abuseStackEnv, formatSummary, runAbuseSuite } from './abuse/abuse-suite';

describe('abuse: fuzzed inputs and a cut-off replica', () => {
  const credentials = new Credentials();
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(abuseStackEnv(credentials, writeGrantsFile(abuseGrants())));
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('leaks nothing, loses no audit record and stays up', async () => {
    const summary = await runAbuseSuite({ stack, credentials, budget: { inputs: 300, seconds: 45 }, faults: false, cheapFault: true });
    console.log(formatSummary(summary) + (summary.findings.length ? `\n${summary.findings.join('\n')}` : ''));
    expect(summary.findings.filter((f) => f.startsWith('leak') || f.includes('stopped answering'))).toEqual([]);
    expect(summary.dataLeaked).toBe(0);
    expect(summary.crashes).toBe(0);
    expect(summary.auditRecordsLost).toBe(0);
    expect(summary.inputsTried).toBeGreaterThanOrEqual(300);
    expect(summary.faultsInjected).toBe(1);
    expect(summary.maskedDataSeen).toBeGreaterThan(0); // the oracle saw real (masked) person data
  }, 90_000);
});
