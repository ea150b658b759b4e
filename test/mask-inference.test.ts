// Hole 1 (issue 11): a masked identity number could be undone. The ID_NUMBER mask kept the first 6 and
// last 4 characters, hiding exactly the 8 birth-date digits; with the birth date plain the number came
// back whole (the check digit confirms it). Here grants are obtained through the API as a new county
// office would, and every masked number received is counted against what the same caller sees besides
// — by brute force, independently of the gateway's own counting.
import { graphql } from './support/graphql';
import { Credentials } from './support/credentials';
import { startStack, type Stack } from './support/stack';
import { TEST_SCALE } from './support/federation-suite';
import { APPLY, DECIDE, POLICE } from './support/applications';

const COUNTY_OFFICE = '11530100015301017M';
const PROBE_LIMIT = 20;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Every valid date YYYYMMDD of `year`, or of every year 1900–2026 when undefined. */
function datesOf(year?: number): string[] {
  const dates: string[] = [];
  for (let y = year ?? 1900; y <= (year ?? 2026); y++) {
    for (let t = Date.UTC(y, 0, 1); new Date(t).getUTCFullYear() === y; t += 86_400_000) dates.push(new Date(t).toISOString().slice(0, 10).replace(/-/g, ''));
  }
  return dates;
}

/**
 * Identity numbers consistent with a masked number, the birth date as seen (plain YYYY-MM-DD or
 * masked YYYY-**-**), the gender and the division code: enumerated one by one.
 */
/** Every identity number a caller seeing this (masked number, plain birth date, gender) cannot rule out. */
function candidateNumbers(masked: string, birthDate: string, gender: string): string[] {
  const numbers: string[] = [];
  for (let s = gender === 'MALE' ? 1 : 0; s < 1000; s += 2) {
    const first17 = masked.slice(0, 6) + birthDate.replace(/-/g, '') + String(s).padStart(3, '0');
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
    numbers.push(first17 + CHECK[sum % 11]);
  }
  return numbers;
}

function candidates(masked: string, birthDate: string, gender: string, division: string): { numbers: number; dates: number } {
  const year = Number(birthDate.slice(0, 4));
  const plainDate = /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? birthDate.replace(/-/g, '') : undefined;
  const fits = (value: string, offset: number) => [...value].every((ch, i) => masked[offset + i] === '*' || masked[offset + i] === ch);
  let numbers = 0;
  const dates = new Set<string>();
  for (const date of plainDate ? [plainDate] : datesOf(year)) {
    if (!fits(date, 6)) continue;
    for (let s = 0; s < 1000; s++) {
      if ((s % 2 === 1 ? 'MALE' : 'FEMALE') !== gender) continue;
      const sequence = String(s).padStart(3, '0');
      if (!fits(sequence, 14)) continue;
      const first17 = division + date + sequence;
      let sum = 0;
      for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
      if (!fits(CHECK[sum % 11], 17)) continue;
      numbers++;
      dates.add(date);
    }
  }
  return { numbers, dates: dates.size };
}

