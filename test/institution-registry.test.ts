// Authorities by area and the registry of institutions (issue 14 item 4), over HTTP against a running
// channel with real signed JWTs, two gateway replicas and the platform's own database:
//  - only institutions the authorities registered hold tokens that count: public institutions are
//    reviewed by the data authority of their own level (Yunnan Art.12 ¶3: 报同级公共数据主管部门审定;
//    Kunming Art.11 ¶3), authorities by the level above (Yunnan Art.12 ¶2, Kunming Art.11 ¶2);
//  - each authority governs its own area (Yunnan Art.6 (一), Kunming Art.4 (一): 统筹本行政区域内): a Kunming
//    admin decides neither a Qujing provider's application at the authority stage nor suspends a Qujing
//    institution; the province does both.
// In this stack the Licence data is provided by Qujing's 政务服务管理局 and the Person data by Kunming's
// 公安局 (the supergraph served is the checked-in one with those two provider codes changed), so that the
// authority stage of the Guiyang-Gui'an profile has a provider in each prefecture to be reviewed by.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCreditCode } from '../lib/identifiers';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { application, APPLY, DECIDE, INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { replicaEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { graphql, type GraphQLResult } from './support/graphql';
import { KUNMING_AUTHORITY, PROVINCE_AUTHORITY, QUJING_AUTHORITY, testInstitutionsFile } from './support/institutions';
import { redisAvailable, TEST_REDIS_URL } from './support/services';
import { startStack, type Stack } from './support/stack';

const KUNMING_POLICE = makeCreditCode('1', '1', '530100', '01530190'); // 昆明市公安局: provides Person here
const QUJING_SERVICES = makeCreditCode('1', '1', '530300', '01530301'); // 曲靖市政务服务管理局: provides Licence here
const QILIN_OFFICE = makeCreditCode('1', '1', '530302', '01530302'); // 曲靖市麒麟区 an institution of Qujing
const WUHUA_OFFICE = makeCreditCode('1', '1', '530102', '01530199'); // registered by Kunming through the API
const NOBODY = makeCreditCode('1', '1', '530300', '01530399'); // never registered

const REGISTERED_HERE = [
  { creditCode: KUNMING_POLICE, name: '昆明市公安局', division: '530100', kind: 'institution' },
  { creditCode: QUJING_SERVICES, name: '曲靖市政务服务管理局', division: '530300', kind: 'institution' },
  { creditCode: QILIN_OFFICE, name: '曲靖市麒麟区民政局', division: '530302', kind: 'institution' },
];

/** The checked-in supergraph with Person provided by Kunming and Licence by Qujing. */
function supergraphWithLocalProviders(dir: string): string {
  const sdl = fs.readFileSync(path.resolve(__dirname, '../schema/supergraph.graphql'), 'utf8');
  const changed = sdl.replace(`providerCode: "${POLICE}"`, `providerCode: "${KUNMING_POLICE}"`).replace('providerCode: "1153000001520003XW"', `providerCode: "${QUJING_SERVICES}"`);
  if (changed.split(KUNMING_POLICE).length !== 2 || changed.split(QUJING_SERVICES).length !== 2) throw new Error('the supergraph no longer names the providers this test relocates');
  const file = path.join(dir, 'supergraph.graphql');
  fs.writeFileSync(file, changed);
  return file;
}

const INSTITUTIONS = `query($division: String, $status: InstitutionStatus) { institutions(division: $division, status: $status) { creditCode name division kind status area level } }`;
const REGISTER = `mutation($input: InstitutionInput!) { registerInstitution(input: $input) { creditCode name division kind status registeredBy } }`;
const DEREGISTER = `mutation($code: String!, $reason: String!) { deregisterInstitution(creditCode: $code, reason: $reason) { creditCode status deregisteredBy deregisterReason } }`;
const REINSTATE = `mutation($code: String!, $reason: String!) { reinstateInstitution(creditCode: $code, reason: $reason) { creditCode status reinstatedBy } }`;
const SUSPEND = `mutation($id: String!) { suspend(target: INSTITUTION, id: $id, scope: BOTH, reason: "违规调用排查") { id targetId } }`;
const MY_APPLICATIONS = '{ applications { id } }';

const codeOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.code;
const reasonOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.reason;

describe('authorities by area and the institution registry', () => {
  const credentials = new Credentials();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-registry-'));
  const grantsFile = writeGrantsFile([]);
  const withRedis = redisAvailable();
  let stack: Stack;
  let replica: GatewayProcess;
  const bearer = async (org: string, roles: string[], div?: string) => ({ authorization: `Bearer ${await credentials.token({ org, roles, div, sub: `op-${org.slice(-4)}` })}` });
  let province: Record<string, string>;
  let kunming: Record<string, string>;
  let qujing: Record<string, string>;

  beforeAll(async () => {
    const extra = path.join(dir, 'institutions.json');
    fs.writeFileSync(extra, JSON.stringify(REGISTERED_HERE));
    const shared: NodeJS.ProcessEnv = {
      SUPERGRAPH_FILE: supergraphWithLocalProviders(dir),
      // Announced on Redis where there is one (every replica drops its cache at once); else the cache lifetime bounds the delay.
      ...(withRedis ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `registry-${process.pid}:` } : {}),
      GRANT_CACHE_MS: withRedis ? '60000' : '500',
    };
    stack = await startStack({
      DATA_SCALE: TEST_SCALE,
      GRANTS_FILE: grantsFile,
      INSTITUTIONS_FILE: `${testInstitutionsFile()},${extra}`,
      JURISDICTION_PROFILE: 'guiyang-guian',
      ...credentials.env(),
      ...shared,
    });
    replica = await startGatewayProcess({ ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), ...shared });
    province = await bearer(PROVINCE_AUTHORITY, ['admin'], '530000');
    kunming = await bearer(KUNMING_AUTHORITY, ['admin'], '530100');
    qujing = await bearer(QUJING_AUTHORITY, ['admin'], '530300');
  }, 240_000);

  afterAll(async () => {
    await replica?.stop();
    await stack?.stop();
    credentials.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Yunnan Art.12 ¶3: an unregistered institution\'s token is refused with INSTITUTION_UNREGISTERED, and the audit records the refusal', async () => {
    const headers = { ...(await bearer(NOBODY, ['institution'], '530300')), 'x-scenario-id': 'registry-check' };
    const refused = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { name } }', { id: personIdAt(DEFAULT_SEED, 1) }, headers);
    expect(refused.status).toBe(403);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'INSTITUTION_UNREGISTERED', reason: 'UNREGISTERED' });
    expect(refused.errors![0].message).toMatch(/未在平台登记 \/ .*not registered/);
    // Control-plane calls are refused the same way: the token counts for nothing.
    const control = await graphql(stack.gatewayUrl, MY_APPLICATIONS, undefined, headers);
    expect(control.status).toBe(403);
    expect(codeOf(control)).toBe('INSTITUTION_UNREGISTERED');
    // Read through the gateway that answered: its journal has reached the chain by then.
    const audit = await graphql(stack.gatewayUrl, 'query($f: AuditFilter) { auditRecords(filter: $f) { records { institution decision errorCodes } } }', { f: { institution: NOBODY } }, province);
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.auditRecords.records.length).toBeGreaterThanOrEqual(2);
    for (const record of audit.data!.auditRecords.records) expect(record).toMatchObject({ institution: NOBODY, decision: 'denied' });
  });

  it('Yunnan Art.12 ¶3: a registered institution\'s token naming another division than the registry\'s is refused', async () => {
    const elsewhere = await graphql(stack.gatewayUrl, MY_APPLICATIONS, undefined, await bearer(INSTITUTION, ['institution'], '530102'));
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.errors![0].extensions).toMatchObject({ code: 'INSTITUTION_UNREGISTERED', reason: 'DIVISION_MISMATCH' });
    const own = await graphql(stack.gatewayUrl, MY_APPLICATIONS, undefined, await bearer(INSTITUTION, ['institution'], '530100'));
    expect(own.status).toBe(200);
    expect(own.errors).toBeUndefined();
  });

  it('Kunming Art.11 ¶3: the Kunming authority registers an institution of its area through the API, and that institution\'s token then works', async () => {
    const office = await bearer(WUHUA_OFFICE, ['institution'], '530102');
    const before = await graphql(stack.gatewayUrl, MY_APPLICATIONS, undefined, office);
    expect(codeOf(before)).toBe('INSTITUTION_UNREGISTERED');

    const registered = await graphql(stack.gatewayUrl, REGISTER, { input: { creditCode: WUHUA_OFFICE, name: '昆明市五华区华山街道办事处', division: '530102', reason: '新设机构' } }, kunming);
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerInstitution).toMatchObject({ creditCode: WUHUA_OFFICE, division: '530102', kind: 'INSTITUTION', status: 'ACTIVE', registeredBy: expect.stringContaining(KUNMING_AUTHORITY) });
    // The registration is announced: both replicas honour the token at once.
    for (const url of [stack.gatewayUrl, replica.url]) {
      const after = await graphql(url, MY_APPLICATIONS, undefined, office);
      expect(after.status).toBe(200);
      expect(after.errors).toBeUndefined();
      expect(after.data!.applications).toEqual([]);
    }
    // Listed in Kunming's registry, not in Qujing's.
    const listed = await graphql(stack.gatewayUrl, INSTITUTIONS, { division: '530102' }, kunming);
    expect(listed.data!.institutions.map((i: any) => i.creditCode)).toContain(WUHUA_OFFICE);
    const qujingList = await graphql(stack.gatewayUrl, INSTITUTIONS, {}, qujing);
    expect(qujingList.data!.institutions.map((i: any) => i.creditCode)).toEqual(expect.arrayContaining([QUJING_SERVICES, QILIN_OFFICE]));
    expect(qujingList.data!.institutions.map((i: any) => i.creditCode)).not.toContain(WUHUA_OFFICE);
    expect(qujingList.data!.institutions.every((i: any) => i.division.startsWith('5303'))).toBe(true);
  });

  it('Yunnan Art.12 ¶2–3: an authority registers only inside its area, an authority only from the level above; bad input is a coded error and changes nothing', async () => {
    const inQujing = await graphql(stack.gatewayUrl, REGISTER, { input: { creditCode: NOBODY, name: '曲靖某局', division: '530302' } }, kunming);
    expect(inQujing.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const peer = await graphql(stack.gatewayUrl, REGISTER, { input: { creditCode: NOBODY, name: '昆明另一数据局', division: '530100', kind: 'AUTHORITY' } }, kunming);
    expect(peer.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const badCode = await graphql(stack.gatewayUrl, REGISTER, { input: { creditCode: '91530100MA6K00000A', name: '某单位', division: '530102' } }, kunming);
    expect(badCode.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'creditCode' });
    expect(badCode.errors![0].message).toContain(' / ');
    const badDivision = await graphql(stack.gatewayUrl, REGISTER, { input: { creditCode: NOBODY, name: '某单位', division: '530199' } }, kunming);
    expect(badDivision.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'division' });
    const again = await graphql(stack.gatewayUrl, REGISTER, { input: { creditCode: INSTITUTION, name: '昆明市民政局', division: '530100' } }, kunming);
    expect(again.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ALREADY_REGISTERED' });
    const all = await graphql(stack.gatewayUrl, INSTITUTIONS, {}, province);
    expect(all.data!.institutions.map((i: any) => i.creditCode)).not.toContain(NOBODY);
    // The province registers a county authority below it.
    const county = makeCreditCode('1', '1', '530302', '01530388');
    const authority = await graphql(stack.gatewayUrl, REGISTER, { input: { creditCode: county, name: '曲靖市麒麟区数据局', division: '530302', kind: 'AUTHORITY' } }, province);
    expect(authority.data!.registerInstitution).toMatchObject({ kind: 'AUTHORITY', status: 'ACTIVE' });
  });

  it('an admin token of an institution that is not a registered authority has no admin rights (FORBIDDEN, NOT_AN_AUTHORITY)', async () => {
    // 云南省公安厅 is registered, as an institution: role admin in its token gives it nothing.
    const police = await bearer(POLICE, ['admin'], '530000');
    for (const [query, variables] of [[INSTITUTIONS, {}], [SUSPEND, { id: QILIN_OFFICE }], ['{ suspensions { id } }', {}], ['{ overdueApplications { id } }', {}]] as const) {
      const result = await graphql(stack.gatewayUrl, query, variables, police);
      expect(result.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_AN_AUTHORITY' });
    }
    // An authority's token naming another division than its registered one is refused at the gateway.
    const misplaced = await graphql(stack.gatewayUrl, INSTITUTIONS, {}, await bearer(KUNMING_AUTHORITY, ['admin'], '530000'));
    expect(misplaced.errors![0].extensions).toMatchObject({ code: 'INSTITUTION_UNREGISTERED', reason: 'DIVISION_MISMATCH' });
  });

  it('Yunnan Art.12 ¶3, Kunming Art.11: a Kunming admin cannot decide a Qujing provider\'s application at the authority stage; the province can; Kunming decides its own provider\'s', async () => {
    const applicant = await bearer(INSTITUTION, ['institution']);
    const licenceApp = await graphql(stack.gatewayUrl, APPLY, { input: { ...application('registry-licence'), fields: ['Licence.number'], plain: [] } }, applicant);
    expect(licenceApp.errors).toBeUndefined();
    expect(licenceApp.data!.applyForAccess.stages).toEqual(['big-data-department', 'provider']);
    const id = licenceApp.data!.applyForAccess.id;

    const byKunming = await graphql(stack.gatewayUrl, DECIDE, { id, approve: true }, kunming);
    expect(byKunming.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    // Kunming does not even see it in its lists; Qujing and the province do.
    const kunmingSees = await graphql(stack.gatewayUrl, '{ applications { id } }', undefined, kunming);
    expect(kunmingSees.data!.applications.map((a: any) => a.id)).not.toContain(id);
    const qujingSees = await graphql(stack.gatewayUrl, '{ applications { id } }', undefined, qujing);
    expect(qujingSees.data!.applications.map((a: any) => a.id)).toContain(id);

    const byProvince = await graphql(stack.gatewayUrl, DECIDE, { id, approve: true }, province);
    expect(byProvince.errors).toBeUndefined();
    expect(byProvince.data!.decideApplication).toMatchObject({ status: 'PENDING', currentStage: 'provider' });

    const personApp = await graphql(stack.gatewayUrl, APPLY, { input: application('registry-person') }, applicant);
    const byOwnAuthority = await graphql(stack.gatewayUrl, DECIDE, { id: personApp.data!.applyForAccess.id, approve: true }, kunming);
    expect(byOwnAuthority.errors).toBeUndefined();
    expect(byOwnAuthority.data!.decideApplication).toMatchObject({ status: 'PENDING', currentStage: 'provider' });
  });

  it('Yunnan Art.6 (一): a Kunming admin cannot suspend a Qujing institution (FORBIDDEN); the province can, and only it and Qujing see the suspension', async () => {
    const byKunming = await graphql(stack.gatewayUrl, SUSPEND, { id: QILIN_OFFICE }, kunming);
    expect(byKunming.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const byProvince = await graphql(stack.gatewayUrl, SUSPEND, { id: QILIN_OFFICE }, province);
    expect(byProvince.errors).toBeUndefined();
    const suspensionId = byProvince.data!.suspend.id;
    const ids = async (headers: Record<string, string>) => (await graphql(stack.gatewayUrl, '{ suspensions { id } }', undefined, headers)).data!.suspensions.map((s: any) => s.id);
    expect(await ids(kunming)).not.toContain(suspensionId);
    expect(await ids(qujing)).toContain(suspensionId);
    expect(await ids(province)).toContain(suspensionId);
    // Nor may Kunming lift it.
    const lift = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { liftSuspension(id: $id, reason: "排查完成") { id } }', { id: suspensionId }, kunming);
    expect(lift.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    // Suspending an institution of its own area is Kunming's to do.
    const own = await graphql(stack.gatewayUrl, SUSPEND, { id: WUHUA_OFFICE }, kunming);
    expect(own.errors).toBeUndefined();
    const lifted = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { liftSuspension(id: $id, reason: "排查完成") { liftedAt } }', { id: own.data!.suspend.id }, kunming);
    expect(lifted.data!.liftSuspension.liftedAt).toBeTruthy();
  });

  it('Yunnan Art.6 (一): grants are where their grantee is — Kunming neither grants emergency access to, nor scopes or revokes the grant of, a Qujing institution; the province does', async () => {
    const emergency = 'mutation($inst: String!) { grantEmergencyAccess(institution: $inst, scenario: "flood-2026", fields: ["Person.name"], hours: 2, reason: "洪涝灾害救援") { id granteeId } }';
    const byKunming = await graphql(stack.gatewayUrl, emergency, { inst: QILIN_OFFICE }, kunming);
    expect(byKunming.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const byProvince = await graphql(stack.gatewayUrl, emergency, { inst: QILIN_OFFICE }, province);
    expect(byProvince.errors).toBeUndefined();
    const grantId = byProvince.data!.grantEmergencyAccess.id;

    const scoped = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { scopeGrant(id: $id, divisionCode: "530302") { id } }', { id: grantId }, kunming);
    expect(scoped.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const revoked = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { revokeGrant(id: $id, reason: "救援结束") { status } }', { id: grantId }, kunming);
    expect(revoked.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const grantIds = async (headers: Record<string, string>) => (await graphql(stack.gatewayUrl, '{ grants { id } }', undefined, headers)).data!.grants.map((g: any) => g.id);
    expect(await grantIds(kunming)).not.toContain(grantId);
    expect(await grantIds(qujing)).toContain(grantId);
    const byQujing = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { revokeGrant(id: $id, reason: "救援结束") { status } }', { id: grantId }, qujing);
    expect(byQujing.data!.revokeGrant.status).toBe('revoked');
  });

  it('a deregistered institution is refused on the next request, on both replicas; reinstated, it is honoured again', async () => {
    const office = await bearer(WUHUA_OFFICE, ['institution'], '530102');
    // Both replicas have the office's state cached.
    for (const url of [stack.gatewayUrl, replica.url]) expect((await graphql(url, MY_APPLICATIONS, undefined, office)).status).toBe(200);

    const notTheirs = await graphql(stack.gatewayUrl, DEREGISTER, { code: WUHUA_OFFICE, reason: '机构撤并' }, qujing);
    expect(notTheirs.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const noReason = await graphql(stack.gatewayUrl, DEREGISTER, { code: WUHUA_OFFICE, reason: ' ' }, kunming);
    expect(noReason.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });

    const deregistered = await graphql(stack.gatewayUrl, DEREGISTER, { code: WUHUA_OFFICE, reason: '机构撤并' }, kunming);
    expect(deregistered.errors).toBeUndefined();
    expect(deregistered.data!.deregisterInstitution).toMatchObject({ status: 'DEREGISTERED', deregisterReason: '机构撤并' });

    const next = await graphql(stack.gatewayUrl, MY_APPLICATIONS, undefined, office);
    expect(next.status).toBe(403);
    expect(next.errors![0].extensions).toMatchObject({ code: 'INSTITUTION_UNREGISTERED', reason: 'DEREGISTERED' });
    // The other replica: at once when the change is announced on Redis, else within its cache lifetime.
    const deadline = Date.now() + (withRedis ? 1000 : 1500);
    let other: GraphQLResult;
    do other = await graphql(replica.url, MY_APPLICATIONS, undefined, office);
    while (other.status === 200 && Date.now() < deadline);
    expect(other.status).toBe(403);
    expect(reasonOf(other)).toBe('DEREGISTERED');

    const listed = await graphql(stack.gatewayUrl, INSTITUTIONS, { status: 'DEREGISTERED' }, kunming);
    expect(listed.data!.institutions.map((i: any) => i.creditCode)).toEqual([WUHUA_OFFICE]);

    const reinstated = await graphql(stack.gatewayUrl, REINSTATE, { code: WUHUA_OFFICE, reason: '撤并取消' }, kunming);
    expect(reinstated.data!.reinstateInstitution).toMatchObject({ status: 'ACTIVE' });
    expect((await graphql(stack.gatewayUrl, MY_APPLICATIONS, undefined, office)).status).toBe(200);
  });
});
