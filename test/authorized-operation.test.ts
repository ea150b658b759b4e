// Authorized operation (授权运营, seed 001 云南省公共数据资源授权运营管理办法（试行）征求意见稿; Yunnan
// Art.37–39), the walk through a running stack with real tokens and keys: parties → operation agreement
// (never 不予开放 fields, Yunnan Art.38; at most 5 years) → developer selected, published (公示) 5
// working days → signed (at most 3 years) → product submitted, reviewed on every point, published →
// the developer's key calls a product → cells under the minimum suppressed → metered → statement
// (calls × fee). Then supervision: the blacklist stops calls and new agreements, evaluations with
// 30-day rectification, quality corrections in 10 working days; and termination closes every right.
// The platform has no clock to set: steps that need days to pass age rows in SQL — on PostgreSQL while
// the stack runs, on the embedded store between a stop and a restart on the same data directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../lib/db/database';
import { Credentials } from './support/credentials';
import { graphql } from './support/graphql';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { startStack, type Stack } from './support/stack';
import { describeWithPostgres, dropSchemas, platformSql, TEST_DATABASE_URL, uniqueSchemaPrefix, type PlatformSql } from './support/services';
import { creditCodeAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { calendarFor, loadProfile } from '../subgraphs/platform/profiles/profile';
import { DEFAULT_MINIMUM_CELL_SIZE } from '../directives/products';
import { REVIEW_POINTS } from '../directives/authorized-operation';

const AGENCY = creditCodeAt(DEFAULT_SEED, 3); // registered test institutions, acting as agency and operator
const OPERATOR = creditCodeAt(DEFAULT_SEED, 4);
const DEVELOPER_CODE = creditCodeAt(DEFAULT_SEED, 5); // legal entities acting as developer entities
const OTHER_DEVELOPER_CODE = creditCodeAt(DEFAULT_SEED, 6);
const DEVELOPER = 'ao-dev-1';
const OTHER_DEVELOPER = 'ao-dev-2';
const WELFARE_DEVELOPER = 'ao-dev-3'; // a public-welfare developer: free, and its agreement runs out
const PERSON_COUNTS = 'query($d: String!) { personCounts(divisionCode: $d) { product cells { count suppressed } } }';
const MARKET = '115300000152000215'; // 云南省市场监督管理局, provider of 530000-SJ-0001
const ENTITIES = '530000-SJ-0001';
const PERSONS = '530000-GA-0001';

const REGISTER = 'mutation($i: OperationPartyInput!) { registerOperationParty(input: $i) { id kind name creditCode account blocked } }';
const SIGN_OPERATION = 'mutation($i: OperationAgreementInput!) { signOperationAgreement(input: $i) { id status termMonths products fields endsAt } }';
const DEVELOPMENT = 'id status scenario purpose publishedAt publicityEndsOn signedAt endsAt fees { product feeFen }';
const SELECT = `mutation($i: DevelopmentAgreementInput!) { selectDeveloper(input: $i) { ${DEVELOPMENT} } }`;
const PUBLISH = `mutation($id: ID!) { publishDeveloperSelection(id: $id) { ${DEVELOPMENT} } }`;
const SIGN = `mutation($id: ID!) { signDevelopmentAgreement(id: $id) { ${DEVELOPMENT} } }`;
const TERMINATE = `mutation($id: ID!, $r: String!) { terminateDevelopmentAgreement(id: $id, reason: $r) { ${DEVELOPMENT} terminatedAt } }`;
const DISCLOSURE = `{ operationDisclosure { operators { name creditCode agreements { id status datasets endsAt } }
  selectionsInPublicity { agreementId developerName publicityEndsOn } products { id name kind developerName operatorName publishedAt } } }`;
const PRODUCT = 'id status coordinate findings { point passed note } publishedAt';
const SUBMIT = `mutation($i: OperationProductInput!) { submitOperationProduct(input: $i) { ${PRODUCT} } }`;
const REVIEW = `mutation($id: ID!, $f: [ReviewFindingInput!]!) { reviewOperationProduct(id: $id, findings: $f) { ${PRODUCT} } }`;
const PUBLISH_PRODUCT = `mutation($id: ID!) { publishOperationProduct(id: $id) { ${PRODUCT} } }`;
const STATEMENT = 'query($d: ID!, $m: String!) { operationStatement(developerId: $d, month: $m) { developerId month totalFen lines { agreementId purpose product calls unitFeeFen amountFen } } }';
const BLACKLIST = 'mutation($p: ID!, $m: BlacklistMeasure!, $r: String!, $u: String) { addBlacklistEntry(partyId: $p, measure: $m, reason: $r, untilOn: $u) { id measure untilOn inForce } }';
const EVALUATE = 'mutation($p: ID!, $o: EvaluationOutcome!, $n: String!) { evaluateOperationParty(partyId: $p, outcome: $o, note: $n) { id outcome rectificationDueOn superseded } }';
const EVALUATIONS = 'query($o: Boolean) { operationEvaluations(overdue: $o) { id outcome rectificationDueOn superseded } }';
const CORRECT = 'mutation($d: String!, $t: String!) { requestQualityCorrection(dataset: $d, description: $t) { id providerCode dataset filedAt dueOn answer } }';
const ANSWER = 'mutation($id: ID!, $a: String!) { answerQualityCorrection(id: $id, answer: $a) { id answer answeredAt } }';
const CORRECTIONS = 'query($o: Boolean) { qualityCorrections(overdue: $o) { id dueOn answer } }';
const LICENCE_COUNTS = 'query($d: String!) { licenceCounts(divisionCode: $d) { product minimumCellSize cells { divisionCode type status count suppressed } } }';

const calendar = calendarFor(loadProfile('yunnan'));
const month = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
const allPass = () => REVIEW_POINTS.map((point) => ({ point, passed: true, note: `${point} 已核查` }));
const codeOf = (answer: { errors?: { extensions?: Record<string, any> }[] }) => answer.errors?.[0]?.extensions?.code;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function authorizedOperationSuite(env: () => NodeJS.ProcessEnv, options: { sql?: PlatformSql }): void {
  const credentials = new Credentials();
  let stack: Stack;
  const stackEnv = () => ({ DATA_SCALE: '0.5', AUDIT_DURABILITY: 'store', GRANT_CACHE_MS: '300', ...credentials.env(), ...env() });
  // The embedded store: the platform's PGlite directory is the suite's, so a statement can run between
  // a stop and a restart (the stack's own process holds the database while it runs).
  const embeddedDir = options.sql ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'pd-authop-'));
  const sql: PlatformSql = options.sql ?? (async (text, params) => {
    await stack.stop();
    const db = await openDatabase({ schema: 'platform', pgliteDir: path.join(embeddedDir!, 'platform') });
    try {
      return await db.query(text, params);
    } finally {
      await db.close();
      stack = await startStack({ ...stackEnv(), PGLITE_DIR: embeddedDir }, 240_000);
    }
  });
  const headers: Record<string, Record<string, string>> = {};
  const ids: Record<string, string> = {};
  let scenario = '';
  let answeredCalls = 0;
  let welfareScenario = '';
  const callWelfare = () => graphql(stack.gatewayUrl, PERSON_COUNTS, { d: '530100' }, { 'x-api-key': credentials.apiKey(WELFARE_DEVELOPER), 'x-scenario-id': welfareScenario });
  const ask = (query: string, variables: Record<string, unknown> | undefined, who: string) => graphql(stack.gatewayUrl, query, variables, headers[who]);
  const callProduct = (d = '530100') => graphql(stack.gatewayUrl, LICENCE_COUNTS, { d }, { 'x-api-key': credentials.apiKey(DEVELOPER), 'x-scenario-id': scenario });

  beforeAll(async () => {
    stack = await startStack({ ...stackEnv(), ...(embeddedDir ? { PGLITE_DIR: embeddedDir } : {}) }, 240_000);
    headers.admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000' })}` };
    headers.operator = { authorization: `Bearer ${await credentials.token({ org: OPERATOR })}` };
    headers.agency = { authorization: `Bearer ${await credentials.token({ org: AGENCY })}` };
    headers.developer = { authorization: `Bearer ${await credentials.developerToken(DEVELOPER)}` };
    headers.market = { authorization: `Bearer ${await credentials.token({ org: MARKET, roles: ['provider'], div: '530000' })}` };
    headers.anonymous = {};
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
    if (embeddedDir) fs.rmSync(embeddedDir, { recursive: true, force: true });
  });

  it('registers the parties by checked credit codes; only an authority registers', async () => {
    const register = async (kind: string, name: string, creditCode: string, account?: string) => {
      const answer = await ask(REGISTER, { i: { kind, name, creditCode, account } }, 'admin');
      expect(answer.errors).toBeUndefined();
      return answer.data!.registerOperationParty;
    };
    ids.agency = (await register('IMPLEMENTING_AGENCY', '云南省数据发展促进中心（测试）', AGENCY)).id;
    const operator = await register('OPERATOR', '运营机构（测试）', OPERATOR);
    expect(operator).toMatchObject({ kind: 'OPERATOR', account: OPERATOR, blocked: false });
    ids.operator = operator.id;
    ids.developer = (await register('DEVELOPER', '开发主体甲（测试）', DEVELOPER_CODE, DEVELOPER)).id;
    ids.otherDeveloper = (await register('DEVELOPER', '开发主体乙（测试）', OTHER_DEVELOPER_CODE, OTHER_DEVELOPER)).id;
    ids.welfareDeveloper = (await register('DEVELOPER', '开发主体丙（公益）', creditCodeAt(DEFAULT_SEED, 9), WELFARE_DEVELOPER)).id;

    const badCode = await ask(REGISTER, { i: { kind: 'OPERATOR', name: '坏代码', creditCode: `${OPERATOR.slice(0, 17)}${OPERATOR[17] === '0' ? '1' : '0'}` } }, 'admin');
    expect(badCode.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'creditCode' });
    expect(badCode.errors?.[0].message).toMatch(/\p{Script=Han}.* \/ [a-z]/u);
    expect(codeOf(await ask(REGISTER, { i: { kind: 'DEVELOPER', name: '无账号', creditCode: creditCodeAt(DEFAULT_SEED, 7) } }, 'admin'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await ask(REGISTER, { i: { kind: 'OPERATOR', name: '自封', creditCode: creditCodeAt(DEFAULT_SEED, 8) } }, 'operator'))).toBe('FORBIDDEN');
  });

  it('operation agreement: 不予开放 fields refused (Yunnan Art.38), more than 5 years refused, nothing written; then signed', async () => {
    const input = { agencyId: ids.agency, operatorId: ids.operator, datasets: [ENTITIES], fields: ['LegalEntity.name', 'LegalEntity.kind'], products: ['Query.licenceCounts', 'Query.personCounts'], securityRequirements: '原始数据不出域；操作留痕', termMonths: 60 };
    const notOpen = await ask(SIGN_OPERATION, { i: { ...input, datasets: [ENTITIES, PERSONS], fields: ['LegalEntity.name', 'Person.idNumber'] } }, 'admin');
    expect(notOpen.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'fields', reason: 'NOT_OPEN', fields: ['Person.idNumber'] });
    expect(notOpen.errors?.[0].message).toMatch(/第三十八条.*Art\.38/);
    const tooLong = await ask(SIGN_OPERATION, { i: { ...input, termMonths: 61 } }, 'admin');
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'termMonths', max: 60 });
    expect(codeOf(await ask(SIGN_OPERATION, { i: { ...input, products: ['Query.person'] } }, 'admin'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await ask(SIGN_OPERATION, { i: input }, 'operator'))).toBe('FORBIDDEN');
    expect((await ask('{ operationAgreements { id } }', undefined, 'admin')).data!.operationAgreements).toEqual([]);

    const signed = await ask(SIGN_OPERATION, { i: input }, 'admin');
    expect(signed.errors).toBeUndefined();
    expect(signed.data!.signOperationAgreement).toMatchObject({ status: 'ACTIVE', termMonths: 60, fields: input.fields });
    ids.operation = signed.data!.signOperationAgreement.id;
    // The operator and the agency see it; the public sees the operator and what it was authorised.
    expect((await ask('{ operationAgreements { id } }', undefined, 'operator')).data!.operationAgreements.map((a: any) => a.id)).toEqual([ids.operation]);
    expect((await ask('{ operationAgreements { id } }', undefined, 'agency')).data!.operationAgreements.map((a: any) => a.id)).toEqual([ids.operation]);
    const disclosed = await ask(DISCLOSURE, undefined, 'anonymous');
    expect(disclosed.errors).toBeUndefined();
    expect(disclosed.data!.operationDisclosure.operators).toEqual([{ name: '运营机构（测试）', creditCode: OPERATOR, agreements: [expect.objectContaining({ id: ids.operation, status: 'ACTIVE', datasets: [ENTITIES] })] }]);
  });

  it('developer selection: more than 3 years and fees for public welfare refused; published for 5 working days, signing earlier refused', async () => {
    const input = { operationAgreementId: ids.operation, developerId: ids.developer, purpose: 'INDUSTRY_DEVELOPMENT', rights: '使用证照统计产品开发行业分析服务', exitTerms: '协议终止即关闭平台权限并删除留存数据', fees: [{ product: 'Query.licenceCounts', feeFen: 150 }], termMonths: 36 };
    expect((await ask(SELECT, { i: { ...input, termMonths: 37 } }, 'operator')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'termMonths', max: 36 });
    expect((await ask(SELECT, { i: { ...input, purpose: 'PUBLIC_WELFARE' } }, 'operator')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'fees' });
    expect(codeOf(await ask(SELECT, { i: { ...input, fees: [{ product: 'Query.legalEntityCounts', feeFen: 1 }] } }, 'operator'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await ask(SELECT, { i: input }, 'agency'))).toBe('FORBIDDEN'); // not an operator

    const selected = await ask(SELECT, { i: input }, 'operator');
    expect(selected.errors).toBeUndefined();
    expect(selected.data!.selectDeveloper).toMatchObject({ status: 'SELECTED', purpose: 'INDUSTRY_DEVELOPMENT', fees: [{ product: 'Query.licenceCounts', feeFen: 150 }], publishedAt: null });
    ids.agreement = selected.data!.selectDeveloper.id;
    scenario = selected.data!.selectDeveloper.scenario;
    expect((await ask(SIGN, { id: ids.agreement }, 'operator')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 'SELECTED' });

    const published = (await ask(PUBLISH, { id: ids.agreement }, 'operator')).data!.publishDeveloperSelection;
    expect(published.status).toBe('PUBLISHED');
    expect(published.publicityEndsOn).toBe(calendar.addWorkingDays(new Date(published.publishedAt), 5));
    expect((await ask(DISCLOSURE, undefined, 'anonymous')).data!.operationDisclosure.selectionsInPublicity).toEqual([
      { agreementId: ids.agreement, developerName: '开发主体甲（测试）', publicityEndsOn: published.publicityEndsOn },
    ]);
    const early = await ask(SIGN, { id: ids.agreement }, 'operator');
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PUBLICITY_RUNNING', publicityEndsOn: published.publicityEndsOn });
    expect(early.errors?.[0].message).toMatch(/5个工作日.* \/ .*5 working days/);
    // Not signed: the developer's key reaches no product.
    const refused = await callProduct();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'GRANT_REQUIRED', coordinate: 'Query.licenceCounts' });
    expect(refused.data?.licenceCounts ?? null).toBeNull();
    // A public-welfare developer is selected and published too: free of charge (fees 0).
    const welfare = await ask(SELECT, { i: { ...input, developerId: ids.welfareDeveloper, purpose: 'PUBLIC_WELFARE', rights: '公益分析', fees: [{ product: 'Query.personCounts', feeFen: 0 }], termMonths: 12 } }, 'operator');
    expect(welfare.errors).toBeUndefined();
    ids.welfareAgreement = welfare.data!.selectDeveloper.id;
    welfareScenario = welfare.data!.selectDeveloper.scenario;
    expect((await ask(PUBLISH, { id: ids.welfareAgreement }, 'operator')).data!.publishDeveloperSelection.status).toBe('PUBLISHED');
  });

  it('a blacklisted developer (suspension, cancellation, exclusion) enters no new agreement; an exclusion needs its end date', async () => {
    expect((await ask(BLACKLIST, { p: ids.otherDeveloper, m: 'EXCLUSION', r: '违规使用数据' }, 'admin')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'untilOn' });
    // An operator supervises only developers of its own agreements.
    expect(codeOf(await ask(BLACKLIST, { p: ids.otherDeveloper, m: 'WARNING', r: '提醒约谈' }, 'operator'))).toBe('FORBIDDEN');
    const warned = await ask(BLACKLIST, { p: ids.otherDeveloper, m: 'WARNING', r: '提醒约谈' }, 'admin');
    expect(warned.data!.addBlacklistEntry).toMatchObject({ measure: 'WARNING', inForce: true });
    const input = { operationAgreementId: ids.operation, developerId: ids.otherDeveloper, purpose: 'PUBLIC_GOVERNANCE', rights: '公共治理分析', exitTerms: '终止即关闭权限', fees: [{ product: 'Query.personCounts', feeFen: 0 }], termMonths: 12 };
    const afterWarning = await ask(SELECT, { i: input }, 'operator');
    expect(afterWarning.errors).toBeUndefined(); // a warning alone blocks nothing
    const until = new Date(Date.now() + 8 * 3_600_000 + 365 * 86_400_000).toISOString().slice(0, 10);
    expect((await ask(BLACKLIST, { p: ids.otherDeveloper, m: 'EXCLUSION', r: '违规使用数据，限制未来参与资格', u: until }, 'admin')).data!.addBlacklistEntry).toMatchObject({ measure: 'EXCLUSION', untilOn: until, inForce: true });
    const refused = await ask(SELECT, { i: input }, 'operator');
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'BLACKLISTED', party: ids.otherDeveloper });
    // Operators read the parties too (they select developer entities by id); other institutions do not.
    expect((await ask('{ operationParties { id } }', undefined, 'operator')).data!.operationParties).toHaveLength(5);
    expect(codeOf(await ask('{ operationParties { id } }', undefined, 'agency'))).toBe('FORBIDDEN');
    const parties = (await ask('{ operationParties { id blocked } }', undefined, 'admin')).data!.operationParties;
    expect(parties.find((p: any) => p.id === ids.otherDeveloper).blocked).toBe(true);
    expect(parties.find((p: any) => p.id === ids.developer).blocked).toBe(false);
  });

  it('evaluations: 限期整改 is due in 30 days; quality corrections are due in 10 working days and answered by the provider', async () => {
    const rectify = await ask(EVALUATE, { p: ids.developer, o: 'RECTIFY', n: '日志不全，限期整改' }, 'operator');
    expect(rectify.errors).toBeUndefined();
    const today = new Date(Date.now() + 8 * 3_600_000);
    expect(rectify.data!.evaluateOperationParty.rectificationDueOn).toBe(new Date(today.getTime() + 30 * 86_400_000).toISOString().slice(0, 10));
    ids.rectify = rectify.data!.evaluateOperationParty.id;
    expect((await ask(EVALUATIONS, { o: true }, 'admin')).data!.operationEvaluations).toEqual([]);
    expect(codeOf(await ask(EVALUATE, { p: ids.operator, o: 'PASSED', n: '自评' }, 'operator'))).toBe('FORBIDDEN');

    expect((await ask(CORRECT, { d: PERSONS, t: '出生日期有误' }, 'operator')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'dataset' });
    const filed = await ask(CORRECT, { d: ENTITIES, t: '部分主体状态与登记不符' }, 'operator');
    expect(filed.errors).toBeUndefined();
    const request = filed.data!.requestQualityCorrection;
    expect(request).toMatchObject({ providerCode: MARKET, dataset: ENTITIES, answer: null });
    expect(request.dueOn).toBe(calendar.addWorkingDays(new Date(request.filedAt), 10));
    ids.correction = request.id;
    expect(codeOf(await ask(ANSWER, { id: request.id, a: '已更正' }, 'operator'))).toBe('FORBIDDEN');
    expect((await ask(CORRECTIONS, {}, 'market')).data!.qualityCorrections.map((c: any) => c.id)).toEqual([request.id]);
    const answered = await ask(ANSWER, { id: request.id, a: '已核实并更正3条记录' }, 'market');
    expect(answered.data!.answerQualityCorrection).toMatchObject({ id: request.id, answer: '已核实并更正3条记录' });
  });

  it('after 5 working days it is signed: the key calls the product, cells under the minimum suppressed', async () => {
    await sql(`UPDATE ao_development_agreement SET published_at = published_at - interval '20 days' WHERE id = ANY($1::text[])`, [[ids.agreement, ids.welfareAgreement]]);
    expect((await ask(SIGN, { id: ids.welfareAgreement }, 'operator')).data!.signDevelopmentAgreement).toMatchObject({ status: 'ACTIVE', purpose: 'PUBLIC_WELFARE' });
    expect((await callWelfare()).errors).toBeUndefined();
    const signed = await ask(SIGN, { id: ids.agreement }, 'operator');
    expect(signed.errors).toBeUndefined();
    expect(signed.data!.signDevelopmentAgreement.status).toBe('ACTIVE');
    const endsAt = Date.parse(signed.data!.signDevelopmentAgreement.endsAt);
    expect(endsAt).toBeGreaterThan(Date.now() + 35 * 30 * 86_400_000);
    expect(endsAt).toBeLessThan(Date.now() + 37 * 31 * 86_400_000);

    const answer = await callProduct();
    expect(answer.errors).toBeUndefined();
    const table = answer.data!.licenceCounts;
    expect(table.minimumCellSize).toBe(DEFAULT_MINIMUM_CELL_SIZE);
    expect(table.cells.some((c: any) => c.suppressed && c.count === null)).toBe(true);
    expect(table.cells.some((c: any) => !c.suppressed)).toBe(true);
    for (const cell of table.cells) expect(cell.suppressed ? cell.count === null : cell.count >= DEFAULT_MINIMUM_CELL_SIZE).toBe(true);
    for (const d of ['530300', '520100']) expect((await callProduct(d)).errors).toBeUndefined();
    answeredCalls = 3;
    // Outside the agreement's scenario the grant does not apply.
    const otherScenario = await graphql(stack.gatewayUrl, LICENCE_COUNTS, { d: '530100' }, { 'x-api-key': credentials.apiKey(DEVELOPER), 'x-scenario-id': 'not-the-agreement' });
    expect(otherScenario.data?.licenceCounts ?? null).toBeNull();
  }, 300_000);

  it('a product is submitted, reviewed on every point (one fail rejects), published and disclosed', async () => {
    const input = { agreementId: ids.agreement, name: '餐饮许可分布分析报告', kind: 'DATA_REPORT', coordinate: 'Query.licenceCounts', description: '按区划统计有效食品经营许可，不含任何主体信息' };
    expect(codeOf(await ask(SUBMIT, { i: { ...input, coordinate: 'Query.personCounts' } }, 'developer'))).toBe('BAD_USER_INPUT');
    const first = (await ask(SUBMIT, { i: input }, 'developer')).data!.submitOperationProduct;
    expect(first).toMatchObject({ status: 'SUBMITTED', findings: [] });
    expect((await ask(REVIEW, { id: first.id, f: allPass().slice(1) }, 'operator')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'findings' });
    expect(codeOf(await ask(REVIEW, { id: first.id, f: allPass() }, 'developer'))).toBe('FORBIDDEN');
    const crossBorder = allPass().map((f) => (f.point === 'CROSS_BORDER' ? { ...f, passed: false, note: '拟向境外客户提供' } : f));
    const rejected = (await ask(REVIEW, { id: first.id, f: crossBorder }, 'operator')).data!.reviewOperationProduct;
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.findings).toHaveLength(REVIEW_POINTS.length);
    expect(rejected.findings.find((f: any) => f.point === 'CROSS_BORDER')).toEqual({ point: 'CROSS_BORDER', passed: false, note: '拟向境外客户提供' });
    expect(codeOf(await ask(PUBLISH_PRODUCT, { id: first.id }, 'operator'))).toBe('BAD_USER_INPUT');

    const second = (await ask(SUBMIT, { i: { ...input, name: '餐饮许可分布分析报告（境内版）' } }, 'developer')).data!.submitOperationProduct;
    expect((await ask(REVIEW, { id: second.id, f: allPass() }, 'operator')).data!.reviewOperationProduct.status).toBe('PUBLISHABLE');
    const published = (await ask(PUBLISH_PRODUCT, { id: second.id }, 'operator')).data!.publishOperationProduct;
    expect(published.status).toBe('PUBLISHED');
    const disclosed = (await ask(DISCLOSURE, undefined, 'anonymous')).data!.operationDisclosure;
    expect(disclosed.products).toEqual([expect.objectContaining({ id: second.id, kind: 'DATA_REPORT', developerName: '开发主体甲（测试）', operatorName: '运营机构（测试）' })]);
    expect(disclosed.selectionsInPublicity).toEqual([]); // signed: no longer in publicity
  });

  it('a suspension stops the key at once; when it lapses the calls work again; overdue rectifications and corrections are listed', async () => {
    const late = (await ask(CORRECT, { d: ENTITIES, t: '地址字段缺失' }, 'operator')).data!.requestQualityCorrection;
    const suspended = await ask(BLACKLIST, { p: ids.developer, m: 'SUSPENSION', r: '暂停开发利用资格' }, 'operator');
    expect(suspended.errors).toBeUndefined();
    const stopped = await callProduct();
    expect(stopped.data?.licenceCounts ?? null).toBeNull();
    expect(stopped.errors?.[0].extensions).toMatchObject({ code: 'GRANT_REQUIRED', coordinate: 'Query.licenceCounts' });
    // Days pass (one statement, one restart on the embedded store): the suspension lapses, the
    // rectification and both correction requests fall due.
    await sql(
      `WITH lapsed AS (UPDATE ao_blacklist_entry SET until_on = CURRENT_DATE - 1 WHERE id = $1 RETURNING 1),
            expired AS (UPDATE ao_development_agreement SET ends_at = now() WHERE id = $4 RETURNING 1),
            due AS (UPDATE ao_evaluation SET rectification_due_on = CURRENT_DATE - 1 WHERE id = $2 RETURNING 1)
       UPDATE ao_quality_correction SET due_on = CURRENT_DATE - 1 WHERE id = ANY($3::text[])`,
      [suspended.data!.addBlacklistEntry.id, ids.rectify, [late.id, ids.correction], ids.welfareAgreement],
    );
    await sleep(600); // GRANT_CACHE_MS: the lapse is a matter of time, not an announced change
    expect((await callProduct()).errors).toBeUndefined();
    answeredCalls += 1;

    expect((await ask(EVALUATIONS, { o: true }, 'operator')).data!.operationEvaluations.map((e: any) => e.id)).toEqual([ids.rectify]);
    await ask(EVALUATE, { p: ids.developer, o: 'PASSED', n: '整改完成，复评通过' }, 'operator');
    expect((await ask(EVALUATIONS, { o: true }, 'operator')).data!.operationEvaluations).toEqual([]);
    expect((await ask(CORRECTIONS, { o: true }, 'admin')).data!.qualityCorrections.map((c: any) => c.id)).toEqual([late.id]); // the answered one is not overdue

    // The welfare agreement ran out (expiry, 开发利用要求(五)): its key reaches the product no more — though
    // the grant made at signing is still on record, the party has no agreement in force.
    const expired = await callWelfare();
    expect(expired.data?.personCounts ?? null).toBeNull();
    expect(expired.errors?.[0].extensions).toMatchObject({ code: 'GRANT_REQUIRED', coordinate: 'Query.personCounts' });
    const agreements = (await ask('{ developmentAgreements { id status } }', undefined, 'admin')).data!.developmentAgreements;
    expect(agreements.find((a: any) => a.id === ids.welfareAgreement).status).toBe('EXPIRED');
    // Free of charge: its answered call, made while the agreement was in force, is metered at 0.
    const free = (await ask(STATEMENT, { d: ids.welfareDeveloper, m: month() }, 'admin')).data!.operationStatement;
    expect(free).toMatchObject({ totalFen: 0, lines: [{ agreementId: ids.welfareAgreement, purpose: 'PUBLIC_WELFARE', product: 'Query.personCounts', calls: 1, unitFeeFen: 0, amountFen: 0 }] });
  }, 300_000);

  it('the monthly statement: answered calls metered from the audit log × the fee per call', async () => {
    const statement = await ask(STATEMENT, { d: ids.developer, m: month() }, 'developer');
    expect(statement.errors).toBeUndefined();
    expect(statement.data!.operationStatement).toEqual({
      developerId: ids.developer, month: month(), totalFen: answeredCalls * 150,
      lines: [{ agreementId: ids.agreement, purpose: 'INDUSTRY_DEVELOPMENT', product: 'Query.licenceCounts', calls: answeredCalls, unitFeeFen: 150, amountFen: answeredCalls * 150 }],
    });
    // The operator reads its developer's statement; another developer and the public do not.
    expect((await ask(STATEMENT, { d: ids.developer, m: month() }, 'operator')).data!.operationStatement.totalFen).toBe(answeredCalls * 150);
    const other = await graphql(stack.gatewayUrl, STATEMENT, { d: ids.developer, m: month() }, { authorization: `Bearer ${await credentials.developerToken(OTHER_DEVELOPER)}` });
    expect(codeOf(other)).toBe('FORBIDDEN');
    expect(codeOf(await ask(STATEMENT, { d: ids.developer, m: '2026-13' }, 'admin'))).toBe('BAD_USER_INPUT');
  });

  it('termination closes every right: the call that worked fails, the statement stops counting (开发利用要求(五))', async () => {
    expect((await callProduct()).errors).toBeUndefined();
    answeredCalls += 1;
    const ended = await ask(TERMINATE, { id: ids.agreement, r: '开发主体违约' }, 'operator');
    expect(ended.errors).toBeUndefined();
    expect(ended.data!.terminateDevelopmentAgreement.status).toBe('TERMINATED');
    const after = await callProduct();
    expect(after.data?.licenceCounts ?? null).toBeNull();
    expect(after.errors?.[0].extensions).toMatchObject({ code: 'GRANT_REQUIRED', coordinate: 'Query.licenceCounts' });
    const late = await ask(SUBMIT, { i: { agreementId: ids.agreement, name: '新产品', kind: 'DATA_MODEL', description: '终止后提交' } }, 'developer');
    expect(late.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'agreementId' } });
    expect((await ask(STATEMENT, { d: ids.developer, m: month() }, 'admin')).data!.operationStatement.totalFen).toBe(answeredCalls * 150);
    expect(codeOf(await ask(TERMINATE, { id: ids.agreement, r: '再次终止' }, 'operator'))).toBe('BAD_USER_INPUT');
  });
}

describe('authorized operation (授权运营, seed 001): parties, agreements, review, fees, supervision — embedded store', () => {
  authorizedOperationSuite(() => ({ DATABASE_URL: '' }), {});
});

describeWithPostgres('authorized operation (授权运营, seed 001): parties, agreements, review, fees, supervision — PostgreSQL', () => {
  const prefix = uniqueSchemaPrefix('authop');
  authorizedOperationSuite(() => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }), { sql: platformSql(prefix) });
  afterAll(() => dropSchemas(prefix));
});
