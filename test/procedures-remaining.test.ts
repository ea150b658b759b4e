// Issue 17, the remaining procedures, through the gateway on the profile(s) each belongs to, on the
// embedded store and on PostgreSQL:
// - a confirmed correction reaches the provider's record (Yunnan Art.22), through a write path only
//   the platform can use;
// - risk review of a grant that would join personal data across datasets (Yunnan Art.44, Kunming Art.27);
// - grants end when their agreement ends (Yunnan Art.45 ¶2, as applied to sharing agreements);
// - purpose change only with the provider's consent, no onward transfer, periodic review (Guiyang
//   Art.23, Ganzi Art.19);
// - Kunming's objections through the data authority (Yunnan Art.22 ¶2, which Kunming implements).
import { acceptAgreementsInForce, application, APPLY, DECIDE, INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';
import { creditCodeAt, personAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { signatureHeaders } from '../protocol/signature';
import { RECORD_CORRECTION_PATH, recordCorrectionAudience, serviceUrl } from '../protocol/internal-paths';

const CHECK_SCENARIO = 'correction-check';
const OBJECTION = 'id status corrected answer corrections { field oldValue newValue correctedBy correctedAt }';
const ANSWER = `mutation($id: ID!, $corrected: Boolean!, $answer: String!, $corrections: [FieldCorrectionInput!]) {
  answerObjection(id: $id, corrected: $corrected, answer: $answer, corrections: $corrections) { ${OBJECTION} } }`;
const ADDRESS = 'query($id: ID!) { person(idNumber: $id) { householdAddress } }';
const NAME = 'query($id: ID!) { person(idNumber: $id) { name } }';
const ENDING_SCENARIO = 'agreement-ending';
const ENDING_DEVELOPER = 'rs-dev-ending';
const VERIFY = 'query($id: ID!, $name: String!) { verifyPersonIdentity(idNumber: $id, name: $name) }';
const LICENCE_PROVIDER = '1153000001520003XW'; // 云南省政务服务管理局, provider of 电子证照信息
const MARKET_REGULATOR = '115300000152000215'; // 云南省市场监督管理局: a provider, not of Person
const OTHER_INSTITUTION = '11530100015301025G'; // 昆明市市场监督管理局
const APP_RISK = `id status riskReview { status reasons note reviewedBy } purposeUndertakingAt steps { stage action note }`;
const APPLY_RISK = `mutation($input: ApplicationInput!) { applyForAccess(input: $input) { ${APP_RISK} } }`;
const DECIDE_RISK = `mutation($id: ID!, $approve: Boolean!, $basis: String) { decideApplication(id: $id, approve: $approve, legalBasis: $basis) { ${APP_RISK} } }`;
const RISK_REVIEW = `mutation($id: ID!, $outcome: RiskReviewOutcome!, $note: String!) { recordRiskReview(id: $id, outcome: $outcome, note: $note) { ${APP_RISK} } }`;
const CHANGE = 'id grantId oldScenario newScenario status decidedBy decisionNote';
const REQUEST_CHANGE = `mutation($grant: ID!, $scenario: String!, $reason: String!) { requestPurposeChange(grantId: $grant, scenario: $scenario, reason: $reason) { ${CHANGE} } }`;
const DECIDE_CHANGE = `mutation($id: ID!, $consent: Boolean!, $note: String!) { decidePurposeChange(id: $id, consent: $consent, note: $note) { ${CHANGE} } }`;
const DUE_REVIEW = '{ grantsDueForUseReview { grantId institution scenario lastReviewedAt dueSince } }';

function remainingSuite(profileId: string, env: () => NodeJS.ProcessEnv): void {
  const credentials = new Credentials();
  const validUntil = new Date(Date.now() + 300 * 86_400_000).toISOString();
  const profile = loadProfile(profileId);
  let stack: Stack;
  let institution: Record<string, string>;
  let provider: Record<string, string>;
  let admin: Record<string, string>;
  let licenceProvider: Record<string, string>;
  let otherProvider: Record<string, string>;
  let otherInstitution: Record<string, string>;

  beforeAll(async () => {
    // The institution may read household addresses plainly (to see a correction arrive); and a grant
    // whose agreement ends shortly after the stack is up (Yunnan Art.45 ¶2), written when the suite starts.
    const endsSoon = new Date(Date.now() + 60_000).toISOString();
    const grantsFile = writeGrantsFile([
      { id: 'rs-address-check', grantee: { kind: 'institution', id: INSTITUTION }, scenario: CHECK_SCENARIO,
        fields: ['Query.person', 'Person.householdAddress'], plain: ['Person.householdAddress'], validFrom: '2025-01-01T00:00:00Z', validUntil },
      { id: 'rs-ends-soon', grantee: { kind: 'institution', id: INSTITUTION }, scenario: ENDING_SCENARIO,
        fields: ['Query.person', 'Person.name'], plain: ['Person.name'], validFrom: '2025-01-01T00:00:00Z', validUntil: endsSoon },
      { id: 'rs-developer-verify', grantee: { kind: 'developer', id: ENDING_DEVELOPER }, scenario: 'realname-verification',
        fields: ['Query.verifyPersonIdentity'], validFrom: '2025-01-01T00:00:00Z', validUntil },
    ]);
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, JURISDICTION_PROFILE: profileId, ...credentials.env(), ...env() });
    institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-rs' })}` };
    provider = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000', sub: 'reviewer-rs' })}` };
    admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin-rs' })}` };
    licenceProvider = { authorization: `Bearer ${await credentials.token({ org: LICENCE_PROVIDER, roles: ['provider'], div: '530000', sub: 'reviewer-zw' })}` };
    otherProvider = { authorization: `Bearer ${await credentials.token({ org: MARKET_REGULATOR, roles: ['provider'], div: '530000', sub: 'reviewer-sj' })}` };
    otherInstitution = { authorization: `Bearer ${await credentials.token({ org: OTHER_INSTITUTION, sub: 'op-other' })}` };
  }, 180_000);

  const person = personAt(DEFAULT_SEED, 20);
  const read = (query: string, scenario: string): Promise<any> => graphql(stack.gatewayUrl, query, { id: person.idNumber }, { ...institution, 'x-scenario-id': scenario });

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  if (profileId === 'yunnan') {
    it('Yunnan Art.22: a correction the provider confirms reaches its record; the objection shows what changed, masked', async () => {
      const me = personAt(DEFAULT_SEED, 12);
      const subject = { authorization: `Bearer ${await credentials.subjectToken(me.idNumber)}` };
      const asChecker = { ...institution, 'x-scenario-id': CHECK_SCENARIO };
      const before: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(before.errors).toBeUndefined();
      expect(before.data.person.householdAddress).toBe(me.householdAddress);
      const raised: any = await graphql(stack.gatewayUrl, `mutation($ref: String!) { raiseObjection(dataset: "530000-GA-0001", recordRef: $ref, field: "householdAddress", description: "户籍地址已迁移，记录未更新") { ${OBJECTION} } }`, { ref: `Person:${me.idNumber}` }, subject);
      expect(raised.errors).toBeUndefined();
      const id = raised.data.raiseObjection.id;
      const corrected = '云南省昆明市盘龙区北京路1号';

      // Refused with a coded error, changing nothing: no value, another field, a value for "not corrected", a normal token.
      const refusals: [Record<string, unknown>, Record<string, string>, string][] = [
        [{ corrected: true, corrections: [] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: true, corrections: [{ field: 'name', value: '张三' }] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: true, corrections: [{ field: 'idNumber', value: '530102199001011234' }] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: false, corrections: [{ field: 'householdAddress', value: corrected }] }, provider, 'BAD_USER_INPUT'],
        [{ corrected: true, corrections: [{ field: 'householdAddress', value: corrected }] }, institution, 'FORBIDDEN'],
        [{ corrected: true, corrections: [{ field: 'householdAddress', value: corrected }] }, subject, 'FORBIDDEN'],
      ];
      for (const [args, who, code] of refusals) {
        const refused: any = await graphql(stack.gatewayUrl, ANSWER, { id, answer: '已更正', ...args }, who);
        expect(refused.errors?.[0].extensions.code).toBe(code);
      }
      const unchanged: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(unchanged.data.person.householdAddress).toBe(me.householdAddress);

      const answered: any = await graphql(stack.gatewayUrl, ANSWER, { id, corrected: true, answer: '经核实，已按迁移登记更正', corrections: [{ field: 'householdAddress', value: corrected }] }, provider);
      expect(answered.errors).toBeUndefined();
      expect(answered.data.answerObjection).toMatchObject({ status: 'answered', corrected: true });
      const [change] = answered.data.answerObjection.corrections;
      expect(change).toMatchObject({ field: 'householdAddress', correctedBy: `institution:${POLICE}/reviewer-rs` });
      // Masked as the catalog masks addresses (kept to the district), never the plain old value.
      expect(change.oldValue).not.toBe(me.householdAddress);
      expect(me.householdAddress.startsWith(change.oldValue.replace(/\*+$/, ''))).toBe(true);
      expect(change.newValue).not.toBe(corrected);
      expect(change.newValue).toMatch(/^云南省昆明市盘龙区/);

      const after: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(after.errors).toBeUndefined();
      expect(after.data.person.householdAddress).toBe(corrected);
      // The data subject sees what was changed on their objection.
      const seen: any = await graphql(stack.gatewayUrl, `{ objections { ${OBJECTION} } }`, undefined, subject);
      expect(seen.data.objections.find((o: any) => o.id === id).corrections).toEqual([change]);
    });

    it('Yunnan Art.22: the record write path answers the platform only — not an unsigned call, nor one signed as a gateway query', async () => {
      const url = serviceUrl(stack.subgraphUrls.population, RECORD_CORRECTION_PATH);
      const me = personAt(DEFAULT_SEED, 13);
      const body = JSON.stringify({ objection: 'objection-forged', key: me.idNumber, field: 'householdAddress', value: '伪造地址' });
      const post = (headers: Record<string, string>, sent = body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: sent });
      const unsigned = await post({});
      expect(unsigned.status).toBe(401);
      expect(await unsigned.json()).toMatchObject({ error: 'UNSIGNED_REQUEST' });
      // The gateway's signature for the population subgraph's GraphQL endpoint does not open the write path.
      const asGateway = await post(signatureHeaders(credentials.keys.gatewaySubgraphSecret, { audience: 'population', method: 'POST', path: url.pathname, caller: 'record-correction', body }));
      expect(asGateway.status).toBe(401);
      const asChecker = { ...institution, 'x-scenario-id': CHECK_SCENARIO };
      const still: any = await graphql(stack.gatewayUrl, ADDRESS, { id: me.idNumber }, asChecker);
      expect(still.data.person.householdAddress).toBe(me.householdAddress);
      // Signed for the correction route, a request is served (here writing back the same value): the refusals above are the signature's.
      const same = JSON.stringify({ objection: 'objection-same', key: me.idNumber, field: 'householdAddress', value: me.householdAddress });
      const genuine = await post(signatureHeaders(credentials.keys.gatewaySubgraphSecret, { audience: recordCorrectionAudience('population'), method: 'POST', path: url.pathname, caller: 'record-correction', body: same }), same);
      expect(genuine.status).toBe(200);
      expect(await genuine.json()).toEqual({ old: me.householdAddress });
    });
  }

  if (profileId === 'yunnan' || profileId === 'kunming') {
    const article = profileId === 'yunnan' ? 'Yunnan Art.44' : 'Kunming Art.27';
    it(`${article}: an application that would join personal data of two datasets waits for the authority's risk review before approval`, async () => {
      // The institution already reads 人口基础信息 (Person) in CHECK_SCENARIO; now it asks for licence numbers (masked: personal) in it.
      const filed: any = await graphql(stack.gatewayUrl, APPLY_RISK, { input: { ...application(CHECK_SCENARIO), fields: ['Licence.number'], plain: [] } }, institution);
      expect(filed.errors).toBeUndefined();
      const app = filed.data.applyForAccess;
      expect(app.riskReview).toMatchObject({ status: 'REQUIRED', note: null, reviewedBy: null });
      expect(app.riskReview.reasons[0]).toMatch(/530000-GA-0001.*530000-ZW-0001|530000-ZW-0001.*530000-GA-0001/);
      expect(app.riskReview.reasons[0]).toContain('rs-address-check');
      expect(app.riskReview.reasons[0]).toContain(profile.joinRiskReview!.article);
      expect(app.steps.map((s: any) => s.action)).toContain('risk-review-required');

      // Not approvable before the review; nothing changes.
      const early: any = await graphql(stack.gatewayUrl, DECIDE_RISK, { id: app.id, approve: true }, licenceProvider);
      expect(early.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problem: 'RISK_REVIEW_REQUIRED' });
      const byProvider: any = await graphql(stack.gatewayUrl, RISK_REVIEW, { id: app.id, outcome: 'ACCEPTABLE', note: '可控' }, licenceProvider);
      expect(byProvider.errors[0].extensions.code).toBe('FORBIDDEN');
      const blank: any = await graphql(stack.gatewayUrl, RISK_REVIEW, { id: app.id, outcome: 'ACCEPTABLE', note: '  ' }, admin);
      expect(blank.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });
      const mine: any = await graphql(stack.gatewayUrl, `{ applications { ${APP_RISK} } }`, undefined, institution);
      expect(mine.data.applications.find((a: any) => a.id === app.id)).toMatchObject({ status: 'PENDING', riskReview: { status: 'REQUIRED' } });

      const reviewed: any = await graphql(stack.gatewayUrl, RISK_REVIEW, { id: app.id, outcome: 'ACCEPTABLE', note: '证照编号仅脱敏使用，结果不落地，按月审计' }, admin);
      expect(reviewed.errors).toBeUndefined();
      expect(reviewed.data.recordRiskReview.riskReview).toMatchObject({ status: 'ACCEPTABLE', note: '证照编号仅脱敏使用，结果不落地，按月审计', reviewedBy: `institution:${PROVINCE_AUTHORITY}/admin-rs` });
      const twice: any = await graphql(stack.gatewayUrl, RISK_REVIEW, { id: app.id, outcome: 'UNACCEPTABLE', note: '改判' }, admin);
      expect(twice.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const approved: any = await graphql(stack.gatewayUrl, DECIDE_RISK, { id: app.id, approve: true }, licenceProvider);
      expect(approved.errors).toBeUndefined();
      expect(approved.data.decideApplication.status).toBe('APPROVED');

      // Personal data of one dataset in its own scenario: no review.
      const alone: any = await graphql(stack.gatewayUrl, APPLY_RISK, { input: { ...application('licence-only'), fields: ['Licence.number'], plain: [] } }, institution);
      expect(alone.data.applyForAccess.riskReview).toBeNull();
    });

    it(`${article}: a risk found unacceptable leaves only a refusal`, async () => {
      const filed: any = await graphql(stack.gatewayUrl, APPLY_RISK, { input: { ...application('join-refused'), fields: ['Licence.number'], plain: [] } }, otherInstitution);
      expect(filed.data.applyForAccess.riskReview).toBeNull();
      await graphql(stack.gatewayUrl, DECIDE_RISK, { id: filed.data.applyForAccess.id, approve: true }, licenceProvider);
      const joining: any = await graphql(stack.gatewayUrl, APPLY_RISK, { input: application('join-refused') }, otherInstitution);
      const app = joining.data.applyForAccess;
      expect(app.riskReview.status).toBe('REQUIRED');
      await graphql(stack.gatewayUrl, RISK_REVIEW, { id: app.id, outcome: 'UNACCEPTABLE', note: '关联后可识别特定自然人的证照持有情况，风险不可接受' }, admin);
      const approve: any = await graphql(stack.gatewayUrl, DECIDE_RISK, { id: app.id, approve: true }, provider);
      expect(approve.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problem: 'RISK_UNACCEPTABLE' });
      const refused: any = await graphql(stack.gatewayUrl, DECIDE_RISK, { id: app.id, approve: false, basis: `${profile.joinRiskReview!.article}：安全评估结论为风险不可接受` }, provider);
      expect(refused.data.decideApplication).toMatchObject({ status: 'REFUSED', riskReview: { status: 'UNACCEPTABLE' } });
    });
  } else {
    it('no join risk review where the profile asks none (Guiyang-Gui\'an, Ganzi: no such article)', async () => {
      const filed: any = await graphql(stack.gatewayUrl, APPLY_RISK, { input: { ...application(CHECK_SCENARIO), fields: ['Licence.number'], plain: [], businessGoal: '证照核验', securityMeasures: '专网访问' } }, institution);
      expect(filed.errors).toBeUndefined();
      expect(filed.data.applyForAccess.riskReview).toBeNull();
      expect(profile.joinRiskReview).toBeUndefined();
    });
  }

  if (profileId === 'kunming') {
    it('Kunming (Yunnan Art.22 ¶2, inherited): an objection lodged with the data authority is forwarded within 2 working days', async () => {
      const subject = { authorization: `Bearer ${await credentials.subjectToken(person.idNumber)}` };
      const raised: any = await graphql(stack.gatewayUrl, `mutation($ref: String!) { raiseObjection(dataset: "530000-GA-0001", recordRef: $ref, field: "name", description: "姓名有误", throughAuthority: true) { id status filedAt dueOn } }`, { ref: `Person:${person.idNumber}` }, subject);
      expect(raised.errors).toBeUndefined();
      const objection = raised.data.raiseObjection;
      expect(objection.status).toBe('forwarding');
      expect(objection.dueOn).toBe(calendarFor(profile).addWorkingDays(new Date(objection.filedAt), 2));
      expect(profile.objectionForwarding).toMatchObject({ workingDays: 2, article: '云南 第二十二条' });
      const forwarded: any = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { forwardObjection(id: $id) { status forwardedAt dueOn } }', { id: objection.id }, admin);
      expect(forwarded.errors).toBeUndefined();
      expect(forwarded.data.forwardObjection.status).toBe('open');
      expect(forwarded.data.forwardObjection.dueOn).toBe(deadlineFor(profile, 'objectionAnswer', new Date(forwarded.data.forwardObjection.forwardedAt), calendarFor(profile)).due);
    });
  }

  if (profileId === 'guiyang-guian' || profileId === 'ganzi') {
    const article = profileId === 'ganzi' ? 'Ganzi Art.19' : 'Guiyang Art.23';
    it(`${article}: a sharing application carries the applicant's undertaking on purpose and onward transfer`, async () => {
      const { purposeUndertaking: _omitted, ...without } = { ...application('undertaking'), businessGoal: '核对', securityMeasures: '专网访问' };
      const refused: any = await graphql(stack.gatewayUrl, APPLY_RISK, { input: without }, institution);
      expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'purposeUndertaking' });
      expect(refused.errors[0].message).toContain(profile.purposeBinding!.article);
      const filed: any = await graphql(stack.gatewayUrl, APPLY_RISK, { input: { ...without, purposeUndertaking: true } }, institution);
      expect(filed.errors).toBeUndefined();
      expect(filed.data.applyForAccess.purposeUndertakingAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });

    it(`${article}: a purpose change takes effect only with the provider's consent`, async () => {
      const NEW_SCENARIO = 'household-visit';
      expect((await read(ADDRESS, CHECK_SCENARIO)).data.person.householdAddress).toBe(person.householdAddress);
      const notTheirs: any = await graphql(stack.gatewayUrl, REQUEST_CHANGE, { grant: 'rs-address-check', scenario: NEW_SCENARIO, reason: '入户走访' }, otherInstitution);
      expect(notTheirs.errors[0].extensions.code).toBe('FORBIDDEN');
      const same: any = await graphql(stack.gatewayUrl, REQUEST_CHANGE, { grant: 'rs-address-check', scenario: CHECK_SCENARIO, reason: '同一场景' }, institution);
      expect(same.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'scenario' });

      const asked: any = await graphql(stack.gatewayUrl, REQUEST_CHANGE, { grant: 'rs-address-check', scenario: NEW_SCENARIO, reason: '低保对象入户走访需核实住址' }, institution);
      expect(asked.errors).toBeUndefined();
      expect(asked.data.requestPurposeChange).toMatchObject({ grantId: 'rs-address-check', oldScenario: CHECK_SCENARIO, newScenario: NEW_SCENARIO, status: 'PENDING' });
      const again: any = await graphql(stack.gatewayUrl, REQUEST_CHANGE, { grant: 'rs-address-check', scenario: NEW_SCENARIO, reason: '再次' }, institution);
      expect(again.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const wrongProvider: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: asked.data.requestPurposeChange.id, consent: true, note: '同意' }, otherProvider);
      expect(wrongProvider.errors[0].extensions.code).toBe('FORBIDDEN');

      // A refusal changes nothing: the old scenario still works, the new one does not.
      const refused: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: asked.data.requestPurposeChange.id, consent: false, note: '入户走访不属于原申请用途' }, provider);
      expect(refused.data.decidePurposeChange).toMatchObject({ status: 'REFUSED', decidedBy: `institution:${POLICE}/reviewer-rs` });
      expect((await read(ADDRESS, CHECK_SCENARIO)).data.person.householdAddress).toBe(person.householdAddress);
      const notYet = await read(ADDRESS, NEW_SCENARIO);
      expect(notYet.errors?.[0].extensions.code).toBeTruthy();
      expect(notYet.data?.person?.householdAddress ?? null).not.toBe(person.householdAddress);

      const second: any = await graphql(stack.gatewayUrl, REQUEST_CHANGE, { grant: 'rs-address-check', scenario: NEW_SCENARIO, reason: '经本机关批准，入户走访核实住址' }, institution);
      const consented: any = await graphql(stack.gatewayUrl, DECIDE_CHANGE, { id: second.data.requestPurposeChange.id, consent: true, note: '同意用于入户走访核实' }, provider);
      expect(consented.data.decidePurposeChange.status).toBe('CONSENTED');
      expect((await read(ADDRESS, NEW_SCENARIO)).data.person.householdAddress).toBe(person.householdAddress);
      const old = await read(ADDRESS, CHECK_SCENARIO);
      expect(old.errors?.[0].extensions.code).toBeTruthy();
      expect(old.data?.person?.householdAddress ?? null).not.toBe(person.householdAddress);
      const listed: any = await graphql(stack.gatewayUrl, `{ purposeChanges { ${CHANGE} } }`, undefined, provider);
      expect(listed.data.purposeChanges.map((c: any) => c.status)).toEqual(['CONSENTED', 'REFUSED']);
    });

    it(`${article}: grants due for their periodic use review are listed (a platform default of ${profile.purposeBinding!.useReviewDays} days) until the grantee records one`, async () => {
      expect(profile.purposeBinding).toMatchObject({ useReviewDays: 365, useReviewBasis: 'platform-default' });
      const due: any = await graphql(stack.gatewayUrl, DUE_REVIEW, undefined, institution);
      expect(due.errors).toBeUndefined();
      // Valid since 2025-01-01 and never reviewed: due since 365 days later.
      expect(due.data.grantsDueForUseReview).toContainEqual(expect.objectContaining({ grantId: 'rs-address-check', institution: INSTITUTION, lastReviewedAt: null, dueSince: '2026-01-01T00:00:00.000Z' }));
      const forAdmin: any = await graphql(stack.gatewayUrl, DUE_REVIEW, undefined, admin);
      expect(forAdmin.data.grantsDueForUseReview.map((g: any) => g.grantId)).toContain('rs-address-check');
      const blank: any = await graphql(stack.gatewayUrl, 'mutation { recordUseReview(grantId: "rs-address-check", note: " ") { reviewedAt } }', undefined, institution);
      expect(blank.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const reviewed: any = await graphql(stack.gatewayUrl, 'mutation { recordUseReview(grantId: "rs-address-check", note: "使用日志抽查无异常，均用于核对") { grantId reviewedAt } }', undefined, institution);
      expect(reviewed.errors).toBeUndefined();
      const after: any = await graphql(stack.gatewayUrl, DUE_REVIEW, undefined, institution);
      expect(after.data.grantsDueForUseReview.map((g: any) => g.grantId)).not.toContain('rs-address-check');
    });
  } else {
    it('no purpose-change procedure where the profile has none: shared data keeps its purpose (Yunnan Art.30, Kunming Art.17)', async () => {
      const asked: any = await graphql(stack.gatewayUrl, REQUEST_CHANGE, { grant: 'rs-address-check', scenario: 'elsewhere', reason: '其他用途' }, institution);
      expect(asked.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'grantId' });
    });
  }

  const DEMAND = 'id filerKind institution providerCode status dueOn overdue answer';
  const FILE_DEMAND = `mutation($input: DataDemandInput!) { fileDataDemand(input: $input) { ${DEMAND} } }`;
  const publicDemand = (providerCode?: string) => ({ description: '各乡镇常住人口年龄结构统计（暂未开放）', needBasis: '养老服务设施布局研究', ...(providerCode && { providerCode }) });
  if (profileId === 'ganzi') {
    it('Ganzi Art.27: the public asks for data not yet open through the open platform; the named provider answers after its assessment, no day count', async () => {
      const developer = { 'x-api-key': credentials.apiKey('gz-open-researcher') };
      const unnamed: any = await graphql(stack.gatewayUrl, FILE_DEMAND, { input: publicDemand() }, developer);
      expect(unnamed.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'providerCode' });
      expect(unnamed.errors[0].message).toContain('甘孜 第二十七条');
      const filed: any = await graphql(stack.gatewayUrl, FILE_DEMAND, { input: publicDemand(POLICE) }, developer);
      expect(filed.errors).toBeUndefined();
      const demand = filed.data.fileDataDemand;
      expect(demand).toMatchObject({ filerKind: 'developer', institution: 'gz-open-researcher', providerCode: POLICE, status: 'PENDING', dueOn: null, overdue: false });
      // The provider named sees and answers it; the developer sees the answer; an institution's list does not hold it.
      const seen: any = await graphql(stack.gatewayUrl, `{ dataDemands { ${DEMAND} } }`, undefined, provider);
      expect(seen.data.dataDemands.map((d: any) => d.id)).toContain(demand.id);
      const answered: any = await graphql(stack.gatewayUrl, `mutation($id: ID!) { answerDataDemand(id: $id, outcome: AGREED, answer: "经论证，按乡镇汇总后列入开放目录") { ${DEMAND} } }`, { id: demand.id }, provider);
      expect(answered.errors).toBeUndefined();
      const mine: any = await graphql(stack.gatewayUrl, `{ dataDemands { ${DEMAND} } }`, undefined, developer);
      expect(mine.data.dataDemands).toEqual([expect.objectContaining({ id: demand.id, status: 'AGREED', answer: '经论证，按乡镇汇总后列入开放目录' })]);
      const institutions: any = await graphql(stack.gatewayUrl, `{ dataDemands { ${DEMAND} } }`, undefined, institution);
      expect(institutions.data.dataDemands.map((d: any) => d.id)).not.toContain(demand.id);
    });
  } else {
    it('the open platform takes no demands from the public where the profile has no such article (Ganzi Art.27 only)', async () => {
      const refused: any = await graphql(stack.gatewayUrl, FILE_DEMAND, { input: publicDemand(POLICE) }, { 'x-api-key': credentials.apiKey('open-researcher') });
      expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
    });
  }

  if (profileId === 'yunnan') {
    it('Yunnan Art.45 ¶2, Yunnan-AO 开发利用要求(五): when a developer\'s agreements end, its keys and grants end at once', async () => {
      const portal = { authorization: `Bearer ${await credentials.developerToken(ENDING_DEVELOPER)}` };
      await acceptAgreementsInForce(stack.gatewayUrl, portal);
      const app: any = await graphql(stack.gatewayUrl, 'mutation($code: String!) { registerApp(name: "实名核验", creditCode: $code) { id } }', { code: creditCodeAt(DEFAULT_SEED, 2) }, portal);
      const created: any = await graphql(stack.gatewayUrl, 'mutation($app: ID!) { createApiKey(appId: $app, name: "生产") { key apiKey { id } } }', { app: app.data.registerApp.id }, portal);
      expect(created.errors).toBeUndefined();
      const key = { 'x-api-key': created.data.createApiKey.key, 'x-scenario-id': 'realname-verification' };
      const verify = () => graphql(stack.gatewayUrl, VERIFY, { id: person.idNumber, name: person.name }, key) as Promise<any>;
      expect((await verify()).data.verifyPersonIdentity).toBe('MATCH');

      const END = 'mutation($dev: ID!, $reason: String!) { endAgreements(developer: $dev, reason: $reason) { developer reason endedBy grantsRevoked keysRevoked } }';
      const byInstitution: any = await graphql(stack.gatewayUrl, END, { dev: ENDING_DEVELOPER, reason: '协议终止' }, institution);
      expect(byInstitution.errors[0].extensions.code).toBe('FORBIDDEN');
      const blank: any = await graphql(stack.gatewayUrl, END, { dev: ENDING_DEVELOPER, reason: ' ' }, admin);
      expect(blank.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
      expect((await verify()).data.verifyPersonIdentity).toBe('MATCH');

      const ended: any = await graphql(stack.gatewayUrl, END, { dev: ENDING_DEVELOPER, reason: '开放利用协议解除' }, admin);
      expect(ended.errors).toBeUndefined();
      expect(ended.data.endAgreements).toEqual({ developer: ENDING_DEVELOPER, reason: '开放利用协议解除', endedBy: `institution:${PROVINCE_AUTHORITY}/admin-rs`,
        grantsRevoked: ['rs-developer-verify'], keysRevoked: [created.data.createApiKey.apiKey.id] });
      // The account (its key) and its grant stop at the gateway.
      const refused = await verify();
      expect(refused.data?.verifyPersonIdentity ?? null).toBeNull();
      expect(refused.errors?.[0].extensions.code).toBeTruthy();
      const grantOnly: any = await graphql(stack.gatewayUrl, VERIFY, { id: person.idNumber, name: person.name }, { 'x-api-key': credentials.apiKey(ENDING_DEVELOPER), 'x-scenario-id': 'realname-verification' });
      expect(grantOnly.data?.verifyPersonIdentity ?? null).toBeNull();
      // New keys and applications wait for the agreements to be accepted anew.
      const agreements: any = await graphql(stack.gatewayUrl, '{ agreements { kind accepted } }', undefined, portal);
      expect(agreements.data.agreements.every((a: any) => a.accepted === false)).toBe(true);
      const newKey: any = await graphql(stack.gatewayUrl, 'mutation($app: ID!) { createApiKey(appId: $app, name: "新") { key } }', { app: app.data.registerApp.id }, portal);
      expect(newKey.errors[0].extensions.code).toBe('AGREEMENTS_NOT_ACCEPTED');
      const again: any = await graphql(stack.gatewayUrl, END, { dev: ENDING_DEVELOPER, reason: '再次' }, admin);
      expect(again.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('Yunnan Art.45 ¶2: a grant stops at the gateway when its agreement ends — at its end date, or revoked', async () => {
      const works = await read(NAME, ENDING_SCENARIO);
      expect(works.errors).toBeUndefined();
      expect(works.data.person.name).toBe(person.name);
      // Revocation ends the agreement of an approved application at once.
      const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: application('agreement-revoked') }, institution);
      await graphql(stack.gatewayUrl, DECIDE, { id: filed.data.applyForAccess.id, approve: true }, provider);
      expect((await read(NAME, 'agreement-revoked')).data.person.name).toBe(person.name);
      const revoked: any = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { revokeGrant(id: $id, reason: "共享协议终止") { status } }', { id: `grant-${filed.data.applyForAccess.id}` }, provider);
      expect(revoked.data.revokeGrant.status).toBe('revoked');
      const afterRevocation = await read(NAME, 'agreement-revoked');
      expect(afterRevocation.errors?.[0].extensions.code).toBeTruthy();
      expect(afterRevocation.data?.person?.name ?? null).toBeNull();
      // The fixture's agreement ends 60 s after the suite started.
      const [{ validUntil: end }] = (await graphql(stack.gatewayUrl, '{ grants { id validUntil } }', undefined, institution) as any).data.grants.filter((g: any) => g.id === 'rs-ends-soon');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(end) - Date.now()) + 500));
      const ended = await read(NAME, ENDING_SCENARIO);
      expect(ended.errors?.[0].extensions.code).toBeTruthy();
      expect(ended.data?.person?.name ?? null).toBeNull();
      const listed: any = await graphql(stack.gatewayUrl, '{ grants { id status } }', undefined, institution);
      expect(listed.data.grants.find((g: any) => g.id === 'rs-ends-soon').status).toBe('expired');
    }, 240_000);
  }
}

describe('remaining procedures on the embedded store (Yunnan)', () => {
  remainingSuite('yunnan', () => ({ DATABASE_URL: '' }));
});

for (const profileId of ['kunming', 'guiyang-guian', 'ganzi']) {
  describe(`remaining procedures on the embedded store (${profileId})`, () => {
    remainingSuite(profileId, () => ({ DATABASE_URL: '' }));
  });
}

for (const profileId of ['yunnan', 'kunming', 'guiyang-guian', 'ganzi']) {
  describeWithPostgres(`remaining procedures on PostgreSQL (${profileId})`, () => {
    const prefix = uniqueSchemaPrefix(`proc-rest-${profileId.slice(0, 4)}`);
    remainingSuite(profileId, () => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }));
    afterAll(() => dropSchemas(prefix));
  });
}