describe('hole 1: a masked identity number cannot be worked out from what the same caller sees', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let url: string;
  let ids: string[];
  const institution = async (org: string) => `Bearer ${await credentials.token({ org, sub: 'op-county-01' })}`;

  /** Applies for fields under a scenario through the API and has the provider approve it. */
  async function grantThroughApi(org: string, scenario: string, fields: string[], plain: string[]) {
    const headers = { authorization: await institution(org) };
    const applied: any = await graphql(url, APPLY, {
      input: {
        scenario,
        scenarioName: '身份核验',
        description: '依法履职核验身份',
        legalBasis: '《社会救助暂行办法》第十一条',
        fields,
        plain,
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    }, headers);
    expect(applied.errors).toBeUndefined();
    const provider = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000', sub: 'reviewer' })}` };
    const decided: any = await graphql(url, DECIDE, { id: applied.data.applyForAccess.id, approve: true }, provider);
    expect(decided.errors).toBeUndefined();
    expect(decided.data.decideApplication.status).toBe('APPROVED');
    return decided.data.decideApplication;
  }

  const PERSON = 'query($id: ID!) { person(idNumber: $id) { idNumber birthDate gender divisionCode } }';

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, ...credentials.env(), IDENTITY_PROBE_LIMIT: String(PROBE_LIMIT) });
    url = stack.gatewayUrl;
    const { personIdAt, DEFAULT_SEED } = await import('../subgraphs/seed/generator');
    ids = [0, 1, 2, 3, 4, 5].map((i) => personIdAt(DEFAULT_SEED, i));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('with the birth date plain (as the demo grant gives it), the masked number leaves at least 100 candidates and says it was narrowed', async () => {
    await grantThroughApi(COUNTY_OFFICE, 'identity-check-plain-birth', ['Person.idNumber', 'Person.birthDate'], ['Person.birthDate']);
    const headers = { authorization: await institution(COUNTY_OFFICE), 'x-scenario-id': 'identity-check-plain-birth' };
    for (const id of ids) {
      const result: any = await graphql(url, PERSON, { id }, headers);
      expect(result.errors).toBeUndefined();
      const person = result.data.person;
      expect(person.birthDate).toBe(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
      expect(person.idNumber).not.toBe(id);
      const left = candidates(person.idNumber, person.birthDate, person.gender, person.divisionCode);
      expect(left.numbers).toBeGreaterThanOrEqual(100);
      expect(result.extensions.masking).toEqual([expect.objectContaining({ coordinate: 'Person.idNumber', configured: { start: 6, end: 4 } })]);
      expect(result.extensions.masking[0].message).toMatch(/收紧.*narrowed/);
    }
  });

  it('with the birth date masked to its year, neither the number nor the birth date is left with fewer than 100 candidates', async () => {
    const other = '11530100015301025G';
    await grantThroughApi(other, 'identity-check-year', ['Person.idNumber', 'Person.birthDate'], []);
    const headers = { authorization: await institution(other), 'x-scenario-id': 'identity-check-year' };
    for (const id of ids) {
      const result: any = await graphql(url, PERSON, { id }, headers);
      expect(result.errors).toBeUndefined();
      const person = result.data.person;
      expect(person.birthDate).toBe(`${id.slice(6, 10)}-**-**`);
      const left = candidates(person.idNumber, person.birthDate, person.gender, person.divisionCode);
      expect(left.numbers).toBeGreaterThanOrEqual(100);
      expect(left.dates).toBeGreaterThanOrEqual(100);
    }
  });

  it('the approval says so: the application records the narrowing, and the grant lists it (bilingual)', async () => {
    const headers = { authorization: await institution(COUNTY_OFFICE) };
    const listed: any = await graphql(url, '{ applications { scenario steps { action note } } grants { scenario maskNotes } }', undefined, headers);
    expect(listed.errors).toBeUndefined();
    const application = listed.data.applications.find((a: any) => a.scenario === 'identity-check-plain-birth');
    const narrowed = application.steps.filter((s: any) => s.action === 'masks-narrowed');
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.at(-1).note).toMatch(/Person\.idNumber[\s\S]*收紧为 6,0[\s\S]*narrowed from keeping 6,4 to 6,0/);
    const grant = listed.data.grants.find((g: any) => g.scenario === 'identity-check-plain-birth');
    expect(grant.maskNotes).toEqual([expect.stringContaining('6,0')]);
  });

  it('an application whose masked birth date a plain identity number would give away is refused at filing, alone or with the grants already held', async () => {
    const headers = { authorization: await institution('11530100015301025G') };
    const input = (scenario: string, fields: string[], plain: string[]) => ({
      input: { scenario, scenarioName: '身份核验', description: '核验', fields, plain, validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const alone: any = await graphql(url, APPLY, input('plain-number-masked-birth', ['Person.idNumber', 'Person.birthDate'], ['Person.idNumber']), headers);
    expect(alone.data?.applyForAccess ?? null).toBeNull();
    expect(alone.errors[0].extensions.code).toBe('MASK_INFERENCE_CONFLICT');
    expect(alone.errors[0].message).toMatch(/出生日期[\s\S]*\/ the grant would let masked values be worked out/);
    // This institution already holds Person.birthDate masked (identity-check-year): the plain number alone now conflicts.
    const combined: any = await graphql(url, APPLY, input('plain-number-only', ['Person.idNumber'], ['Person.idNumber']), headers);
    expect(combined.errors[0].extensions.code).toBe('MASK_INFERENCE_CONFLICT');
    const listed: any = await graphql(url, '{ applications { scenario } }', undefined, headers);
    expect(listed.data.applications.map((a: any) => a.scenario)).not.toContain('plain-number-only'); // nothing was filed
  });

  it('without the birth date, the configured mask (first 6, last 4) is kept: narrowing is per caller, only where needed', async () => {
    const third = '115301020153010338';
    await grantThroughApi(third, 'identity-check-number-only', ['Person.idNumber'], []);
    const headers = { authorization: await institution(third), 'x-scenario-id': 'identity-check-number-only' };
    const result: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { idNumber gender } }', { id: ids[0] }, headers);
    expect(result.errors).toBeUndefined();
    expect(result.data.person.idNumber).toBe(`${ids[0].slice(0, 6)}********${ids[0].slice(14)}`);
    expect(result.extensions.masking).toBeUndefined();
  });

  it('a grant under another scenario of the same institution counts too: asking under each scenario in turn gives nothing away', async () => {
    // COUNTY_OFFICE already holds the birth date plain under identity-check-plain-birth; a second grant
    // of the number alone under another scenario must not bring back the wide mask.
    await grantThroughApi(COUNTY_OFFICE, 'identity-number-only', ['Person.idNumber'], []);
    const headers = { authorization: await institution(COUNTY_OFFICE), 'x-scenario-id': 'identity-number-only' };
    const result: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { idNumber gender divisionCode } }', { id: ids[1] }, headers);
    expect(result.errors).toBeUndefined();
    const birthDate = `${ids[1].slice(6, 10)}-${ids[1].slice(10, 12)}-${ids[1].slice(12, 14)}`;
    expect(candidates(result.data.person.idNumber, birthDate, result.data.person.gender, result.data.person.divisionCode).numbers).toBeGreaterThanOrEqual(100);
  });
});

