// Issue 17, Guiyang-Gui'an's procedures as its text sets them, through the gateway on the embedded store:
// the big-data department's first stage has no statutory deadline (Art.22 ¶2), the provider's 5 working
// days run from the forwarding; open-data applications go to the provider alone, 10 working days (Art.30 ¶2).
import { application, APPLY, DECIDE, INSTITUTION } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';
import { creditCodeAt, personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';

const FIELDS = 'id status stages currentStage filedAt dueOn overdue steps { stage action at dueOn note }';
const APPLICATIONS = `{ applications { ${FIELDS} } }`;

describe("Guiyang-Gui'an procedures (issue 17)", () => {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  const profile = loadProfile('guiyang-guian');
  const calendar = calendarFor(profile);
  let stack: Stack;
  let institution: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, JURISDICTION_PROFILE: 'guiyang-guian', DATABASE_URL: '', ...credentials.env() });
    institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-gy' })}` };
    admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin' })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  const mine = async (id: string, headers: Record<string, string>) => {
    const list: any = await graphql(stack.gatewayUrl, APPLICATIONS, undefined, headers);
    expect(list.errors).toBeUndefined();
    return list.data.applications.find((a: any) => a.id === id);
  };

  it("Guiyang-Gui'an Art.22 ¶2: the big-data department's stage has no statutory deadline; the provider's 5 working days run from the forwarding", async () => {
    const filed: any = await graphql(stack.gatewayUrl, APPLY, { input: application('gy-stage-one') }, institution);
    expect(filed.errors).toBeUndefined();
    const app = await mine(filed.data.applyForAccess.id, institution);
    expect(app).toMatchObject({ stages: ['big-data-department', 'provider'], currentStage: 'big-data-department', dueOn: null, overdue: false });
    expect(app.steps[0]).toMatchObject({ action: 'filed', dueOn: null, note: expect.stringContaining('no statutory deadline') });
    expect(app.steps[0].note).toContain('无法定期限');

    const forwarded: any = await graphql(stack.gatewayUrl, DECIDE, { id: app.id, approve: true }, admin);
    expect(forwarded.errors).toBeUndefined();
    const atProvider = await mine(app.id, institution);
    const forwarding = atProvider.steps.find((s: any) => s.action === 'forwarded');
    expect(atProvider.currentStage).toBe('provider');
    expect(atProvider.dueOn).toBe(deadlineFor(profile, 'conditionalShareAnswer', new Date(forwarding.at), calendar).due);
    expect(forwarding.dueOn).toBe(atProvider.dueOn);
  });

  it("Guiyang-Gui'an Art.30 ¶2: an open-data application is answered by the provider alone within 10 working days of receipt", async () => {
    const developer = { 'x-api-key': credentials.apiKey('gy-open-developer') };
    const input = { ...application('gy-open'), fields: ['Query.verifyPersonIdentity'], plain: [], purpose: 'OPEN', acceptSecurityCommitment: true, acceptUseAgreement: true };
    const filed: any = await graphql(stack.gatewayUrl, APPLY, { input }, developer);
    expect(filed.errors).toBeUndefined();
    const app = await mine(filed.data.applyForAccess.id, developer);
    expect(app).toMatchObject({ stages: ['provider'], currentStage: 'provider' });
    expect(app.dueOn).toBe(deadlineFor(profile, 'conditionalOpenAnswer', new Date(app.filedAt), calendar).due);
    expect(profile.sla.conditionalOpenAnswer).toMatchObject({ workingDays: 10, article: '贵阳贵安 第三十条' });
  });

  const RAISE = 'mutation($dataset: String!, $ref: String!, $field: String) { raiseObjection(dataset: $dataset, recordRef: $ref, field: $field, description: "记录有误") { id filedAt dueOn overdue } }';

  it("Guiyang-Gui'an Art.31: an objection to open data is due the day it is received; one to shared data keeps Art.24's 10 working days", async () => {
    const open: any = await graphql(stack.gatewayUrl, RAISE, { dataset: '530000-SJ-0001', ref: `LegalEntity:${creditCodeAt(DEFAULT_SEED, 2)}`, field: 'name' }, institution);
    expect(open.errors).toBeUndefined();
    const filedDay = new Date(new Date(open.data.raiseObjection.filedAt).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(open.data.raiseObjection).toMatchObject({ dueOn: filedDay, overdue: false });

    // Person.householdAddress is shared, not open: Art.24 applies.
    const shared: any = await graphql(stack.gatewayUrl, RAISE, { dataset: '530000-GA-0001', ref: `Person:${personIdAt(DEFAULT_SEED, 4)}`, field: 'householdAddress' }, institution);
    expect(shared.errors).toBeUndefined();
    expect(shared.data.raiseObjection.dueOn).toBe(deadlineFor(profile, 'objectionAnswer', new Date(shared.data.raiseObjection.filedAt), calendar).due);
    expect(profile.sla.objectionAnswer).toMatchObject({ workingDays: 10, article: '贵阳贵安 第二十四条' });
  });
});
