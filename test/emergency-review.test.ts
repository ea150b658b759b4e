// Emergency grants after the emergency (Ganzi Art.38: 在明确告知数据使用目的、范围、方式和期限的基础上 …
// 使用期限届满后，及时 … 妥善处理): each provider whose fields an emergency grant covers is told its
// purpose, fields and period; once the grant has expired an authority of the grantee's area reviews
// it, once, as justified or not, recorded with who and when; reviewed grants leave the review list and
// the outcome reaches the providers' notices. On PGlite (no way to age a grant from outside: the parts
// before expiry) and on PostgreSQL (the grant's period moved into the past in SQL).
import { INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { PROVINCE_AUTHORITY, QUJING_AUTHORITY } from './support/institutions';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix, platformSql } from './support/services';
import { startStack, type Stack } from './support/stack';

const MARKET = '115300000152000215'; // provider of 法人基础信息
const GRANT = 'mutation($institution: String!) { grantEmergencyAccess(institution: $institution, scenario: "flood-rescue-38", fields: ["Person.name", "LegalEntity.name"], hours: 6, reason: "山洪灾害转移安置，核对受灾人员和企业") { id validFrom validUntil } }';
const NOTICES = '{ emergencyNotices { grantId institution scenario purpose fields validFrom validUntil notifiedAt reviewOutcome reviewedAt } }';
const FOR_REVIEW = '{ emergencyGrantsForReview { id } }';
const REVIEW = 'mutation($grant: ID!, $outcome: EmergencyReviewOutcome!, $note: String!) { reviewEmergencyGrant(grant: $grant, outcome: $outcome, note: $note) { grantId outcome note reviewedBy reviewedAt } }';