describe('hole 1: the candidates a mask leaves cannot be swept by lookups (identity-probe budget)', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let url: string;
  let ids: string[];
  const PERSONS = 'query($ids: [ID!]!) { persons(idNumbers: $ids) { idNumber gender } }';

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, ...credentials.env(), IDENTITY_PROBE_LIMIT: String(PROBE_LIMIT) });
    url = stack.gatewayUrl;
    const { personIdAt, DEFAULT_SEED } = await import('../subgraphs/seed/generator');
    ids = Array.from({ length: 60 }, (_, i) => personIdAt(DEFAULT_SEED, i));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  const headersOf = async (org: string) => ({ authorization: `Bearer ${await credentials.token({ org, sub: 'op-probe' })}`, 'x-scenario-id': 'any-duty' });

  it('a batch of all candidates is withheld whole (which one exists is never said), and later lookups are refused', async () => {
    const headers = await headersOf('11530100015301017M');
    const target = ids[7];
    const all = candidateNumbers(target.slice(0, 6), `${target.slice(6, 10)}-${target.slice(10, 12)}-${target.slice(12, 14)}`, Number(target[16]) % 2 ? 'MALE' : 'FEMALE');
    expect(all).toContain(target);
    const swept: any = await graphql(url, PERSONS, { ids: all }, headers);
    expect(swept.status).toBe(429);
    expect(swept.data ?? null).toBeNull();
    expect(swept.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(swept.errors?.[0].extensions?.scope).toBe('identity-probe');
    expect(JSON.stringify(swept)).not.toContain(target);
    const after: any = await graphql(url, PERSONS, { ids: [ids[0]] }, headers);
    expect(after.status).toBe(429);
  });

  it('small batches reveal at most the budget of misses; batches of real numbers are never refused', async () => {
    const headers = await headersOf('11530100015301025G');
    const target = ids[9];
    const all = candidateNumbers(target.slice(0, 6), `${target.slice(6, 10)}-${target.slice(10, 12)}-${target.slice(12, 14)}`, Number(target[16]) % 2 ? 'MALE' : 'FEMALE').filter((n) => n !== target);
    let revealed = 0;
    for (let i = 0; i < all.length; i += 5) {
      const answer: any = await graphql(url, PERSONS, { ids: all.slice(i, i + 5) }, headers);
      if (answer.status === 429) break;
      expect(answer.data.persons).toEqual([null, null, null, null, null]);
      revealed += 5;
    }
    expect(revealed).toBeLessThanOrEqual(PROBE_LIMIT);
    expect(revealed).toBeGreaterThan(0);
    // Another institution looking up 60 real people in one batch is not refused: finding people costs nothing.
    const real: any = await graphql(url, PERSONS, { ids }, await headersOf('115301020153010338'));
    expect(real.status).toBe(200);
    expect(real.data.persons.every((p: unknown) => p !== null)).toBe(true);
    const again: any = await graphql(url, PERSONS, { ids }, await headersOf('115301020153010338'));
    expect(again.status).toBe(200);
  });
});

describe('hole 1: mask settings that cannot protect their field are refused at start', () => {
  it('MASK_ID_NUMBER_KEEP=14,4 (the birth date kept) stops the gateway with a bilingual reason', async () => {
    const credentials = new Credentials();
    try {
      await expect(startStack({ DATA_SCALE: TEST_SCALE, ...credentials.env(), MASK_ID_NUMBER_KEEP: '14,4' }, 60_000)).rejects.toThrow(/mask settings leave too little hidden[\s\S]*Person\.idNumber/);
    } finally {
      credentials.cleanup();
    }
  }, 90_000);
});
