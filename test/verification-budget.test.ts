// Hole 5: a few callers guessing wrong cannot lock a person out of verification, and one caller still
// cannot use verifyPersonIdentity to enumerate. Default budgets (README, Settings), on a running stack.
import { Credentials, writeGrantsFile } from './support/credentials';
import { graphql } from './support/graphql';
import { TEST_SCALE } from './support/federation-suite';
import { metricsUrlOf, readCounter, startStack, type Stack } from './support/stack';
import { creditCodeAt, DEFAULT_SEED, personAt, personIdAt } from '../subgraphs/seed/generator';

const SCENARIO = 'realname-check';
const INSTITUTIONS = [0, 1, 2, 3, 4, 5].map((k) => creditCodeAt(DEFAULT_SEED, k));
const VERIFY = 'query($id: ID!, $name: String!) { verifyPersonIdentity(idNumber: $id, name: $name) }';

describe('hole 5: verification budgets cannot be used to lock a person out', () => {
  const credentials = new Credentials();
  const grants = INSTITUTIONS.map((id, k) => ({
    id: `g-verify-${k}`,
    grantee: { kind: 'institution', id },
    scenario: SCENARIO,
    fields: ['Query.verifyPersonIdentity'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2100-01-01T00:00:00Z',
  }));
  let stack: Stack;
  const headers: Record<string, string>[] = [];

  beforeAll(async () => {
    // Default verification budgets except the per-caller one, lowered so enumeration is quick to show.
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile(grants), VERIFY_LIMIT_PER_CALLER: '12', START_QUIET: '0', ...credentials.env() });
    for (const org of INSTITUTIONS) headers.push({ authorization: `Bearer ${await credentials.token({ org })}`, 'x-scenario-id': SCENARIO });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  const verify = (caller: number, id: string, name: string) => graphql(stack.gatewayUrl, VERIFY, { id, name }, headers[caller]);

  it('three callers spending their shares on wrong names cannot stop a fourth from verifying', async () => {
    const id = personIdAt(DEFAULT_SEED, 7);
    const { name } = personAt(DEFAULT_SEED, 7);
    // Callers 0-2: 4 wrong guesses each (their whole share) = 12 failures, past the subject's 10.
    for (const caller of [0, 1, 2]) {
      for (let guess = 0; guess < 4; guess += 1) {
        const answer = await verify(caller, id, `${name}${guess}${caller}`);
        expect(answer.errors).toBeUndefined();
        expect(answer.data?.verifyPersonIdentity).toBe('NO_MATCH');
      }
      const spent = await verify(caller, id, name);
      expect(spent.status).toBe(429);
      expect(spent.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    }
    // The fourth caller still verifies the person (guarded: one attempt in the window) …
    const fourth = await verify(3, id, name);
    expect(fourth.errors).toBeUndefined();
    expect(fourth.data?.verifyPersonIdentity).toBe('MATCH');
    const again = await verify(3, id, name);
    expect(again.status).toBe(429);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-guarded' });
    expect(again.errors?.[0].message).toMatch(/保护状态.* \/ .*guarded/);
    // … and so does a fifth; the event is metered and logged without the identity number.
    expect((await verify(4, id, name)).data?.verifyPersonIdentity).toBe('MATCH');
    const metrics = metricsUrlOf(stack.gatewayUrl);
    // Entered once (caller 2's third wrong guess was the 11th failure), then three guarded attempts:
    // caller 2's fourth guess, callers 3 and 4.
    expect(await readCounter(metrics, 'gateway_verify_guarded_total')).toBe(4);
    const logged = stack.output.filter((line) => line.includes('verification guarded'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/"subject":"[A-Za-z0-9_-]{12}"/);
    expect(stack.output.join('\n')).not.toContain(id);
  });

  it('one caller still cannot enumerate: 4 guesses per person, 12 verifications in all (VERIFY_LIMIT_PER_CALLER)', async () => {
    const id = personIdAt(DEFAULT_SEED, 8);
    const { name } = personAt(DEFAULT_SEED, 8);
    // Caller 5 asks nothing else in this suite.
    for (let guess = 0; guess < 4; guess += 1) expect((await verify(5, id, `${name}${guess}`)).data?.verifyPersonIdentity).toBe('NO_MATCH');
    const fifth = await verify(5, id, name);
    expect(fifth.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-pair' });
    expect(fifth.data?.verifyPersonIdentity ?? null).toBeNull();
    // 5 verifications so far (the refused one counts too): 7 more people, then nothing, whoever it is.
    for (let k = 20; k < 27; k += 1) expect((await verify(5, personIdAt(DEFAULT_SEED, k), 'x')).errors).toBeUndefined();
    const over = await verify(5, personIdAt(DEFAULT_SEED, 27), personAt(DEFAULT_SEED, 27).name);
    expect(over.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-caller' });
  });
});
