// Issue 17, Yunnan's procedures. Objections lodged through the data authority, forwarded within 2
// working days (Art.22 ¶2). A withdrawal of open data noticed to its users and reviewed (复核, Art.36 ¶2).
// Delivery deadlines: an approved application must be delivered within the profile's
// *Delivery days (Yunnan Art.29 ¶2: 同意共享的，应当在答复之日起5个工作日内完成数据共享). The application
// shows deliveryDueOn; its provider records the delivery (the article makes completing the share the
// provider's act); lateDeliveries lists what is late. Through the gateway, on the embedded store and on
// PostgreSQL (where a due date is moved into the past in the store, as time passing would).
import { application, APPLY, DECIDE, INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix, platformSql } from './support/services';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';
import { personAt, DEFAULT_SEED } from '../subgraphs/seed/generator';

const DELIVERY = 'id status decidedAt deliveryDueOn deliveredAt deliveryLate steps { action dueOn note }';
const RECORD = `mutation($id: ID!, $note: String) { recordDelivery(id: $id, note: $note) { ${DELIVERY} } }`;
const LATE = `{ lateDeliveries { ${DELIVERY} } }`;

const DEVELOPER = 'yn-realname-developer';

type Sql = (text: string, params: unknown[]) => Promise<unknown[]>;