function emergencyReviewSuite(env: () => NodeJS.ProcessEnv, options: { sql?: (text: string, params: unknown[]) => Promise<any[]> }): void {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  let stack: Stack;
  const headers: Record<string, Record<string, string>> = {};
  let grant: { id: string; validFrom: string; validUntil: string };

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, ...credentials.env(), ...env() });
    const bearer = async (org: string, roles: string[], sub: string, div?: string) => ({ authorization: `Bearer ${await credentials.token({ org, roles, sub, ...(div ? { div } : {}) })}` });
    headers.admin = await bearer(PROVINCE_AUTHORITY, ['admin'], 'admin-emergency', '530000');
    headers.outsider = await bearer(QUJING_AUTHORITY, ['admin'], 'admin-qujing');
    headers.police = await bearer(POLICE, ['provider'], 'reviewer-police');
    headers.market = await bearer(MARKET, ['provider'], 'reviewer-market');
    headers.operator = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-emergency' })}` };
    const granted: any = await graphql(stack.gatewayUrl, GRANT, { institution: INSTITUTION }, headers.admin);
    expect(granted.errors).toBeUndefined();
    grant = granted.data.grantEmergencyAccess;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('tells each provider whose fields the grant covers its purpose, fields and period, and nobody else (Ganzi Art.38)', async () => {
    const police: any = await graphql(stack.gatewayUrl, NOTICES, undefined, headers.police);
    expect(police.errors).toBeUndefined();
    expect(police.data.emergencyNotices).toEqual([
      expect.objectContaining({ grantId: grant.id, institution: INSTITUTION, scenario: 'flood-rescue-38', purpose: '山洪灾害转移安置，核对受灾人员和企业', fields: ['Person.name'], validFrom: grant.validFrom, validUntil: grant.validUntil, reviewOutcome: null }),
    ]);
    const market: any = await graphql(stack.gatewayUrl, NOTICES, undefined, headers.market);
    expect(market.data.emergencyNotices.map((n: any) => [n.grantId, n.fields])).toEqual([[grant.id, ['LegalEntity.name']]]);
    const byOperator: any = await graphql(stack.gatewayUrl, NOTICES, undefined, headers.operator);
    expect(byOperator.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuses to review a grant still running, an unknown one, or one outside the area, with coded bilingual errors (Ganzi Art.38)', async () => {
    const early: any = await graphql(stack.gatewayUrl, REVIEW, { grant: grant.id, outcome: 'JUSTIFIED', note: '灾情属实' }, headers.admin);
    expect(early.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'grant' });
    expect(early.errors[0].message).toMatch(/\p{Script=Han}.* \/ [a-z]/u);
    const unknown: any = await graphql(stack.gatewayUrl, REVIEW, { grant: 'emergency-nothing', outcome: 'JUSTIFIED', note: '灾情属实' }, headers.admin);
    expect(unknown.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'grant' });
    const outside: any = await graphql(stack.gatewayUrl, REVIEW, { grant: grant.id, outcome: 'JUSTIFIED', note: '灾情属实' }, headers.outsider);
    expect(outside.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const byProvider: any = await graphql(stack.gatewayUrl, REVIEW, { grant: grant.id, outcome: 'JUSTIFIED', note: '灾情属实' }, headers.police);
    expect(byProvider.errors[0].extensions.code).toBe('FORBIDDEN');
    const notices: any = await graphql(stack.gatewayUrl, NOTICES, undefined, headers.police);
    expect(notices.data.emergencyNotices[0].reviewOutcome).toBeNull();
  });

  (options.sql ? it : it.skip)('reviews an expired grant once, records who and when, takes it off the list and tells the providers the outcome (Ganzi Art.38)', async () => {
    // The grant's six hours, moved into the past.
    await options.sql!(`UPDATE grant_record SET valid_from = now() - interval '7 hours', valid_until = now() - interval '1 hour' WHERE id = $1`, [grant.id]);
    const listed: any = await graphql(stack.gatewayUrl, FOR_REVIEW, undefined, headers.admin);
    expect(listed.data.emergencyGrantsForReview.map((g: any) => g.id)).toContain(grant.id);
    const noNote: any = await graphql(stack.gatewayUrl, REVIEW, { grant: grant.id, outcome: 'JUSTIFIED', note: '  ' }, headers.admin);
    expect(noNote.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });

    const reviewed: any = await graphql(stack.gatewayUrl, REVIEW, { grant: grant.id, outcome: 'UNJUSTIFIED', note: '企业信息超出转移安置所需' }, headers.admin);
    expect(reviewed.errors).toBeUndefined();
    expect(reviewed.data.reviewEmergencyGrant).toMatchObject({ grantId: grant.id, outcome: 'UNJUSTIFIED', note: '企业信息超出转移安置所需', reviewedBy: `${PROVINCE_AUTHORITY}/admin-emergency` });
    expect(Date.parse(reviewed.data.reviewEmergencyGrant.reviewedAt)).toBeGreaterThan(Date.now() - 60_000);
    const after: any = await graphql(stack.gatewayUrl, FOR_REVIEW, undefined, headers.admin);
    expect(after.data.emergencyGrantsForReview.map((g: any) => g.id)).not.toContain(grant.id);
    const again: any = await graphql(stack.gatewayUrl, REVIEW, { grant: grant.id, outcome: 'JUSTIFIED', note: '改判' }, headers.admin);
    expect(again.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'grant' });
    const [row] = await options.sql!('SELECT outcome, reviewed_by FROM emergency_review WHERE grant_id = $1', [grant.id]);
    expect(row).toEqual({ outcome: 'unjustified', reviewed_by: `${PROVINCE_AUTHORITY}/admin-emergency` });
    for (const provider of [headers.police, headers.market]) {
      const notices: any = await graphql(stack.gatewayUrl, NOTICES, undefined, provider);
      expect(notices.data.emergencyNotices[0]).toMatchObject({ grantId: grant.id, reviewOutcome: 'UNJUSTIFIED', reviewedAt: reviewed.data.reviewEmergencyGrant.reviewedAt });
    }
  });
}

describe('emergency grants reviewed, providers told (Ganzi Art.38) on the embedded defaults', () => {
  emergencyReviewSuite(() => ({ DATABASE_URL: '' }), {});
});

describeWithPostgres('emergency grants reviewed, providers told (Ganzi Art.38)', () => {
  const prefix = uniqueSchemaPrefix('emergency');
  const sql = platformSql(prefix);
  emergencyReviewSuite(() => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }), { sql });
  afterAll(() => dropSchemas(prefix));
});
