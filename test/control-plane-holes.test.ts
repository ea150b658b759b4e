// Issue 11, the control plane's holes (3, 4 and the control-plane parts of 6), through the gateway as
// users meet them: a county office gets a listing through the API alone, a person sees who verified
// them, grants, suspensions and their audit records say what they are, and each audience
// introspects only the operations it may call.
import { creditCodeAt, personAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { APPLY, DECIDE, INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';

const LICENCE_PROVIDER = '1153000001520003XW'; // 云南省政务服务管理局, provider of 电子证照信息
const COUNTY_OFFICE = '11530102015301201A'; // 五华区民政局 (530102, in the test registry): holds no grant at the start
const PENSIONS = '115301020153010338';
const SUSPENDED_OFFICE = creditCodeAt(DEFAULT_SEED, 1);
const DEVELOPER = 'realname-holes';
const day = 86_400_000;
const GRANTS = [
  { id: 'holes-expired', grantee: { kind: 'institution', id: PENSIONS }, scenario: 'pension-eligibility', fields: ['Person.name'], validFrom: '2024-01-01T00:00:00Z', validUntil: '2025-01-01T00:00:00Z' },
  { id: 'holes-future', grantee: { kind: 'institution', id: PENSIONS }, scenario: 'pension-next-year', fields: ['Person.name'], validFrom: new Date(Date.now() + 300 * day).toISOString(), validUntil: new Date(Date.now() + 600 * day).toISOString() },
  { id: 'holes-current', grantee: { kind: 'institution', id: PENSIONS }, scenario: 'pension-now', fields: ['Person.name'], validFrom: '2025-01-01T00:00:00Z', validUntil: new Date(Date.now() + 300 * day).toISOString() },
  { id: 'holes-suspended-office', grantee: { kind: 'institution', id: SUSPENDED_OFFICE }, scenario: 'duty', fields: ['Person.name'], validFrom: '2025-01-01T00:00:00Z', validUntil: new Date(Date.now() + 300 * day).toISOString() },
  { id: 'holes-developer', grantee: { kind: 'developer', id: DEVELOPER }, scenario: 'realname-verification', fields: ['Query.verifyPersonIdentity'], validFrom: '2025-01-01T00:00:00Z', validUntil: new Date(Date.now() + 300 * day).toISOString() },
];
// The fixture file's social-assistance grant (gateway/fixtures/grants.dev.json), split by provider:
// one application per provider (一需求一审核).
const PERSON_FIELDS = ['Person.idNumber', 'Person.name', 'Person.birthDate', 'Person.householdAddress', 'Person.householdMembers', 'Person.householdNumber', 'Person.licences', 'Query.personsByDivision'];
const LICENCE_FIELDS = ['Licence.number', 'Licence.holder'];
const LISTING = 'query($div: String!) { personsByDivision(divisionCode: $div, first: 3) { edges { node { idNumber name birthDate householdAddress licences { number } } } } }';

const apply = (scenario: string, fields: string[], plain: string[] = []) => ({
  scenario,
  scenarioName: '县级数据回流：辖区低保核对',
  description: '县民政局核对辖区低保对象户籍信息',
  legalBasis: '《社会救助暂行办法》第十一条',
  fields,
  plain,
  validFrom: new Date(Date.now() - 60_000).toISOString(),
  validUntil: new Date(Date.now() + 30 * day).toISOString(),
});

describe('control-plane holes (issue 11)', () => {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile(GRANTS);
  let stack: Stack;
  const bearer = async (org: string, roles: string[], sub: string) => ({ authorization: `Bearer ${await credentials.token({ org, roles, sub, div: '530000' })}` });
  let admin: Record<string, string>;
  let police: Record<string, string>;
  let licenceProvider: Record<string, string>;
  let county: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, ...credentials.env() });
    admin = await bearer(PROVINCE_AUTHORITY, ['admin'], 'admin-holes');
    police = await bearer(POLICE, ['provider'], 'reviewer-police');
    licenceProvider = await bearer(LICENCE_PROVIDER, ['provider'], 'reviewer-licences');
    county = { authorization: `Bearer ${await credentials.token({ org: COUNTY_OFFICE, sub: 'op-county', div: '530102' })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  /** The audit record of one response, found by its x-request-id. */
  async function auditRecordOf(requestId: string | null): Promise<any> {
    const page: any = await graphql(stack.gatewayUrl, '{ auditRecords(first: 50) { records { requestId kind callerKind roles decision errorCodes targets reason subjectCount fieldsReturned } } }', undefined, admin);
    const record = page.data.auditRecords.records.find((r: any) => r.requestId === requestId);
    if (!record) throw new Error(`no audit record for ${requestId}`);
    return record;
  }

  async function approved(filed: any, reviewer: Record<string, string>): Promise<any> {
    expect(filed.errors).toBeUndefined();
    const decided: any = await graphql(stack.gatewayUrl, DECIDE, { id: filed.data.applyForAccess.id, approve: true }, reviewer);
    expect(decided.errors).toBeUndefined();
    expect(decided.data.decideApplication.status).toBe('APPROVED');
    return decided.data.decideApplication;
  }

  describe('hole 3: conditional root fields can be applied for, approved and granted through the API', () => {
    it('says in the catalog who approves each root field: the provider of the dataset it returns', async () => {
      const catalog: any = await graphql(stack.gatewayUrl, '{ catalog { code provider fields { coordinate share provider providerCode } } }');
      expect(catalog.errors).toBeUndefined();
      const field = (coordinate: string) => catalog.data.catalog.flatMap((d: any) => d.fields.map((f: any) => ({ ...f, dataset: d.code }))).find((f: any) => f.coordinate === coordinate);
      expect(field('Query.personsByDivision')).toMatchObject({ dataset: '530000-GA-0001', share: 'CONDITIONAL', provider: '云南省公安厅', providerCode: POLICE });
      expect(field('Query.licencesByDivision')).toMatchObject({ dataset: '530000-ZW-0001', provider: '云南省政务服务管理局', providerCode: LICENCE_PROVIDER });
      expect(field('Query.licence')).toMatchObject({ dataset: '530000-ZW-0001', providerCode: LICENCE_PROVIDER });
      expect(field('Query.verifyPersonIdentity')).toMatchObject({ dataset: '530000-GA-0001', providerCode: POLICE });
    });

    it('a new county office applies for a listing and fields, the providers approve, and its operator lists persons', async () => {
      const division = personAt(DEFAULT_SEED, 0).divisionCode;
      const headers = { ...county, 'x-scenario-id': 'county-dibao' };
      const before: any = await graphql(stack.gatewayUrl, LISTING, { div: division }, headers);
      expect(before.errors?.map((e: any) => e.extensions.code)).toContain('GRANT_REQUIRED');

      // A root field goes to the provider of the dataset it returns; another provider may not decide it.
      const persons: any = await graphql(stack.gatewayUrl, APPLY, { input: apply('county-dibao', PERSON_FIELDS, ['Person.name', 'Person.birthDate']) }, county);
      const licences: any = await graphql(stack.gatewayUrl, APPLY, { input: apply('county-dibao', LICENCE_FIELDS) }, county);
      expect(licences.errors).toBeUndefined();
      const wrongProvider: any = await graphql(stack.gatewayUrl, DECIDE, { id: persons.data.applyForAccess.id, approve: true }, licenceProvider);
      expect(wrongProvider.errors[0].extensions.code).toBe('FORBIDDEN');
      await approved(persons, police);
      await approved(licences, licenceProvider);

      const listed: any = await graphql(stack.gatewayUrl, LISTING, { div: division }, headers);
      expect(listed.errors).toBeUndefined();
      const nodes = listed.data.personsByDivision.edges.map((e: any) => e.node);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        expect(node.name).toMatch(/^\p{Script=Han}+$/u); // plain, as applied for
        expect(node.idNumber).toContain('*'); // masked: not applied for plain
      }
      const mine: any = await graphql(stack.gatewayUrl, '{ grants { scenario fields status } }', undefined, county);
      const fields = mine.data.grants.filter((g: any) => g.scenario === 'county-dibao').flatMap((g: any) => g.fields);
      expect(fields.sort()).toEqual([...PERSON_FIELDS, ...LICENCE_FIELDS].sort());
    });

    it('takes an application for every catalogued root field that is shared or open at all', async () => {
      const catalog: any = await graphql(stack.gatewayUrl, '{ catalog { fields { coordinate share open providerCode } } }');
      const roots = catalog.data.catalog.flatMap((d: any) => d.fields).filter((f: any) => f.coordinate.startsWith('Query.'));
      expect(roots.map((f: any) => f.coordinate)).toEqual(expect.arrayContaining(['Query.personsByDivision', 'Query.licencesByDivision', 'Query.licence', 'Query.verifyPersonIdentity']));
      for (const field of roots.filter((f: any) => f.share !== 'NONE')) {
        const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: apply(`county-all-${field.coordinate.slice(6)}`, [field.coordinate]) }, county);
        expect([field.coordinate, filed.errors]).toEqual([field.coordinate, undefined]);
      }
      // A developer's open-data application for a root field goes to the provider of its dataset too.
      const developer = { 'x-api-key': credentials.apiKey('realname-newcomer') };
      // Conditional open data needs the agreements in force accepted and recorded (Yunnan Art.35).
      for (const kind of ['security-commitment', 'use-agreement']) await graphql(stack.gatewayUrl, 'mutation($kind: String!) { acceptAgreement(kind: $kind, version: "1") { accepted } }', { kind }, developer);
      const open: any = await graphql(stack.gatewayUrl, APPLY, { input: { ...apply('newcomer-realname', ['Query.verifyPersonIdentity']), purpose: 'OPEN' } }, developer);
      const decided = await approved(open, police);
      const verified: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { verifyPersonIdentity(idNumber: $id, name: "张三") }', { id: personAt(DEFAULT_SEED, 5).idNumber }, { ...developer, 'x-scenario-id': 'newcomer-realname' });
      expect(decided.grantId).toBeTruthy();
      expect(verified.errors).toBeUndefined();
      expect(['MATCH', 'NO_MATCH']).toContain(verified.data.verifyPersonIdentity);
    });

    it('grants emergency access to a root field', async () => {
      const emergency: any = await graphql(
        stack.gatewayUrl,
        'mutation { grantEmergencyAccess(institution: "' + INSTITUTION + '", scenario: "flood-2026", fields: ["Query.licencesByDivision", "Licence.number"], hours: 2, reason: "山洪灾害转移安置") { id status emergency fields } }',
        undefined,
        admin,
      );
      expect(emergency.errors).toBeUndefined();
      expect(emergency.data.grantEmergencyAccess).toMatchObject({ status: 'active', emergency: true, fields: ['Query.licencesByDivision', 'Licence.number'] });
      const operator = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-flood' })}`, 'x-scenario-id': 'flood-2026' };
      const listed: any = await graphql(stack.gatewayUrl, '{ licencesByDivision(divisionCode: "530000", first: 2) { edges { node { number type } } } }', undefined, operator);
      expect(listed.errors).toBeUndefined();
      expect(listed.data.licencesByDivision.edges).toHaveLength(2);
    });

    it('still refuses what is not catalogued or not shared, with coded bilingual errors', async () => {
      for (const fields of [['Query.auditRecords'], ['Query.nothing'], ['Person.phone']]) {
        const refused: any = await graphql(stack.gatewayUrl, APPLY, { input: apply('county-bad', fields) }, county);
        expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(refused.errors[0].message).toMatch(/\p{Script=Han}.* \/ [A-Za-z]/u);
      }
    });
  });

  describe('hole 4: verifications are visible to the person verified', () => {
    it('records the verified person (hashed) for MATCH and NO_MATCH answers, and myAccesses shows who checked, when and why', async () => {
      const person = personAt(DEFAULT_SEED, 11);
      const other = personAt(DEFAULT_SEED, 12);
      const verify = 'query($id: ID!, $name: String!) { verifyPersonIdentity(idNumber: $id, name: $name) }';
      const byInstitution = await graphql(stack.gatewayUrl, verify, { id: person.idNumber, name: person.name }, { ...county, 'x-scenario-id': 'identity-check' });
      expect(byInstitution.data).toEqual({ verifyPersonIdentity: 'MATCH' });
      const byDeveloper = await graphql(stack.gatewayUrl, verify, { id: person.idNumber, name: '不是此人' }, { 'x-api-key': credentials.apiKey(DEVELOPER), 'x-scenario-id': 'realname-verification' });
      expect(byDeveloper.data).toEqual({ verifyPersonIdentity: 'NO_MATCH' });
      expect((await auditRecordOf(byInstitution.headers.get('x-request-id'))).subjectCount).toBe(1);

      const subject = { authorization: `Bearer ${await credentials.subjectToken(person.idNumber)}` };
      const mine: any = await graphql(stack.gatewayUrl, '{ myAccesses { recordedAt callerKind institution developer scenario fields } }', undefined, subject);
      expect(mine.errors).toBeUndefined();
      expect(mine.data.myAccesses).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ callerKind: 'institution', institution: COUNTY_OFFICE, developer: null, scenario: 'identity-check', fields: ['Query.verifyPersonIdentity'] }),
          expect.objectContaining({ callerKind: 'developer', institution: null, developer: DEVELOPER, scenario: 'realname-verification', fields: ['Query.verifyPersonIdentity'] }),
        ]),
      );
      // Nobody else sees these checks.
      const otherSubject = { authorization: `Bearer ${await credentials.subjectToken(other.idNumber)}` };
      const theirs: any = await graphql(stack.gatewayUrl, '{ myAccesses { scenario } }', undefined, otherSubject);
      expect(theirs.data.myAccesses.filter((a: any) => a.scenario === 'identity-check' || a.scenario === 'realname-verification')).toEqual([]);
    });
  });

  describe('hole 6: expired grants are listed as expired, not active', () => {
    it('reports expired, notYetValid and active from the validity window', async () => {
      const pensions = { authorization: `Bearer ${await credentials.token({ org: PENSIONS, sub: 'op-pensions' })}` };
      const mine: any = await graphql(stack.gatewayUrl, '{ grants { id status } }', undefined, pensions);
      const status = Object.fromEntries(mine.data.grants.map((g: any) => [g.id, g.status]));
      expect(status).toEqual({ 'holes-expired': 'expired', 'holes-future': 'notYetValid', 'holes-current': 'active' });
    });
  });

  describe('hole 6: applications whose validity lies wholly in the past are refused', () => {
    it.each([
      ['wholly in the past', { validFrom: '2024-01-01T00:00:00Z', validUntil: '2024-06-01T00:00:00Z' }, 'validUntil'],
      ['ending before it starts', { validFrom: new Date(Date.now() + 2 * day).toISOString(), validUntil: new Date(Date.now() + day).toISOString() }, 'validUntil'],
      ['longer than 5 years', { validUntil: new Date(Date.now() + 6 * 366 * day).toISOString() }, 'validUntil'],
      ['not a time', { validFrom: 'yesterday' }, 'validFrom'],
    ])('refuses a validity %s with a coded bilingual error', async (_name, validity, argument) => {
      const refused: any = await graphql(stack.gatewayUrl, APPLY, { input: { ...apply('county-past', ['Person.name']), ...validity } }, county);
      expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(refused.errors[0].message).toMatch(/有效期.* \/ .*valid/);
    });
  });

  describe('hole 6: suspensions are audited with target and reason, refuse with 403, and stay in the history once lifted', () => {
    const office = async () => ({ authorization: `Bearer ${await credentials.token({ org: SUSPENDED_OFFICE, sub: 'op-suspended' })}`, 'x-scenario-id': 'duty' });
    const personName = { query: 'query($id: ID!) { person(idNumber: $id) { name } }', id: personAt(DEFAULT_SEED, 3).idNumber };

    it('suspends an institution: its audit record names the target and the reason, and the admin as admin', async () => {
      const suspended = await graphql(stack.gatewayUrl, `mutation { suspend(target: INSTITUTION, id: "${SUSPENDED_OFFICE}", reason: "违规转供数据") { id targetKind targetId } }`, undefined, admin);
      expect(suspended.errors).toBeUndefined();
      const record = await auditRecordOf(suspended.headers.get('x-request-id'));
      expect(record).toMatchObject({ kind: 'control', callerKind: 'admin', roles: ['admin'], targets: [`institution:${SUSPENDED_OFFICE}`], reason: '违规转供数据', decision: 'allowed' });

      // A suspended caller is refused, not failed: 403 SUSPENDED, audited as denied.
      const refused = await graphql(stack.gatewayUrl, personName.query, { id: personName.id }, await office());
      expect(refused.status).toBe(403);
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['SUSPENDED']);
      expect(await auditRecordOf(refused.headers.get('x-request-id'))).toMatchObject({ decision: 'denied', errorCodes: ['SUSPENDED'], callerKind: 'institution' });

      // Lifting needs a reason, and the suspension stays in the history with who lifted it and why.
      const id = (suspended.data as any).suspend.id;
      const noReason: any = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { liftSuspension(id: $id) { id } }', { id }, admin);
      expect(noReason.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
      const lifted = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { liftSuspension(id: $id, reason: "整改完成") { liftedAt liftedBy liftReason } }', { id }, admin);
      expect(lifted.errors).toBeUndefined();
      expect((lifted.data as any).liftSuspension).toMatchObject({ liftedAt: expect.any(String), liftedBy: `${PROVINCE_AUTHORITY}/admin-holes`, liftReason: '整改完成' });
      expect(await auditRecordOf(lifted.headers.get('x-request-id'))).toMatchObject({ targets: [`suspension:${id}`], reason: '整改完成' });
      const inForce: any = await graphql(stack.gatewayUrl, '{ suspensions { id } }', undefined, admin);
      expect(inForce.data.suspensions.map((s: any) => s.id)).not.toContain(id);
      const history: any = await graphql(stack.gatewayUrl, '{ suspensions(includeLifted: true) { id targetId reason liftedAt liftReason } }', undefined, admin);
      expect(history.data.suspensions).toEqual(expect.arrayContaining([expect.objectContaining({ id, targetId: SUSPENDED_OFFICE, reason: '违规转供数据', liftReason: '整改完成' })]));

      const back = await graphql(stack.gatewayUrl, personName.query, { id: personName.id }, await office());
      expect(back.status).toBe(200);
      expect(back.errors).toBeUndefined();
      expect((back.data as any).person.name).toBeTruthy();
    });

    it('records a provider as provider and an operator as institution', async () => {
      const byProvider = await graphql(stack.gatewayUrl, '{ auditUsage { dataset } }', undefined, police);
      expect(await auditRecordOf(byProvider.headers.get('x-request-id'))).toMatchObject({ callerKind: 'provider', roles: ['provider'] });
      const byOperator = await graphql(stack.gatewayUrl, '{ grants { id } }', undefined, county);
      expect(await auditRecordOf(byOperator.headers.get('x-request-id'))).toMatchObject({ callerKind: 'institution', roles: ['institution'] });
    });
  });

  describe('hole 6: each audience introspects only the operations it may call', () => {
    const INTROSPECT = '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }';
    const operations = async (headers: Record<string, string>) => {
      const result: any = await graphql(stack.gatewayUrl, INTROSPECT, undefined, headers);
      expect(result.errors).toBeUndefined();
      const names = (type: any) => (type?.fields ?? []).map((f: any) => f.name).sort();
      return { queries: names(result.data.__schema.queryType), mutations: names(result.data.__schema.mutationType) };
    };
    const CONTROL_QUERIES = ['agreements', 'apiKeys', 'applications', 'auditChainStatus', 'auditRecords', 'auditUsage', 'auditUsagePerDay', 'emergencyGrantsForReview', 'emergencyNotices', 'grants', 'myAccesses', 'myApps', 'myUsage', 'objections', 'overdueApplications', 'registeredOperations', 'suspensions', 'usageFeedback'];

    it('anonymous callers see the catalog and no control operation at all', async () => {
      const anonymous = await operations({});
      expect(anonymous.mutations).toEqual([]);
      expect(anonymous.queries).toEqual(expect.arrayContaining(['catalog', 'catalogExport']));
      expect(anonymous.queries.filter((q: string) => CONTROL_QUERIES.includes(q))).toEqual([]);
    });

    it('developers, data subjects, operators, providers and admins each see their own operations', async () => {
      const developer = await operations({ 'x-api-key': credentials.apiKey(DEVELOPER) });
      // Issue 15: the developer portal's operations are the developers' alone.
      // fileDataDemand: the public's demands for data not yet open (Ganzi Art.27; refused where the profile has none).
      // Issue 18: submitOperationProduct, for developers registered as a developer entity of authorized operation.
      expect(developer.mutations).toEqual(['acceptAgreement', 'applyForAccess', 'createApiKey', 'fileDataDemand', 'registerApp', 'requestWithdrawalReview', 'revokeApiKey', 'rotateApiKey', 'submitOperationProduct']);
      expect(developer.queries.filter((q: string) => CONTROL_QUERIES.includes(q))).toEqual(['agreements', 'apiKeys', 'applications', 'grants', 'myApps', 'myUsage']);

      const subject = await operations({ authorization: `Bearer ${await credentials.subjectToken(personAt(DEFAULT_SEED, 11).idNumber)}` });
      expect(subject.mutations).toEqual(['raiseObjection']);
      expect(subject.queries.filter((q: string) => CONTROL_QUERIES.includes(q))).toEqual(['myAccesses', 'objections']);

      const operator = await operations(county);
      // requestPurposeChange, recordUseReview: Guiyang Art.23, Ganzi Art.19 (refused where the profile has no such procedure).
      // Issue 18: an operator (运营机构) of authorized operation is an institution in the registry of parties,
      // not a token role: every institution sees these, the resolvers refuse all but registered operators.
      const AUTHORIZED_OPERATION = ['addBlacklistEntry', 'evaluateOperationParty', 'publishDeveloperSelection', 'publishOperationProduct', 'requestQualityCorrection', 'reviewOperationProduct', 'selectDeveloper', 'signDevelopmentAgreement', 'terminateDevelopmentAgreement'];
      expect(operator.mutations).toEqual([...AUTHORIZED_OPERATION, 'applyForAccess', 'disputeCatalogAttribute', 'fileDataDemand', 'raiseObjection', 'recordUseReview', 'reportSecurityIncident', 'requestDataReturn', 'requestPurposeChange', 'submitUsageFeedback'].sort());
      expect(operator.queries).not.toEqual(expect.arrayContaining(['auditRecords']));

      const provider = await operations(police);
      expect(provider.mutations).toEqual(expect.arrayContaining(['decideApplication', 'revokeGrant', 'suspend', 'answerObjection', 'extendObjection']));
      expect(provider.mutations).not.toContain('liftSuspension');
      expect(provider.mutations).not.toContain('grantEmergencyAccess');
      expect(provider.mutations).toEqual(expect.arrayContaining(['proposeCatalogChange', 'amendCatalogChange', 'cancelCatalogChange']));
      expect(provider.mutations).not.toContain('decideCatalogChange');
      expect(provider.queries).toEqual(expect.arrayContaining(['auditRecords', 'auditUsage']));
      expect(provider.queries).not.toContain('suspensions');
      expect(provider.queries).toEqual(expect.arrayContaining(['auditUsagePerDay', 'emergencyNotices']));
      expect(provider.queries).not.toContain('auditChainStatus');
      expect(provider.mutations).not.toContain('reviewEmergencyGrant');
      expect(provider.mutations).not.toContain('publishAgreement');

      const adminOps = await operations(admin);
      expect(adminOps.mutations).toEqual(expect.arrayContaining(['liftSuspension', 'grantEmergencyAccess', 'scopeGrant', 'suspend', 'registerOperation', 'retireOperation', 'decideCatalogChange', 'reviewEmergencyGrant', 'publishAgreement']));
      expect(adminOps.queries).toEqual(expect.arrayContaining(['suspensions', 'auditRecords', 'registeredOperations', 'overdueApplications', 'auditChainStatus', 'emergencyGrantsForReview']));
    });

    it('what a caller does not see, it cannot call', async () => {
      const anonymous: any = await graphql(stack.gatewayUrl, '{ suspensions { id } }');
      expect(anonymous.errors[0].extensions.code).toBe('FORBIDDEN');
      const provider: any = await graphql(stack.gatewayUrl, 'mutation { liftSuspension(id: "x", reason: "x") { id } }', undefined, police);
      expect(provider.errors[0].extensions.code).toBe('FORBIDDEN');
    });
  });
});