function deliverySuite(env: () => NodeJS.ProcessEnv, options: { sql?: Sql } = {}): void {
  const credentials = new Credentials();
  // A developer using open data of 人口基础信息 (for the withdrawal's notice, Art.36 ¶2).
  const grantsFile = writeGrantsFile([{ id: 'yn-open-developer', grantee: { kind: 'developer', id: DEVELOPER }, scenario: 'realname-verification', fields: ['Query.verifyPersonIdentity'],
    validFrom: '2025-01-01T00:00:00Z', validUntil: new Date(Date.now() + 300 * 86_400_000).toISOString() }]);
  const profile = loadProfile('yunnan');
  const calendar = calendarFor(profile);
  let stack: Stack;
  let institution: Record<string, string>;
  let provider: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, JURISDICTION_PROFILE: 'yunnan', ...credentials.env(), ...env() });
    institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-dl' })}` };
    provider = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000', sub: 'reviewer' })}` };
    admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin' })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  async function approvedApplication(scenario: string): Promise<any> {
    const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: application(scenario) }, institution);
    expect(filed.errors).toBeUndefined();
    expect(filed.data.applyForAccess.status).toBe('PENDING');
    const pending: any = await graphql(stack.gatewayUrl, `{ applications { ${DELIVERY} } }`, undefined, institution);
    expect(pending.data.applications.find((a: any) => a.id === filed.data.applyForAccess.id)).toMatchObject({ deliveryDueOn: null, deliveredAt: null, deliveryLate: false });
    const approved: any = await graphql(stack.gatewayUrl, DECIDE, { id: filed.data.applyForAccess.id, approve: true }, provider);
    expect(approved.errors).toBeUndefined();
    const mine: any = await graphql(stack.gatewayUrl, `{ applications { ${DELIVERY} } }`, undefined, institution);
    return mine.data.applications.find((a: any) => a.id === filed.data.applyForAccess.id);
  }

  it('Yunnan Art.29 ¶2: an approved conditional share is due for delivery 5 working days from the answer, recorded by its provider', async () => {
    const app = await approvedApplication('dl-on-time');
    expect(app.status).toBe('APPROVED');
    // Counted on the profile's calendar from the answer (the approval), not from the filing.
    expect(app.deliveryDueOn).toBe(deadlineFor(profile, 'conditionalShareDelivery', new Date(app.decidedAt), calendar).due);
    expect(app).toMatchObject({ deliveredAt: null, deliveryLate: false });

    // Only the application's provider records the delivery; nothing changes otherwise.
    const byApplicant: any = await graphql(stack.gatewayUrl, RECORD, { id: app.id }, institution);
    expect(byApplicant.errors[0].extensions.code).toBe('FORBIDDEN');
    const unknown: any = await graphql(stack.gatewayUrl, RECORD, { id: 'app-none' }, provider);
    expect(unknown.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors[0].message).toMatch(/申请不存在.*no such application|no such application/);

    const delivered: any = await graphql(stack.gatewayUrl, RECORD, { id: app.id, note: '已通过共享接口开通' }, provider);
    expect(delivered.errors).toBeUndefined();
    const record = delivered.data.recordDelivery;
    expect(record.deliveredAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(record.deliveryLate).toBe(false);
    expect(record.steps.at(-1)).toEqual({ action: 'delivered', dueOn: app.deliveryDueOn, note: '已通过共享接口开通' });

    const again: any = await graphql(stack.gatewayUrl, RECORD, { id: app.id }, provider);
    expect(again.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const late: any = await graphql(stack.gatewayUrl, LATE, undefined, admin);
    expect(late.errors).toBeUndefined();
    expect(late.data.lateDeliveries.map((a: any) => a.id)).not.toContain(app.id);
  });

  it('a pending application cannot be delivered, and only reviewers list late deliveries', async () => {
    const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: application('dl-pending') }, institution);
    const early: any = await graphql(stack.gatewayUrl, RECORD, { id: filed.data.applyForAccess.id }, provider);
    expect(early.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const byApplicant: any = await graphql(stack.gatewayUrl, LATE, undefined, institution);
    expect(byApplicant.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('Yunnan Art.22 ¶2: an objection lodged with the data authority is forwarded within 2 working days; the provider\'s 5 then run from the forwarding', async () => {
    const me = personAt(DEFAULT_SEED, 9);
    const subject = { authorization: `Bearer ${await credentials.subjectToken(me.idNumber)}` };
    const OBJECTION = 'id status throughAuthority filedAt forwardedAt dueOn overdue';
    const raised: any = await graphql(stack.gatewayUrl, `mutation($ref: String!) { raiseObjection(dataset: "530000-GA-0001", recordRef: $ref, field: "householdAddress", description: "户籍地址有误", throughAuthority: true) { ${OBJECTION} } }`, { ref: `Person:${me.idNumber}` }, subject);
    expect(raised.errors).toBeUndefined();
    const objection = raised.data.raiseObjection;
    expect(objection).toMatchObject({ status: 'forwarding', throughAuthority: true, forwardedAt: null, overdue: false });
    expect(objection.dueOn).toBe(calendar.addWorkingDays(new Date(objection.filedAt), profile.objectionForwarding!.workingDays));
    expect(profile.objectionForwarding).toMatchObject({ workingDays: 2, article: '云南 第二十二条' });

    // The provider cannot answer before it has it; only the authority forwards.
    const early: any = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { answerObjection(id: $id, corrected: false, answer: "x") { status } }', { id: objection.id }, provider);
    expect(early.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const FORWARD = `mutation($id: ID!) { forwardObjection(id: $id) { ${OBJECTION} } }`;
    const byProvider: any = await graphql(stack.gatewayUrl, FORWARD, { id: objection.id }, provider);
    expect(byProvider.errors[0].extensions.code).toBe('FORBIDDEN');

    const forwarded: any = await graphql(stack.gatewayUrl, FORWARD, { id: objection.id }, admin);
    expect(forwarded.errors).toBeUndefined();
    const open = forwarded.data.forwardObjection;
    expect(open).toMatchObject({ status: 'open', forwardedAt: expect.stringMatching(/^\d{4}-/) });
    expect(open.dueOn).toBe(deadlineFor(profile, 'objectionAnswer', new Date(open.forwardedAt), calendar).due);
    const again: any = await graphql(stack.gatewayUrl, FORWARD, { id: objection.id }, admin);
    expect(again.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const answered: any = await graphql(stack.gatewayUrl, 'mutation($id: ID!) { answerObjection(id: $id, corrected: false, answer: "经核实无误") { status } }', { id: objection.id }, provider);
    expect(answered.data.answerObjection.status).toBe('answered');
  });

  it('Yunnan Art.36 ¶2: a withdrawal of open data is noticed to the developers using it, who may ask the data authority to review it; a reversal lifts it', async () => {
    const developer = { 'x-api-key': credentials.apiKey(DEVELOPER) };
    const withdrawn: any = await graphql(stack.gatewayUrl, 'mutation { suspend(target: DATASET, id: "530000-GA-0001", scope: OPEN, reason: "数据主体提出撤回要求，核实中") { id } }', undefined, provider);
    expect(withdrawn.errors).toBeUndefined();
    const suspensionId = withdrawn.data.suspend.id;
    const notices: any = await graphql(stack.gatewayUrl, '{ withdrawalNotices { suspensionId grantId dataset reason liftedAt } }', undefined, developer);
    expect(notices.errors).toBeUndefined();
    expect(notices.data.withdrawalNotices).toEqual([{ suspensionId, grantId: 'yn-open-developer', dataset: '530000-GA-0001', reason: '数据主体提出撤回要求，核实中', liftedAt: null }]);
    const notForInstitutions: any = await graphql(stack.gatewayUrl, '{ withdrawalNotices { suspensionId } }', undefined, institution);
    expect(notForInstitutions.errors[0].extensions.code).toBe('FORBIDDEN');

    const REQUEST = 'mutation($id: ID!, $reason: String!) { requestWithdrawalReview(suspensionId: $id, reason: $reason) { id status } }';
    const blank: any = await graphql(stack.gatewayUrl, REQUEST, { id: suspensionId, reason: ' ' }, developer);
    expect(blank.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const requested: any = await graphql(stack.gatewayUrl, REQUEST, { id: suspensionId, reason: '实名核验仅返回比对结果，不含个人信息' }, developer);
    expect(requested.errors).toBeUndefined();
    expect(requested.data.requestWithdrawalReview.status).toBe('pending');

    const DECIDE_REVIEW = 'mutation($id: ID!, $reverse: Boolean!) { decideWithdrawalReview(id: $id, reverse: $reverse, note: "经复核，撤回依据不足") { status decidedBy } }';
    const byProvider: any = await graphql(stack.gatewayUrl, DECIDE_REVIEW, { id: requested.data.requestWithdrawalReview.id, reverse: true }, provider);
    expect(byProvider.errors[0].extensions.code).toBe('FORBIDDEN');
    const reversed: any = await graphql(stack.gatewayUrl, DECIDE_REVIEW, { id: requested.data.requestWithdrawalReview.id, reverse: true }, admin);
    expect(reversed.errors).toBeUndefined();
    expect(reversed.data.decideWithdrawalReview.status).toBe('reversed');
    const after: any = await graphql(stack.gatewayUrl, '{ withdrawalNotices { suspensionId liftedAt } }', undefined, developer);
    expect(after.data.withdrawalNotices.find((n: any) => n.suspensionId === suspensionId).liftedAt).toMatch(/^\d{4}-/);
    const again: any = await graphql(stack.gatewayUrl, DECIDE_REVIEW, { id: requested.data.requestWithdrawalReview.id, reverse: false }, admin);
    expect(again.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  if (options.sql) {
    const sql = options.sql;
    it('Yunnan Art.29 ¶2: an approval not delivered by its due day is listed as late, and stays listed once delivered late', async () => {
      const app = await approvedApplication('dl-late');
      // Time passing: the due day lies in the past.
      await sql('UPDATE application SET delivery_due_on = $2 WHERE id = $1', [app.id, '2026-01-05']);
      const forAdmin: any = await graphql(stack.gatewayUrl, LATE, undefined, admin);
      expect(forAdmin.data.lateDeliveries.find((a: any) => a.id === app.id)).toMatchObject({ deliveryDueOn: '2026-01-05', deliveredAt: null, deliveryLate: true });
      const forProvider: any = await graphql(stack.gatewayUrl, LATE, undefined, provider);
      expect(forProvider.data.lateDeliveries.map((a: any) => a.id)).toContain(app.id);

      const delivered: any = await graphql(stack.gatewayUrl, RECORD, { id: app.id }, provider);
      expect(delivered.data.recordDelivery).toMatchObject({ deliveryLate: true });
      const still: any = await graphql(stack.gatewayUrl, LATE, undefined, admin);
      expect(still.data.lateDeliveries.find((a: any) => a.id === app.id)).toMatchObject({ deliveryLate: true, deliveredAt: delivered.data.recordDelivery.deliveredAt });
    });
  }
}

describe('delivery deadlines on the embedded store (Yunnan)', () => {
  deliverySuite(() => ({ DATABASE_URL: '' }));
});

describeWithPostgres('delivery deadlines on PostgreSQL (Yunnan)', () => {
  const prefix = uniqueSchemaPrefix('procedures-text');
  const sql = platformSql(prefix);
  deliverySuite(() => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }), { sql });
  afterAll(() => dropSchemas(prefix));
});
