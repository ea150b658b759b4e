// Issue 17's missing procedures, through the gateway on the profile each belongs to: demand lists
// (需求清单) with their response deadline, usage feedback overdue, and the regulation's term.
import { application, APPLY, DECIDE, INSTITUTION, PERSON_NAME, POLICE } from './support/applications';
import { DEFAULT_SEED, personIdAt } from '../subgraphs/seed/generator';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix, platformSql } from './support/services';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';

type Sql = (text: string, params: unknown[]) => Promise<unknown[]>;

const DEMAND = `id status providerCode dueOn overdue answer answeredBy`;
const FILE = `mutation($input: DataDemandInput!) { fileDataDemand(input: $input) { ${DEMAND} } }`;
const ANSWER = `mutation($id: ID!, $outcome: DataDemandOutcome!, $answer: String!) { answerDataDemand(id: $id, outcome: $outcome, answer: $answer) { ${DEMAND} } }`;
const DEMANDS = `query($overdue: Boolean) { dataDemands(overdue: $overdue) { ${DEMAND} } }`;
const OVERDUE_FEEDBACK = '{ overdueUsageFeedback { grantId institution dueOn } }';
const OTHER_PROVIDER = '115300000152000215'; // 云南省市场监督管理局: a provider, not the one named

/** Ganzi Art.18 ¶2's contents of a conditional-share application. */
const CONTENTS = { businessGoal: '低保对象动态核对，按月复核', securityMeasures: '专网访问、操作留痕、结果不落地' };

const demand = (providerCode?: string) => ({ description: '全省农村低收入人口动态监测名单（目录未列）', needBasis: '《社会救助暂行办法》第十一条：低保家庭经济状况核对', ...(providerCode && { providerCode }) });

