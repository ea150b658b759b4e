// Authorized operation (授权运营, seed 001 "产品和服务"; Yunnan Art.37–39), first slice: products that
// compute without revealing (可用不可见). Through a running stack with real tokens and API keys:
// aggregate products checked cell by cell against the generator's ground truth, the differencing
// attack, a property test over random filters, the verification product on the verification budgets,
// and metering per product and caller from the audit log.
import fc from 'fast-check';
import { Credentials, writeGrantsFile } from './support/credentials';
import { graphql } from './support/graphql';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { startStack, type Stack } from './support/stack';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';
import { creditCodeAt, DEFAULT_SEED, legalEntityAt, licenceAt, personAt } from '../subgraphs/seed/generator';
import { sizeForScale } from '../subgraphs/seed/sizes';
import { SEEDED_DIVISIONS } from '../subgraphs/seed/seeded-divisions';
import { DIVISIONS } from '../lib/identifiers';
import { DEFAULT_MINIMUM_CELL_SIZE } from '../directives/products';

// Half the default scale: 10 000 persons over 58 divisions, so the grid has cells on both sides of 10.
const SCALE = '0.5';
const SIZE = sizeForScale(Number(SCALE));
const SCENARIO = 'operation-products';
const OPERATOR = creditCodeAt(DEFAULT_SEED, 0); // an institution using the products
const UNGRANTED = creditCodeAt(DEFAULT_SEED, 1);
const COUNTY_OFFICE = creditCodeAt(DEFAULT_SEED, 2); // its grant is limited to one county (数据回流)
const DEVELOPER = 'products-app';
const PRODUCT_FIELDS = ['Query.personCounts', 'Query.legalEntityCounts', 'Query.licenceCounts', 'Query.verifyLicenceHeld'];

const PERSON_COUNTS = `query($d: String!, $b: [AgeBand!], $g: [Gender!]) { personCounts(divisionCode: $d, ageBands: $b, genders: $g) {
  product minimumCellSize referenceYear cells { divisionCode ageBand gender count suppressed } } }`;
const ENTITY_COUNTS = `query($d: String!, $k: [LegalEntityKind!], $s: [LegalEntityStatus!]) { legalEntityCounts(divisionCode: $d, kinds: $k, statuses: $s) {
  product minimumCellSize cells { divisionCode kind status count suppressed } } }`;
const LICENCE_COUNTS = `query($d: String!, $t: [LicenceType!], $s: [LicenceStatus!]) { licenceCounts(divisionCode: $d, types: $t, statuses: $s) {
  product minimumCellSize cells { divisionCode type status count suppressed } } }`;
const VERIFY_LICENCE = 'query($code: ID!, $type: LicenceType!) { verifyLicenceHeld(creditCode: $code, type: $type) }';

const AGE_BANDS = ['AGE_0_14', 'AGE_15_29', 'AGE_30_44', 'AGE_45_59', 'AGE_60_74', 'AGE_75_PLUS'];
const GENDERS = ['MALE', 'FEMALE'];
const KINDS = ['ENTERPRISE', 'INDIVIDUAL_BUSINESS', 'FARMER_COOPERATIVE', 'GOVERNMENT_AGENCY', 'PUBLIC_INSTITUTION', 'SOCIAL_ORGANISATION'];
const ENTITY_STATUSES = ['ACTIVE', 'DEREGISTERED', 'REVOKED'];
const TYPES = ['RESIDENT_ID_CARD', 'DRIVING_LICENCE', 'MARRIAGE_CERTIFICATE', 'PRACTISING_CERTIFICATE', 'BUSINESS_LICENCE', 'FOOD_BUSINESS_PERMIT', 'CONSTRUCTION_PERMIT'];
const LICENCE_STATUSES = ['VALID', 'EXPIRED', 'REVOKED'];

type Cell = Record<string, string | number | boolean | null>;

const PERSONS = Array.from({ length: SIZE.persons }, (_, i) => personAt(DEFAULT_SEED, i));
const ENTITIES = Array.from({ length: SIZE.legalEntities }, (_, k) => legalEntityAt(DEFAULT_SEED, SIZE, k));
const LICENCES = Array.from({ length: SIZE.licences }, (_, n) => licenceAt(DEFAULT_SEED, SIZE, n));

