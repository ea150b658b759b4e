// Issue 17, Ganzi's formal check (Ganzi Art.18 ¶2): an unconditional-share application is checked by the
// data authority within 1 working day; its pass is the grant (自动取得数据使用授权) and the provider is
// told (审核结果自动同步至公共数据提供单位), not asked. Through the gateway on the embedded store.
import { APPLY, DECIDE, INSTITUTION, POLICE, application } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';

const GENDER = 'query($id: ID!) { person(idNumber: $id) { gender } }';

describe('Ganzi formal check (issue 17)', () => {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  const profile = loadProfile('ganzi');
  const calendar = calendarFor(profile);
  let stack: Stack;
  let institution: Record<string, string>;
  let provider: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, JURISDICTION_PROFILE: 'ganzi', DATABASE_URL: '', ...credentials.env() });
    institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-gz' })}` };
    provider = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000', sub: 'reviewer-gz' })}` };
    admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'authority-gz' })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('Ganzi Art.18 ¶2: the data authority checks an unconditional-share application within 1 working day; its pass grants the data and tells the provider', async () => {
    const scenario = 'gz-formal-check';
    const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: { ...application(scenario), fields: ['Person.gender'], plain: [] } }, institution);
    expect(filed.errors).toBeUndefined();
    const app = filed.data.applyForAccess;
    expect(app).toMatchObject({ status: 'PENDING', stages: ['big-data-department'], currentStage: 'big-data-department', grantId: null });
    const list: any = await graphql(stack.gatewayUrl, '{ applications { id filedAt dueOn } }', undefined, institution);
    const filedAt = list.data.applications.find((a: any) => a.id === app.id).filedAt;
    expect(app.dueOn).toBe(deadlineFor(profile, 'unconditionalShareAnswer', new Date(filedAt), calendar).due);
    expect(profile.sla.unconditionalShareAnswer).toMatchObject({ workingDays: 1, article: '甘孜 第十八条' });

    // The provider does not decide it: it is told the result.
    const byProvider: any = await graphql(stack.gatewayUrl, DECIDE, { id: app.id, approve: true }, provider);
    expect(byProvider.errors[0].extensions.code).toBe('FORBIDDEN');

    const checked: any = await graphql(stack.gatewayUrl, DECIDE, { id: app.id, approve: true }, admin);
    expect(checked.errors).toBeUndefined();
    expect(checked.data.decideApplication).toMatchObject({ status: 'APPROVED', grantId: `grant-${app.id}` });
    expect(checked.data.decideApplication.steps).toEqual([
      { stage: 'big-data-department', action: 'filed' },
      { stage: 'big-data-department', action: 'approved' },
      { stage: 'provider', action: 'notified' },
    ]);
    // 自动取得数据使用授权: the grant is the delivery.
    const after: any = await graphql(stack.gatewayUrl, '{ applications { id deliveredAt deliveryLate } }', undefined, institution);
    expect(after.data.applications.find((a: any) => a.id === app.id)).toMatchObject({ deliveredAt: expect.stringMatching(/^\d{4}-/), deliveryLate: false });
    const granted: any = await graphql(stack.gatewayUrl, GENDER, { id: personIdAt(DEFAULT_SEED, 6) }, { ...institution, 'x-scenario-id': scenario });
    expect(granted.errors).toBeUndefined();
    expect(granted.data.person.gender).toBeTruthy();
  });
});