function proceduresSuite(profileId: string, env: () => NodeJS.ProcessEnv, sql?: Sql): void {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  const profile = loadProfile(profileId);
  let stack: Stack;
  let institution: Record<string, string>;
  let provider: Record<string, string>;
  let otherProvider: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, JURISDICTION_PROFILE: profileId, ...credentials.env(), ...env() });
    institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-demand' })}` };
    provider = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000', sub: 'reviewer' })}` };
    otherProvider = { authorization: `Bearer ${await credentials.token({ org: OTHER_PROVIDER, roles: ['provider'], div: '530000', sub: 'other' })}` };
    admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin' })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  const file = async (providerCode?: string) => {
    const filed: any = await graphql(stack.gatewayUrl, FILE, { input: demand(providerCode) }, institution);
    expect(filed.errors).toBeUndefined();
    return filed.data.fileDataDemand;
  };

  it('rejects an incomplete demand with a coded error and files nothing (需求清单)', async () => {
    const before: any = await graphql(stack.gatewayUrl, DEMANDS, {}, institution);
    const noBasis: any = await graphql(stack.gatewayUrl, FILE, { input: { ...demand(POLICE), needBasis: '  ' } }, institution);
    expect(noBasis.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'needBasis' });
    expect(noBasis.errors[0].message).toMatch(/依据.* \/ .*legal basis/);
    const unknownProvider: any = await graphql(stack.gatewayUrl, FILE, { input: demand('not-a-registered-body') }, institution);
    expect(unknownProvider.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'providerCode' });
    const anonymous: any = await graphql(stack.gatewayUrl, FILE, { input: demand(POLICE) });
    expect(anonymous.errors[0].extensions.code).toBe('FORBIDDEN');
    const after: any = await graphql(stack.gatewayUrl, DEMANDS, {}, institution);
    expect(after.data.dataDemands).toEqual(before.data.dataDemands);
  });

  if (profileId === 'ganzi') {
    it('Ganzi Art.21: the demand names its provider, who answers within 5 working days', async () => {
      const unnamed: any = await graphql(stack.gatewayUrl, FILE, { input: demand() }, institution);
      expect(unnamed.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'providerCode' });

      const filed = await file(POLICE);
      const expected = deadlineFor(profile, 'demandAnswer', new Date(), calendarFor(profile)).due;
      expect(filed).toMatchObject({ status: 'PENDING', providerCode: POLICE, dueOn: expected, overdue: false });
      const notTheirs: any = await graphql(stack.gatewayUrl, ANSWER, { id: filed.id, outcome: 'AGREED', answer: '同意' }, otherProvider);
      expect(notTheirs.errors[0].extensions.code).toBe('FORBIDDEN');
      const seen: any = await graphql(stack.gatewayUrl, DEMANDS, {}, provider);
      expect(seen.data.dataDemands.map((d: any) => d.id)).toContain(filed.id);

      const answered: any = await graphql(stack.gatewayUrl, ANSWER, { id: filed.id, outcome: 'AGREED', answer: '同意，5个工作日内完成汇聚并提供数据服务' }, provider);
      expect(answered.errors).toBeUndefined();
      expect(answered.data.answerDataDemand).toMatchObject({ status: 'AGREED', overdue: false, answeredBy: `institution:${POLICE}/reviewer` });
      const twice: any = await graphql(stack.gatewayUrl, ANSWER, { id: filed.id, outcome: 'DECLINED', answer: '不同意' }, provider);
      expect(twice.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const mine: any = await graphql(stack.gatewayUrl, DEMANDS, {}, institution);
      expect(mine.data.dataDemands.find((d: any) => d.id === filed.id)).toMatchObject({ status: 'AGREED', answer: '同意，5个工作日内完成汇聚并提供数据服务' });
    });

    it('Ganzi Art.18 ¶2: a conditional-share application without its need basis, business goal or security measures is refused with a coded error, and nothing is filed', async () => {
      const before: any = await graphql(stack.gatewayUrl, '{ applications { id } }', undefined, institution);
      const { legalBasis: _unused, ...withoutBasis } = application('contents-missing');
      const bare: any = await graphql(stack.gatewayUrl, APPLY, { input: withoutBasis }, institution);
      expect(bare.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'legalBasis', missing: ['legalBasis', 'businessGoal', 'securityMeasures'] });
      expect(bare.errors[0].message).toMatch(/需求依据、业务目标、安全保障措施 \/ .*甘孜 第十八条/);
      const noMeasures: any = await graphql(stack.gatewayUrl, APPLY, { input: { ...application('contents-missing'), businessGoal: CONTENTS.businessGoal, securityMeasures: ' ' } }, institution);
      expect(noMeasures.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', missing: ['securityMeasures'] });
      const after: any = await graphql(stack.gatewayUrl, '{ applications { id } }', undefined, institution);
      expect(after.data.applications).toEqual(before.data.applications);

      const complete: any = await graphql(stack.gatewayUrl, `mutation($input: ApplicationInput!) { applyForAccess(input: $input) { status businessGoal securityMeasures } }`, { input: { ...application('contents-complete'), ...CONTENTS } }, institution);
      expect(complete.errors).toBeUndefined();
      expect(complete.data.applyForAccess).toEqual({ status: 'PENDING', ...CONTENTS });
    });

    it('Ganzi Art.45: the jurisdiction says its measures are valid until 2027-05-15', async () => {
      const shown: any = await graphql(stack.gatewayUrl, '{ jurisdiction { id inForce validUntil lapsed warning } }');
      expect(shown.errors).toBeUndefined();
      expect(shown.data.jurisdiction).toEqual({ id: 'ganzi', inForce: '2025-05-16', validUntil: '2027-05-15', lapsed: false, warning: null });
    });

    if (sql) {
      it('Ganzi Art.21: a demand past its 5 working days is listed as overdue to the filer and the authority', async () => {
        const filed = await file(POLICE);
        await sql('UPDATE data_demand SET filed_at = $2, due_on = $3 WHERE id = $1', [filed.id, '2026-01-05T02:00:00Z', '2026-01-12']);
        const late: any = await graphql(stack.gatewayUrl, DEMANDS, { overdue: true }, admin);
        expect(late.data.dataDemands).toEqual([expect.objectContaining({ id: filed.id, dueOn: '2026-01-12', overdue: true })]);
        const mine: any = await graphql(stack.gatewayUrl, DEMANDS, { overdue: true }, institution);
        expect(mine.data.dataDemands.map((d: any) => d.id)).toEqual([filed.id]);
        await graphql(stack.gatewayUrl, ANSWER, { id: filed.id, outcome: 'DECLINED', answer: '该数据不属于本单位职责范围' }, provider);
        const none: any = await graphql(stack.gatewayUrl, DEMANDS, { overdue: true }, admin);
        expect(none.data.dataDemands).toEqual([]);
      });
    }
  } else {
    const article = { yunnan: 'Yunnan Art.28 ¶2', kunming: 'Kunming Art.16 ¶2', 'guiyang-guian': 'Guiyang Art.22 ¶5' }[profileId];
    it(`${article}: the data authority answers a demand, with no statutory deadline`, async () => {
      const filed = await file();
      expect(filed).toMatchObject({ status: 'PENDING', providerCode: null, dueOn: null, overdue: false });
      const provider_: any = await graphql(stack.gatewayUrl, ANSWER, { id: filed.id, outcome: 'AGREED', answer: '同意' }, provider);
      expect(provider_.errors[0].extensions.code).toBe('FORBIDDEN');
      const noReason: any = await graphql(stack.gatewayUrl, ANSWER, { id: filed.id, outcome: 'DECLINED', answer: '' }, admin);
      expect(noReason.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'answer' });
      const answered: any = await graphql(stack.gatewayUrl, ANSWER, { id: filed.id, outcome: 'DECLINED', answer: '经与民政部门协商，该名单按月通过共享目录提供' }, admin);
      expect(answered.data.answerDataDemand).toMatchObject({ status: 'DECLINED', answeredBy: `institution:${PROVINCE_AUTHORITY}/admin` });
      const jurisdiction: any = await graphql(stack.gatewayUrl, '{ jurisdiction { id validUntil lapsed } }');
      expect(jurisdiction.data.jurisdiction).toEqual({ id: profileId, validUntil: null, lapsed: false });
    });
  }

  {
    // Every profile answers data returns in Yunnan's 5 working days (the others inherit it): run on each store.
    it('Yunnan Art.18: a data-return request is answered by the higher-level provider within 5 working days, as a grant scoped to the requester\'s division', async () => {
      const RETURN = `id status divisionScope dueOn overdue grantId answeredBy`;
      const REQUEST = `mutation($input: DataReturnInput!) { requestDataReturn(input: $input) { ${RETURN} } }`;
      const ANSWER_RETURN = `mutation($id: ID!, $approve: Boolean!, $answer: String!) { answerDataReturn(id: $id, approve: $approve, answer: $answer) { ${RETURN} } }`;
      const input = { scenario: 'data-return-kunming', fields: ['Person.name', 'Query.personsByDivision'], reason: '昆明市低保对象动态管理，需回流本市户籍人口姓名', validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString() };

      // A body of the provider's own level gets nothing returned: Art.18 is from a higher level to a lower one.
      const sameLevel: any = await graphql(stack.gatewayUrl, REQUEST, { input }, otherProvider);
      expect(sameLevel.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problem: 'NOT_A_LOWER_LEVEL' });
      const noReason: any = await graphql(stack.gatewayUrl, REQUEST, { input: { ...input, reason: '' } }, institution);
      expect(noReason.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });

      const filed: any = await graphql(stack.gatewayUrl, REQUEST, { input }, institution);
      expect(filed.errors).toBeUndefined();
      const expected = deadlineFor(profile, 'dataReturnAnswer', new Date(), calendarFor(profile)).due;
      expect(filed.data.requestDataReturn).toMatchObject({ status: 'PENDING', divisionScope: '5301', dueOn: expected, overdue: false, grantId: null });
      const id = filed.data.requestDataReturn.id;
      const notTheProvider: any = await graphql(stack.gatewayUrl, ANSWER_RETURN, { id, approve: true, answer: '同意' }, otherProvider);
      expect(notTheProvider.errors[0].extensions.code).toBe('FORBIDDEN');

      const approved: any = await graphql(stack.gatewayUrl, ANSWER_RETURN, { id, approve: true, answer: '同意回流昆明市数据' }, provider);
      expect(approved.errors).toBeUndefined();
      expect(approved.data.answerDataReturn).toMatchObject({ status: 'APPROVED', grantId: `grant-${id}`, answeredBy: `institution:${POLICE}/reviewer` });
      const again: any = await graphql(stack.gatewayUrl, ANSWER_RETURN, { id, approve: false, answer: '撤回' }, provider);
      expect(again.errors[0].extensions.code).toBe('BAD_USER_INPUT');

      const grants: any = await graphql(stack.gatewayUrl, '{ grants { id divisionScope status } }', undefined, institution);
      expect(grants.data.grants).toContainEqual({ id: `grant-${id}`, divisionScope: '5301', status: 'active' });
      // The grant lists the province's people only inside Kunming (5301).
      const people: any = await graphql(stack.gatewayUrl, '{ personsByDivision(divisionCode: "530000", first: 200) { totalCount edges { node { divisionCode name } } } }', undefined, { ...institution, 'x-scenario-id': input.scenario });
      expect(people.errors).toBeUndefined();
      expect(people.data.personsByDivision.totalCount).toBeGreaterThan(0);
      for (const { node } of people.data.personsByDivision.edges) {
        expect(node.divisionCode).toMatch(/^5301/);
        expect(node.name).toEqual(expect.any(String));
      }
    });
  }

  if (profileId !== 'guiyang-guian') {
    const article = profileId === 'ganzi' ? 'Ganzi Art.37' : 'Yunnan Art.43(8)';
    it(`${article}: a security incident reaches the authority and the providers concerned and suspends the grants it touches`, async () => {
      const INCIDENT = `mutation($input: SecurityIncidentInput!) { reportSecurityIncident(input: $input) { id datasets providerCodes suspendedGrants } }`;
      const scenario = `incident-${profileId}`;
      const headers = { ...institution, 'x-scenario-id': scenario };
      const id = personIdAt(DEFAULT_SEED, 3);
      const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: { ...application(scenario), ...CONTENTS } }, institution);
      const approved: any = await graphql(stack.gatewayUrl, DECIDE, { id: filed.data.applyForAccess.id, approve: true }, provider);
      const grantId = approved.data.decideApplication.grantId;
      const before: any = await graphql(stack.gatewayUrl, PERSON_NAME, { id }, headers);
      expect(before.data.person.name).toEqual(expect.any(String));
      const catalog: any = await graphql(stack.gatewayUrl, '{ catalog { code fields { coordinate } } }');
      const personDataset = catalog.data.catalog.find((d: any) => d.fields.some((f: any) => f.coordinate === 'Person.name')).code;

      const unknown: any = await graphql(stack.gatewayUrl, INCIDENT, { input: { description: '接口日志外泄', datasets: ['no-such-dataset'] } }, institution);
      expect(unknown.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'datasets' });
      const still: any = await graphql(stack.gatewayUrl, PERSON_NAME, { id }, headers);
      expect(still.data.person.name).toEqual(before.data.person.name);

      const reported: any = await graphql(stack.gatewayUrl, INCIDENT, { input: { description: '核对系统接口日志外泄，含姓名字段', datasets: [personDataset] } }, institution);
      expect(reported.errors).toBeUndefined();
      expect(reported.data.reportSecurityIncident).toMatchObject({ datasets: [personDataset], providerCodes: [POLICE] });
      expect(reported.data.reportSecurityIncident.suspendedGrants).toContain(grantId);
      const after: any = await graphql(stack.gatewayUrl, PERSON_NAME, { id }, headers);
      expect(after.data.person.name).toBeNull();
      expect(after.errors.length).toBeGreaterThan(0);

      const incidentId = reported.data.reportSecurityIncident.id;
      const seenBy = async (headers_: Record<string, string>) => ((await graphql(stack.gatewayUrl, '{ securityIncidents { id } }', undefined, headers_)) as any).data.securityIncidents.map((i: any) => i.id);
      expect(await seenBy(admin)).toContain(incidentId);
      expect(await seenBy(provider)).toContain(incidentId);
      expect(await seenBy(otherProvider)).not.toContain(incidentId);
      const suspensions: any = await graphql(stack.gatewayUrl, '{ suspensions { targetKind targetId reason } }', undefined, admin);
      expect(suspensions.data.suspensions).toContainEqual({ targetKind: 'grant', targetId: grantId, reason: expect.stringContaining(incidentId) });
    });
  }

  if (profileId === 'guiyang-guian') {
    it('Guiyang Art.22 ¶4: grants without usage feedback past 10 working days are listed for the authority until the feedback comes', async () => {
      const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: application('feedback-due') }, institution);
      await graphql(stack.gatewayUrl, DECIDE, { id: filed.data.applyForAccess.id, approve: true }, admin);
      const approved: any = await graphql(stack.gatewayUrl, DECIDE, { id: filed.data.applyForAccess.id, approve: true }, provider);
      const grantId = approved.data.decideApplication.grantId;
      expect(grantId).toBeTruthy();
      const notYet: any = await graphql(stack.gatewayUrl, OVERDUE_FEEDBACK, undefined, admin);
      expect(notYet.errors).toBeUndefined();
      expect(notYet.data.overdueUsageFeedback.map((g: any) => g.grantId)).not.toContain(grantId);
      const forbidden: any = await graphql(stack.gatewayUrl, OVERDUE_FEEDBACK, undefined, institution);
      expect(forbidden.errors[0].extensions.code).toBe('FORBIDDEN');
      if (!sql) return;
      // The grant was made on Monday 2026-01-05: 10 working days later is 2026-01-19.
      await sql('UPDATE grant_record SET created_at = $2 WHERE id = $1', [grantId, '2026-01-05T02:00:00Z']);
      const late: any = await graphql(stack.gatewayUrl, OVERDUE_FEEDBACK, undefined, admin);
      expect(late.data.overdueUsageFeedback).toContainEqual({ grantId, institution: INSTITUTION, dueOn: '2026-01-19' });
      const given: any = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { submitUsageFeedback(grantId: $id, rating: 3, useSummary: "核对 8 户") { late } }', { id: grantId }, institution);
      expect(given.data.submitUsageFeedback.late).toBe(true);
      const after: any = await graphql(stack.gatewayUrl, OVERDUE_FEEDBACK, undefined, admin);
      expect(after.data.overdueUsageFeedback.map((g: any) => g.grantId)).not.toContain(grantId);
    });
  }
}

describe('missing procedures on the embedded store, Yunnan profile', () => {
  proceduresSuite('yunnan', () => ({ DATABASE_URL: '' }));
});

function onPostgres(profileId: string): void {
  const prefix = uniqueSchemaPrefix(`procedures_missing_${profileId.replace(/-/g, '_')}`);
  const sql = platformSql(prefix);
  proceduresSuite(profileId, () => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }), sql);
  afterAll(() => dropSchemas(prefix));
}

describeWithPostgres('missing procedures on PostgreSQL, Ganzi profile', () => onPostgres('ganzi'));
describeWithPostgres('missing procedures on PostgreSQL, Guiyang-Gui\'an profile', () => onPostgres('guiyang-guian'));