/** The generator's ground truth of personCounts: residents per division|band|gender. */
function personTruth(referenceYear: number): Map<string, number> {
  const truth = new Map<string, number>();
  for (const p of PERSONS) {
    if (p.status !== 'ALIVE') continue;
    const age = Math.max(0, referenceYear - Number(p.birthDate.slice(0, 4)));
    const key = `${p.divisionCode}|${AGE_BANDS[Math.min(Math.floor(age / 15), 5)]}|${p.gender}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
  }
  return truth;
}

const personKey = (c: Cell) => `${c.divisionCode}|${c.ageBand}|${c.gender}`;
const under = (code: string) => DIVISIONS.filter((d) => d.code.startsWith(code.replace(/(00)+$/, ''))).map((d) => d.code);

function productsSuite(env: () => NodeJS.ProcessEnv): void {
  const credentials = new Credentials();
  const grant = (kind: string, id: string) => ({ id: `g-products-${id}`, grantee: { kind, id }, scenario: SCENARIO, fields: PRODUCT_FIELDS, validFrom: '2020-01-01T00:00:00Z', validUntil: '2100-01-01T00:00:00Z' });
  let stack: Stack;
  let operator: Record<string, string>;
  let ungranted: Record<string, string>;
  let developer: Record<string, string>;
  let admin: Record<string, string>;
  let countyOffice: Record<string, string>;
  const ask = (query: string, variables: Record<string, unknown>, headers = operator) => graphql(stack.gatewayUrl, query, variables, headers);

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: SCALE, GRANTS_FILE: writeGrantsFile([grant('institution', OPERATOR), grant('developer', DEVELOPER), { ...grant('institution', COUNTY_OFFICE), divisionScope: '530102' }]), VERIFY_LIMIT_PER_CALLER: '12', ...credentials.env(), ...env() }, 240_000);
    operator = { authorization: `Bearer ${await credentials.token({ org: OPERATOR })}`, 'x-scenario-id': SCENARIO };
    ungranted = { authorization: `Bearer ${await credentials.token({ org: UNGRANTED })}`, 'x-scenario-id': SCENARIO };
    developer = { 'x-api-key': credentials.apiKey(DEVELOPER), 'x-scenario-id': SCENARIO };
    countyOffice = { authorization: `Bearer ${await credentials.token({ org: COUNTY_OFFICE })}`, 'x-scenario-id': SCENARIO };
    admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000' })}` };
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('personCounts releases the whole grid of a division: exact counts at or above 10, every smaller cell suppressed (not 0)', async () => {
    const answer = await ask(PERSON_COUNTS, { d: '530100' });
    expect(answer.errors).toBeUndefined();
    const table = answer.data!.personCounts;
    expect(table).toMatchObject({ product: 'Query.personCounts', minimumCellSize: DEFAULT_MINIMUM_CELL_SIZE });
    const truth = personTruth(table.referenceYear);
    // The full lattice, empty cells included: every division at or under 530100 × 6 bands × 2 genders.
    expect(table.cells).toHaveLength(under('530100').length * AGE_BANDS.length * GENDERS.length);
    let released = 0;
    let suppressed = 0;
    for (const cell of table.cells as Cell[]) {
      const actual = truth.get(personKey(cell)) ?? 0;
      if (actual >= DEFAULT_MINIMUM_CELL_SIZE) {
        expect(cell).toMatchObject({ count: actual, suppressed: false });
        released += 1;
      } else {
        expect(cell).toMatchObject({ count: null, suppressed: true });
        if (actual > 0) suppressed += 1;
      }
    }
    // The data set has cells on both sides of the threshold, so both branches were checked.
    expect(released).toBeGreaterThan(0);
    expect(suppressed).toBeGreaterThan(0);
  });

  it('legalEntityCounts and licenceCounts count in their own databases, with the same suppression', async () => {
    const entities = await ask(ENTITY_COUNTS, { d: '530000' });
    expect(entities.errors).toBeUndefined();
    const entityTruth = new Map<string, number>();
    for (const e of ENTITIES) if (e.divisionCode.startsWith('53')) entityTruth.set(`${e.divisionCode}|${e.kind}|${e.status}`, (entityTruth.get(`${e.divisionCode}|${e.kind}|${e.status}`) ?? 0) + 1);
    for (const cell of entities.data!.legalEntityCounts.cells as Cell[]) {
      const actual = entityTruth.get(`${cell.divisionCode}|${cell.kind}|${cell.status}`) ?? 0;
      expect(cell.count).toBe(actual >= DEFAULT_MINIMUM_CELL_SIZE ? actual : null);
      expect(cell.suppressed).toBe(actual < DEFAULT_MINIMUM_CELL_SIZE);
    }
    const licences = await ask(LICENCE_COUNTS, { d: '520000', s: ['VALID'] });
    expect(licences.errors).toBeUndefined();
    const cells = licences.data!.licenceCounts.cells as Cell[];
    expect(cells).toHaveLength(under('520000').length * TYPES.length);
    const licenceTruth = new Map<string, number>();
    for (const l of LICENCES) if (l.divisionCode.startsWith('52') && l.status === 'VALID') licenceTruth.set(`${l.divisionCode}|${l.type}`, (licenceTruth.get(`${l.divisionCode}|${l.type}`) ?? 0) + 1);
    for (const cell of cells) {
      const actual = licenceTruth.get(`${cell.divisionCode}|${cell.type}`) ?? 0;
      expect(cell.count).toBe(actual >= DEFAULT_MINIMUM_CELL_SIZE ? actual : null);
    }
    expect(cells.some((c) => c.count !== null)).toBe(true);
  });

  it('bad input is a coded error in Chinese and English; an institution without a grant is refused', async () => {
    const bad = await ask(PERSON_COUNTS, { d: '5301' });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    expect(bad.data?.personCounts ?? null).toBeNull();
    const refused = await ask(PERSON_COUNTS, { d: '530100' }, ungranted);
    expect(refused.errors?.length).toBeGreaterThan(0);
    expect(refused.data?.personCounts ?? null).toBeNull();
  });

  it('a grant limited to some divisions (数据回流) releases only their cells, whatever division is asked', async () => {
    const answer = await ask(PERSON_COUNTS, { d: '530000' }, countyOffice);
    expect(answer.errors).toBeUndefined();
    const cells = answer.data!.personCounts.cells as Cell[];
    expect(cells).toHaveLength(AGE_BANDS.length * GENDERS.length);
    expect(new Set(cells.map((c) => c.divisionCode))).toEqual(new Set(['530102']));
    const licences = await ask(LICENCE_COUNTS, { d: '520000' }, countyOffice);
    expect(licences.data?.licenceCounts.cells ?? []).toEqual([]);
  });

  it('the differencing attack learns nothing: no combination of answers isolates a suppressed cell', async () => {
    // The attacker's target: a county cell holding 1–9 residents (suppressed).
    const probe = await ask(PERSON_COUNTS, { d: '530000' });
    const year = probe.data!.personCounts.referenceYear as number;
    const truth = personTruth(year);
    const target = (probe.data!.personCounts.cells as Cell[]).find((c) => {
      const n = truth.get(personKey(c)) ?? 0;
      return c.divisionCode !== '530100' && String(c.divisionCode).startsWith('5301') && n > 0 && n < DEFAULT_MINIMUM_CELL_SIZE;
    })!;
    expect(target).toBeDefined();
    const actual = truth.get(personKey(target))!;
    const prefecture = `${String(target.divisionCode).slice(0, 4)}00`;

    // Attack 1 (total minus the rest): the prefecture's answer minus its other divisions' answers, asked one by one.
    const sum = (cells: Cell[]) => cells.filter((c) => c.ageBand === target.ageBand && c.gender === target.gender).reduce((s, c) => s + ((c.count as number | null) ?? 0), 0);
    const whole = sum((await ask(PERSON_COUNTS, { d: prefecture, b: [target.ageBand], g: [target.gender] })).data!.personCounts.cells);
    let others = 0;
    for (const code of under(prefecture).filter((c) => c !== target.divisionCode && c !== prefecture)) {
      others += sum((await ask(PERSON_COUNTS, { d: code, b: [target.ageBand], g: [target.gender] })).data!.personCounts.cells);
    }
    others += sum((await ask(PERSON_COUNTS, { d: prefecture })).data!.personCounts.cells.filter((c: Cell) => c.divisionCode === prefecture));
    expect(whole - others).toBe(0); // not `actual`: the suppressed cell contributes to no released number
    expect(whole - others).not.toBe(actual);

    // Attack 2 (two queries differing by the target's people): every filter over the grid — wider
    // division, every band, both genders, or exactly the target's band and gender — gives every cell one
    // and the same released value, so the difference of any two answers is a difference of released cells.
    const seen = new Map<string, number | null>();
    const answers = [
      await ask(PERSON_COUNTS, { d: '530000' }),
      await ask(PERSON_COUNTS, { d: prefecture }),
      await ask(PERSON_COUNTS, { d: String(target.divisionCode) }),
      await ask(PERSON_COUNTS, { d: prefecture, b: [target.ageBand] }),
      await ask(PERSON_COUNTS, { d: prefecture, g: [target.gender] }),
      await ask(PERSON_COUNTS, { d: prefecture, b: AGE_BANDS.filter((b) => b !== target.ageBand), g: GENDERS }),
    ];
    for (const answer of answers) {
      expect(Object.keys(answer.data!.personCounts).sort()).toEqual(['cells', 'minimumCellSize', 'product', 'referenceYear']); // no totals
      for (const cell of answer.data!.personCounts.cells as Cell[]) {
        const key = personKey(cell);
        if (seen.has(key)) expect(cell.count).toBe(seen.get(key));
        else seen.set(key, cell.count as number | null);
      }
    }
    expect(seen.get(personKey(target))).toBeNull();
  }, 120_000);

  it('property: over random filters, no product output has a cell under its minimum size or a record-level value', async () => {
    const codes = [...SEEDED_DIVISIONS.map((d) => d.code), ...DIVISIONS.filter((_, i) => i % 37 === 0).map((d) => d.code)];
    const subset = (values: string[]) => fc.option(fc.subarray(values), { nil: undefined });
    // What must never appear: any person's name or identity number, any legal entity's name or credit
    // code, any licence number. Every string of an answer must instead be a grid value.
    const gridValues = new Set([...DIVISIONS.map((d) => d.code), ...AGE_BANDS, ...GENDERS, ...KINDS, ...ENTITY_STATUSES, ...TYPES, ...LICENCE_STATUSES, 'Query.personCounts', 'Query.legalEntityCounts', 'Query.licenceCounts']);
    const recordValues = new Set([...PERSONS.flatMap((p) => [p.name, p.idNumber]), ...ENTITIES.flatMap((e) => [e.name, e.creditCode]), ...LICENCES.map((l) => l.number)]);
    const leaves = (value: unknown): unknown[] => (value !== null && typeof value === 'object' ? Object.values(value).flatMap(leaves) : [value]);
    const check = (table: { minimumCellSize: number; cells: Cell[] }) => {
      for (const cell of table.cells) {
        expect(cell.suppressed ? cell.count === null : (cell.count as number) >= table.minimumCellSize).toBe(true);
      }
      for (const leaf of leaves(table)) {
        if (typeof leaf !== 'string') continue;
        expect(recordValues.has(leaf)).toBe(false);
        expect(gridValues.has(leaf)).toBe(true);
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...codes),
        fc.constantFrom('personCounts', 'legalEntityCounts', 'licenceCounts'),
        subset(AGE_BANDS), subset(GENDERS), subset(KINDS), subset(ENTITY_STATUSES), subset(TYPES), subset(LICENCE_STATUSES),
        async (d, product, b, g, k, es, t, ls) => {
          const answer =
            product === 'personCounts' ? await ask(PERSON_COUNTS, { d, b, g })
            : product === 'legalEntityCounts' ? await ask(ENTITY_COUNTS, { d, k, s: es })
            : await ask(LICENCE_COUNTS, { d, t, s: ls });
          expect(answer.errors).toBeUndefined();
          check(answer.data![product]);
        },
      ),
      { numRuns: 40, seed: 18 },
    );
  }, 180_000);

  it('verifyLicenceHeld answers yes/no over declared fields (holder, type, VALID, validUntil) and spends the verification budgets', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const held = LICENCES.find((l) => l.holderKind === 'LEGAL_ENTITY' && l.type === 'FOOD_BUSINESS_PERMIT' && l.status === 'VALID' && (l.validUntil === null || l.validUntil >= today))!;
    expect(held).toBeDefined();
    const holds = (code: string, type: string) => LICENCES.some((l) => l.holderKind === 'LEGAL_ENTITY' && l.holderId === code && l.type === type && l.status === 'VALID' && (l.validUntil === null || l.validUntil >= today));
    const without = ENTITIES.find((e) => !holds(e.creditCode, 'FOOD_BUSINESS_PERMIT'))!;

    const yes = await ask(VERIFY_LICENCE, { code: held.holderId, type: 'FOOD_BUSINESS_PERMIT' }, developer);
    expect(yes.errors).toBeUndefined();
    expect(yes.data).toEqual({ verifyLicenceHeld: 'MATCH' });
    expect((await ask(VERIFY_LICENCE, { code: without.creditCode, type: 'FOOD_BUSINESS_PERMIT' }, developer)).data).toEqual({ verifyLicenceHeld: 'NO_MATCH' });
    const malformed = await ask(VERIFY_LICENCE, { code: 'not-a-credit-code', type: 'FOOD_BUSINESS_PERMIT' }, developer);
    expect(malformed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    // The per-entity share of the verification budget (VERIFY_LIMIT_PER_PAIR, default 4) holds for it as for persons.
    for (let k = 0; k < 3; k += 1) expect((await ask(VERIFY_LICENCE, { code: without.creditCode, type: TYPES[k] })).errors).toBeUndefined();
    expect((await ask(VERIFY_LICENCE, { code: without.creditCode, type: TYPES[3] })).errors).toBeUndefined();
    const fifth = await ask(VERIFY_LICENCE, { code: without.creditCode, type: TYPES[4] });
    expect(fifth.status).toBe(429);
    expect(fifth.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-pair' });
  });

  it('productUsage(month) meters every answered product call per product and caller, from the audit log', async () => {
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const usage = async (headers: Record<string, string>) => {
      const answer = await graphql(stack.gatewayUrl, 'query($m: String!) { productUsage(month: $m) { product callerKind caller calls } }', { m: month }, headers);
      expect(answer.errors).toBeUndefined();
      return answer.data!.productUsage as { product: string; callerKind: string; caller: string; calls: number }[];
    };
    const callsOf = (rows: { product: string; caller: string; calls: number }[], product: string, caller: string) => rows.find((r) => r.product === product && r.caller === caller)?.calls ?? 0;
    const before = await usage(admin);
    // Three answered calls of one product by the developer, one refused by an ungranted institution.
    for (const d of ['530100', '530300', '520100']) expect((await ask(LICENCE_COUNTS, { d }, developer)).errors).toBeUndefined();
    await ask(LICENCE_COUNTS, { d: '530100' }, ungranted);
    const after = await usage(admin);
    expect(callsOf(after, 'Query.licenceCounts', DEVELOPER) - callsOf(before, 'Query.licenceCounts', DEVELOPER)).toBe(3);
    expect(callsOf(after, 'Query.licenceCounts', UNGRANTED)).toBe(0);
    // Earlier tests' calls are there too, per caller: the operator's aggregates, the developer's verifications.
    expect(callsOf(after, 'Query.personCounts', OPERATOR)).toBeGreaterThan(10);
    expect(callsOf(after, 'Query.verifyLicenceHeld', DEVELOPER)).toBe(2);
    // A developer sees its own usage only; bad months are coded errors.
    const own = await usage({ authorization: `Bearer ${await credentials.developerToken(DEVELOPER)}` });
    expect(own.every((r) => r.caller === DEVELOPER && r.callerKind === 'developer')).toBe(true);
    expect(callsOf(own, 'Query.licenceCounts', DEVELOPER)).toBe(callsOf(after, 'Query.licenceCounts', DEVELOPER));
    const bad = await graphql(stack.gatewayUrl, '{ productUsage(month: "2026-13") { calls } }', undefined, admin);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
}

// Every store-backed part (the domains' GROUP BYs, the audit log metered) on both stores.
describe('authorized operation: products that compute without revealing (可用不可见, seed 001), embedded store', () => {
  productsSuite(() => ({}));
});

describeWithPostgres('authorized operation: products that compute without revealing (可用不可见, seed 001), PostgreSQL', () => {
  const prefix = uniqueSchemaPrefix('opprod');
  productsSuite(() => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }));
  afterAll(() => dropSchemas(prefix));
});
