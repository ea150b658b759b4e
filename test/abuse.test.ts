// The short abuse run inside `npm test`: ~300 seeded inputs — mostly valid, granted queries from every
// kind of caller, the rest fuzzed — against a real stack, every answer checked by the exact leak
// oracle (test/abuse/oracle.ts), liveness probes, and one cheap fault (a replica whose audit store is
// unreachable). The long version with process faults: `npm run test:abuse`.
import { Credentials, writeGrantsFile } from './support/credentials';
import { startStack, type Stack } from './support/stack';
import { abuseGrants, abuseOracle, abuseStackEnv, dataShare, formatSummary, runAbuseSuite, selfCheckOracle } from './abuse/abuse-suite';

describe('the leak oracle', () => {
  it('flags each kind of leak it is fed (plain where masked, over-kept mask, ungranted, expired, out of scope, suspended, errors, headers) and passes the right answer', () => {
    const credentials = new Credentials();
    try {
      expect(() => selfCheckOracle(abuseOracle(credentials))).not.toThrow();
    } finally {
      credentials.cleanup();
    }
  });
});

describe('abuse: fuzzed and valid inputs from every kind of caller, and a cut-off replica', () => {
  const credentials = new Credentials();
  let stack: Stack;

  beforeAll(async () => {
    // Generous: the machine may be busy with other suites' stacks.
    stack = await startStack(abuseStackEnv(credentials, writeGrantsFile(abuseGrants())), 280_000);
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('leaks nothing by the exact oracle, answers mostly with data, loses no audit record and stays up', async () => {
    const summary = await runAbuseSuite({ stack, credentials, budget: { inputs: 300, seconds: 150 }, faults: false, cheapFault: true });
    console.log(`${formatSummary(summary)}\ndata by caller: ${JSON.stringify(summary.dataByCaller)}; values checked ${JSON.stringify(summary.valuesChecked)}${summary.findings.length ? `\n${summary.findings.join('\n')}` : ''}`);
    expect(summary.findings.filter((f) => f.startsWith('leak') || f.includes('stopped answering'))).toEqual([]);
    expect(summary.dataLeaked).toBe(0);
    expect(summary.crashes).toBe(0);
    expect(summary.auditRecordsLost).toBe(0);
    expect(summary.inputsTried).toBeGreaterThanOrEqual(300);
    expect(summary.faultsInjected).toBe(1);
    // The oracle had real data to check, from every kind of caller that may receive some.
    expect(dataShare(summary)).toBeGreaterThanOrEqual(50);
    for (const k of ['plain', 'masked', 'nothing'] as const) expect({ [k]: summary.valuesChecked[k] > 100 }).toEqual({ [k]: true });
    for (const caller of ['inst-granted', 'inst-scoped', 'inst-nogrant', 'inst-expired-grant', 'dev-granted', 'dev-nogrant', 'anonymous']) {
      expect({ caller, withData: (summary.dataByCaller[caller] ?? 0) > 0 }).toEqual({ caller, withData: true });
    }
  }, 240_000);
});
