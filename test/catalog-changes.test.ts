// The catalog as managed data, end to end through the gateway: a provider proposes a change of its
// entries, the reviewer sees its impact, the data authority decides within the profile's deadline,
// and every gateway replica applies the approved change from its next request (Yunnan Art.12–13,
// Art.27; Ganzi Art.8, 16, 24).
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { APPLY, DECIDE, INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { replicaEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { graphql } from './support/graphql';
import { describeWithPostgres, dropSchemas, redisAvailable, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueSchemaPrefix } from './support/services';
import { startStack, type Stack } from './support/stack';
import { KUNMING_AUTHORITY, PROVINCE_AUTHORITY, QUJING_AUTHORITY, testInstitutionsFile } from './support/institutions';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';

const OTHER_INSTITUTION = '11530100015301025G';
const MARKET_REGULATOR = '115300000152000215'; // provider of 法人基础信息 (LegalEntity)

const CHANGE_FIELDS = 'id kind coordinate dataset status direction dueOn overdue changes { fact from to direction } steps { action dueOn }';
const PROPOSE = `mutation($input: CatalogChangeInput!) { proposeCatalogChange(input: $input) { ${CHANGE_FIELDS} } }`;
const DECIDE_CHANGE = `mutation($id: ID!, $decision: CatalogDecision!, $note: String!) { decideCatalogChange(id: $id, decision: $decision, note: $note) { ${CHANGE_FIELDS} decidedBy } }`;
const IMPACT = `query($id: ID!) { catalogChangeImpact(id: $id) { direction requestCount summary
  grants { id granteeId scenario fields effect } operations { name effect } scenarios { institution scenario requests effect } } }`;
const ADDRESS = 'query($id: ID!) { person(idNumber: $id) { gender householdAddress } }';

const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

interface Deployment {
  replicas: boolean;
  profile: string;
  /** Where the population provider (POLICE) is registered: its area's authority reviews its changes. */
  providerDivision: string;
  reviewer: { org: string; div: string };
  /** An authority of another area. */
  outsider: { org: string; div: string };
}

/** A registry where the population provider sits in `division` (first file wins: entries are only inserted when missing). */
function registryWithProviderIn(division: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pd-catalog-reg-')), 'institutions.json');
  fs.writeFileSync(file, JSON.stringify([{ creditCode: POLICE, name: '公安局（人口基础信息提供单位）', division, kind: 'institution' }]));
  return `${file},${testInstitutionsFile()}`;
}

function catalogSuite(env: () => NodeJS.ProcessEnv, options: Deployment): void {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  let stack: Stack;
  let second: GatewayProcess | undefined;
  let holder: Record<string, string>;
  let other: Record<string, string>;
  let police: Record<string, string>;
  let market: Record<string, string>;
  let admin: Record<string, string>;
  let outsider: Record<string, string>;
  const id = personIdAt(DEFAULT_SEED, 5);
  const replicas = () => [stack.gatewayUrl, ...(second ? [second.url] : [])];

  beforeAll(async () => {
    const deployment = { JURISDICTION_PROFILE: options.profile, INSTITUTIONS_FILE: registryWithProviderIn(options.providerDivision) };
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, ...credentials.env(), ...deployment, ...env() });
    if (options.replicas) second = await startGatewayProcess({ ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), ...env() });
    holder = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-holder' })}` };
    other = { authorization: `Bearer ${await credentials.token({ org: OTHER_INSTITUTION, sub: 'op-other' })}` };
    police = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: options.providerDivision, sub: 'catalog-keeper' })}` };
    market = { authorization: `Bearer ${await credentials.token({ org: MARKET_REGULATOR, roles: ['provider'], div: '530000', sub: 'catalog-keeper' })}` };
    admin = { authorization: `Bearer ${await credentials.token({ org: options.reviewer.org, roles: ['admin'], div: options.reviewer.div, sub: 'authority' })}` };
    outsider = { authorization: `Bearer ${await credentials.token({ org: options.outsider.org, roles: ['admin'], div: options.outsider.div, sub: 'authority' })}` };
  }, 180_000);

  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
    credentials.cleanup();
  });

  /** Asks every replica until `done` holds for its answer (the announcement reaches the other one); returns the answers. */
  async function onEveryReplica(query: string, headers: Record<string, string>, done: (answer: any) => boolean): Promise<any[]> {
    const answers: any[] = [];
    for (const url of replicas()) {
      const started = Date.now();
      let answer: any;
      do answer = await graphql(url, query, { id }, headers);
      while (!done(answer) && Date.now() - started < 5_000);
      answers.push(answer);
    }
    return answers;
  }

  it('walks a widening from proposal through impact and review to every replica, then a narrowing that revokes at once (Yunnan Art.12–13, Kunming Art.11–12)', async () => {
    // An institution holds a grant for Person.householdAddress (CONDITIONAL), obtained through the API.
    const scenario = 'catalog-walk';
    const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: {
      scenario, scenarioName: '高龄津贴发放', description: '核对申请人户籍地', legalBasis: '《云南省高龄津贴发放办法》',
      fields: ['Person.householdAddress'], plain: [], validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    } }, holder);
    const approved: any = await graphql(stack.gatewayUrl, DECIDE, { id: filed.data.applyForAccess.id, approve: true }, police);
    const grantId = approved.data.decideApplication.grantId;
    expect(grantId).toBeTruthy();
    // Another institution is refused the field today (no grant): the audit sees it.
    const refused: any = await graphql(stack.gatewayUrl, ADDRESS, { id }, { ...other, 'x-scenario-id': 'elderly-care' });
    expect(refused.errors[0].extensions.code).toBe('GRANT_REQUIRED');

    // The provider proposes sharing the household address unconditionally (masked to the district as before).
    const proposed: any = await graphql(stack.gatewayUrl, PROPOSE, { input: {
      coordinate: 'Person.householdAddress', field: { share: 'UNCONDITIONAL' }, reason: '户籍地址脱敏至区县后用于多项便民服务，无条件共享',
    } }, police);
    expect(proposed.errors).toBeUndefined();
    const change = proposed.data.proposeCatalogChange;
    expect(change).toMatchObject({ kind: 'CHANGE', status: 'PENDING', direction: 'WIDENS', overdue: false });
    // The condition goes with the conditional attribute it explained.
    expect(change.changes).toEqual([
      { fact: 'share', from: 'CONDITIONAL', to: 'UNCONDITIONAL', direction: 'WIDENS' },
      { fact: 'shareCondition', from: '户籍管理、社会救助等需送达或核实住址的场景，经批准', to: null, direction: 'NEUTRAL' },
    ]);
    // 审定 within the profile's working days (Yunnan Art.13 ¶2: 5; Kunming Art.12 ¶2: 3).
    const profile = loadProfile(options.profile);
    expect(change.dueOn).toBe(deadlineFor(profile, 'catalogReview', new Date(), calendarFor(profile)).due);

    // Until approved nothing changes.
    const stillRefused: any = await graphql(stack.gatewayUrl, ADDRESS, { id }, { ...other, 'x-scenario-id': 'elderly-care' });
    expect(stillRefused.errors[0].extensions.code).toBe('GRANT_REQUIRED');

    // The reviewer sees the impact: the grant it makes unnecessary, the caller it would now answer.
    const impact: any = await graphql(stack.gatewayUrl, IMPACT, { id: change.id }, admin);
    expect(impact.errors).toBeUndefined();
    expect(impact.data.catalogChangeImpact.grants).toEqual([{ id: grantId, granteeId: INSTITUTION, scenario, fields: ['Person.householdAddress'], effect: 'WIDENS' }]);
    expect(impact.data.catalogChangeImpact.scenarios).toEqual(expect.arrayContaining([{ institution: OTHER_INSTITUTION, scenario: 'elderly-care', requests: 2, effect: 'WIDENS' }]));
    expect(impact.data.catalogChangeImpact.summary).toMatch(/1项放宽.*1 widened/);

    // Only the data authority over the provider's area decides (an authority of another area neither
    // sees the impact nor decides); it approves within its deadline.
    const byProvider: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: change.id, decision: 'APPROVE', note: '同意' }, police);
    expect(byProvider.errors[0].extensions.code).toBe('FORBIDDEN');
    const byOutsider: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: change.id, decision: 'APPROVE', note: '同意' }, outsider);
    expect(byOutsider.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const outsiderImpact: any = await graphql(stack.gatewayUrl, IMPACT, { id: change.id }, outsider);
    expect(outsiderImpact.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const outsiderList: any = await graphql(stack.gatewayUrl, '{ catalogChanges { id } }', undefined, outsider);
    expect(outsiderList.data.catalogChanges).toEqual([]);
    const decided: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: change.id, decision: 'APPROVE', note: '审定同意' }, admin);
    expect(decided.errors).toBeUndefined();
    expect(decided.data.decideCatalogChange).toMatchObject({ status: 'APPROVED', overdue: false });
    expect(decided.data.decideCatalogChange.steps.map((s: any) => s.action)).toEqual(['proposed', 'approved']);

    // Every replica applies it: the institution without a grant now gets the address, masked.
    const widened = await onEveryReplica(ADDRESS, { ...other, 'x-scenario-id': 'elderly-care' }, (a) => typeof a.data?.person?.householdAddress === 'string');
    for (const answer of widened) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.person.householdAddress).toContain('*');
    }
    const catalog: any = await graphql(stack.gatewayUrl, '{ catalog(dataset: "530000-GA-0001") { fields { coordinate share } } }');
    expect(catalog.data.catalog[0].fields).toContainEqual({ coordinate: 'Person.householdAddress', share: 'UNCONDITIONAL' });

    // A narrowing to not shared, once approved, revokes access at once — the grant holder's too.
    const narrowing: any = await graphql(stack.gatewayUrl, PROPOSE, { input: {
      coordinate: 'Person.householdAddress', field: { share: 'NONE', legalBasis: '《中华人民共和国个人信息保护法》第二十八条' }, reason: '户籍地址列为敏感信息',
    } }, police);
    expect(narrowing.data.proposeCatalogChange.direction).toBe('NARROWS');
    const narrowImpact: any = await graphql(stack.gatewayUrl, IMPACT, { id: narrowing.data.proposeCatalogChange.id }, admin);
    expect(narrowImpact.data.catalogChangeImpact.grants).toEqual([{ id: grantId, granteeId: INSTITUTION, scenario, fields: ['Person.householdAddress'], effect: 'BREAKS' }]);
    expect(narrowImpact.data.catalogChangeImpact.scenarios).toEqual(expect.arrayContaining([expect.objectContaining({ institution: OTHER_INSTITUTION, effect: 'BREAKS' })]));
    await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: narrowing.data.proposeCatalogChange.id, decision: 'APPROVE', note: '审定同意' }, admin);
    const first: any = await graphql(stack.gatewayUrl, ADDRESS, { id }, { ...holder, 'x-scenario-id': scenario });
    expect(first.data.person.householdAddress).toBeNull(); // the very next request through the approving replica
    expect(first.errors[0].extensions.code).toBe('NOT_SHARED');
    const everywhere = await onEveryReplica(ADDRESS, { ...holder, 'x-scenario-id': scenario }, (a) => a.data?.person?.householdAddress === null);
    for (const answer of everywhere) expect(answer.errors[0].extensions.code).toBe('NOT_SHARED');
  });

  it('refuses changes that break the catalog rules, with the rule\'s code', async () => {
    // IMPORTANT and CORE data are never open (GB/T 43697-2024; Ganzi Art.24–25).
    const important: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'LegalEntity.registeredCapital', field: { level: 'IMPORTANT' }, reason: '注册资本汇总列为重要数据' } }, market);
    expect(important.errors[0].extensions).toMatchObject({ code: 'CATALOG_RULE_BROKEN', rule: 'LEVEL_FORBIDS_OPEN', coordinate: 'LegalEntity.registeredCapital' });
    // A field is never graded below its dataset (就高从严): Person is L3.
    const below: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'Person.gender', field: { level: 'L1' }, reason: '性别敏感度低' } }, police);
    expect(below.errors[0].extensions).toMatchObject({ code: 'CATALOG_RULE_BROKEN', rule: 'LEVEL_BELOW_DATASET' });
    // A refusal to share cites its legal basis (Yunnan Art.27 ¶1).
    const noBasis: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'Person.gender', field: { share: 'NONE' }, reason: '不再共享' } }, police);
    expect(noBasis.errors[0].extensions).toMatchObject({ code: 'CATALOG_RULE_BROKEN', rule: 'SHARE_NONE_WITHOUT_LEGAL_BASIS' });
    // Data not shared becomes shared only once desensitised or with consent (Ganzi Art.16 ¶2) …
    const noGround: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'Person.phone', field: { share: 'CONDITIONAL', shareCondition: '经本人同意' }, reason: '便于送达' } }, police);
    expect(noGround.errors[0].extensions.code).toBe('WIDENING_GROUND_REQUIRED');
    // … and never beyond what the data subgraph was deployed to give that kind of caller.
    const beyond: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'Person.phone', field: { share: 'CONDITIONAL', shareCondition: '经本人同意' }, reason: '便于送达', wideningGround: 'CONSENT' } }, police);
    expect(beyond.errors[0].extensions).toMatchObject({ code: 'CATALOG_RULE_BROKEN', rule: 'REACH_BEYOND_SUBGRAPH' });
    // Only the provider proposes changes of its entries.
    const notTheirs: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'LegalEntity.name', field: { open: 'CONDITIONAL', openCondition: '注册开发者' }, reason: 'x' } }, police);
    expect(notTheirs.errors[0].extensions.code).toBe('FORBIDDEN');
    // A widening that would let a masked value be worked out is refused (推断控制): the birth year
    // shared with every institution leaves the masked identity number too few candidates.
    const inferable: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'Person.birthDate', field: { share: 'UNCONDITIONAL' }, reason: '出生年份无条件共享' } }, police);
    expect(inferable.errors[0].extensions).toMatchObject({ code: 'MASK_UNSAFE', coordinates: ['Person.idNumber'] });
    const nothing: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { coordinate: 'Person.gender', field: { share: 'UNCONDITIONAL' }, reason: 'x' } }, police);
    expect(nothing.errors[0].extensions.code).toBe('NO_CHANGE');
    const listed: any = await graphql(stack.gatewayUrl, '{ catalogChanges(status: "PENDING") { id } }', undefined, admin);
    expect(listed.data.catalogChanges).toEqual([]); // none of them was filed
  });

  it('returns a change for amendment within 10 working days, withdraws a field, and settles a dispute by referral (Yunnan Art.12 ¶3, Art.27)', async () => {
    const proposed: any = await graphql(stack.gatewayUrl, PROPOSE, { input: { kind: 'WITHDRAW', coordinate: 'Person.householdNumber', reason: '户号由户籍系统单独提供', basisChangedOn: chinaToday() } }, police);
    const change = proposed.data.proposeCatalogChange;
    expect(change).toMatchObject({ kind: 'WITHDRAW', direction: 'NARROWS' });
    const returned: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: change.id, decision: 'RETURN', note: '请补充替代获取途径' }, admin);
    expect(returned.data.decideCatalogChange.status).toBe('RETURNED');
    expect(returned.data.decideCatalogChange.dueOn > chinaToday()).toBe(true);
    const amended: any = await graphql(stack.gatewayUrl, `mutation($id: ID!, $input: CatalogChangeInput!) { amendCatalogChange(id: $id, input: $input) { status steps { action } } }`,
      { id: change.id, input: { kind: 'WITHDRAW', reason: '户号改由户籍管理系统接口提供（已上线）' } }, police);
    expect(amended.data.amendCatalogChange).toEqual({ status: 'PENDING', steps: [{ action: 'proposed' }, { action: 'returned' }, { action: 'amended' }] });
    await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: change.id, decision: 'APPROVE', note: '同意撤销' }, admin);
    const withdrawn: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { gender householdNumber } }', { id }, { ...holder, 'x-scenario-id': 'any' });
    expect(withdrawn.data.person.householdNumber).toBeNull();
    expect(withdrawn.errors.map((e: any) => e.extensions.code)).toEqual(['WITHDRAWN']);
    const catalog: any = await graphql(stack.gatewayUrl, '{ catalog(dataset: "530000-GA-0001") { fields { coordinate } } }');
    expect(catalog.data.catalog[0].fields.map((f: any) => f.coordinate)).not.toContain('Person.householdNumber');

    // Another institution disputes an attribute; consultation failing, the authority refers it.
    const disputed: any = await graphql(stack.gatewayUrl, `mutation { disputeCatalogAttribute(coordinate: "Person.ethnicity", field: { share: "UNCONDITIONAL" }, reason: "民族成分为落实民族政策履职必需，协商未果") { id kind status } }`, undefined, other);
    expect(disputed.errors).toBeUndefined();
    expect(disputed.data.disputeCatalogAttribute).toMatchObject({ kind: 'DISPUTE', status: 'PENDING' });
    const referred: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: disputed.data.disputeCatalogAttribute.id, decision: 'REFER', note: '协商未果，报本级政府决定' }, admin);
    expect(referred.data.decideCatalogChange.status).toBe('REFERRED');
    const mine: any = await graphql(stack.gatewayUrl, '{ catalogChanges { id status } }', undefined, other);
    expect(mine.data.catalogChanges).toEqual([{ id: disputed.data.disputeCatalogAttribute.id, status: 'REFERRED' }]);
  });
}

// A municipal deployment: the population provider registered in Kunming, Kunming's authority reviews, Qujing's may not.
describe('managed catalog on the embedded defaults, Kunming profile, reviewed by the Kunming authority', () => {
  catalogSuite(() => ({ DATABASE_URL: '' }), {
    replicas: false, profile: 'kunming', providerDivision: '530100',
    reviewer: { org: KUNMING_AUTHORITY, div: '530100' }, outsider: { org: QUJING_AUTHORITY, div: '530300' },
  });
});

describeWithPostgres('managed catalog with two gateway replicas (Redis + PostgreSQL), Yunnan profile, reviewed by the province', () => {
  const prefix = uniqueSchemaPrefix('cat');
  if (!redisAvailable()) {
    it.skip('needs Redis as well', () => undefined);
    return;
  }
  catalogSuite(() => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `${prefix}:`, GRANT_CACHE_MS: '60000' }), {
    replicas: true, profile: 'yunnan', providerDivision: '530000',
    reviewer: { org: PROVINCE_AUTHORITY, div: '530000' }, outsider: { org: KUNMING_AUTHORITY, div: '530100' },
  });
  afterAll(() => dropSchemas(prefix));
});
