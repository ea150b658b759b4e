// The levels act at run time (issue 14 item 5), through a running stack: what a field's level
// (directives/levels.ts; GB/T 43697-2024: IMPORTANT = 重要数据, CORE = 核心数据) demands of an
// application and of the audit.
//  - L4 and above are reviewed by the data authority and then the provider whatever the profile
//    (Guiyang-Gui'an Art.22 ¶2's two-stage path; Yunnan Art.41 and Ganzi Art.36: 分类分级), each stage
//    with the profile's answer deadline;
//  - plain values of L4+ fields only with a stated reason, which the reviewers read (Ganzi Art.36
//    数据脱敏; Yunnan Art.43(5));
//  - IMPORTANT and CORE data are never open and never approved automatically, even in a profile that
//    auto-approves unconditional data (Ganzi Art.18 ¶2; Data Security Law Art.21);
//  - every read of an L4+ field is flagged in the hash-chained audit (Ganzi Art.36-37 安全审计).
// The schema's L4+ fields: Person.ethnicity (L4, conditional), Person.phone (L4, not shared) and
// Query.persons (IMPORTANT, unconditional: a bulk path to the population base database).
import crypto from 'node:crypto';
import { openDatabase } from '../lib/db/database';
import { AUDIT_SELECT } from '../subgraphs/platform/audit/appender';
import type { AuditRecord } from '../subgraphs/platform/audit/chain';
import { verifyAuditStore } from '../subgraphs/platform/audit/verify-store';
import { calendarFor, deadlineFor, loadProfile } from '../subgraphs/platform/profiles/profile';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { INSTITUTION, POLICE } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';

const APPLY = `mutation($input: ApplicationInput!) { applyForAccess(input: $input) {
  id status stages currentStage dueOn filedAt plain plainReason highLevelFields grantId steps { stage action at dueOn note } } }`;
const DECIDE = `mutation($id: ID!) { decideApplication(id: $id, approve: true) {
  id status stages currentStage dueOn grantId steps { stage action at dueOn note } } }`;
const LIST = '{ applications { id scenario plain plainReason highLevelFields stages currentStage } }';
const AUDIT = `query($filter: AuditFilter) { auditRecords(filter: $filter, first: 200) { records {
  seq requestId fieldsReturned fieldsMasked highLevelFields highLevel } } }`;

const application = (scenario: string, fields: string[], plain: string[] = [], extra: Record<string, unknown> = {}) => ({
  scenario,
  scenarioName: '少数民族政策落实核对',
  description: '核对申请人的民族成分以落实加分政策',
  legalBasis: '《云南省少数民族考生加分照顾办法》',
  // Ganzi Art.18 ¶2 asks a conditional-share application for these too.
  businessGoal: '高考少数民族考生加分资格核对',
  securityMeasures: '专网访问、操作留痕',
  // Guiyang Art.23, Ganzi Art.19: the purpose undertaking of a sharing application.
  purposeUndertaking: true,
  fields,
  plain,
  validFrom: new Date(Date.now() - 60_000).toISOString(),
  validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  ...extra,
});

/** The due date the profile gives `procedure` started at `at` (its own calendar). */
function dueFrom(profileId: string, at: string, procedure: 'conditionalShareAnswer' | 'unconditionalShareAnswer' = 'conditionalShareAnswer'): string {
  const profile = loadProfile(profileId);
  return deadlineFor(profile, procedure, new Date(at), calendarFor(profile)).due;
}

function levelsSuite(profileId: string, env: () => NodeJS.ProcessEnv, body: (ctx: { stack: () => Stack; headers: Callers }) => void): void {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  const holder: { stack?: Stack } = {};
  const headers = {} as Callers;

  beforeAll(async () => {
    holder.stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, JURISDICTION_PROFILE: profileId, ...credentials.env(), ...env() });
    headers.institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-levels' })}` };
    headers.provider = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000', sub: 'reviewer-levels' })}` };
    headers.admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'authority-levels' })}` };
    headers.developer = { 'x-api-key': credentials.apiKey('levels-developer') };
  }, 180_000);

  afterAll(async () => {
    await holder.stack?.stop();
    credentials.cleanup();
  });

  body({ stack: () => holder.stack!, headers });
}

interface Callers {
  institution: Record<string, string>;
  provider: Record<string, string>;
  admin: Record<string, string>;
  developer: Record<string, string>;
}

describeWithPostgres('levels act, Yunnan profile (one review stage of its own), PostgreSQL', () => {
  const prefix = uniqueSchemaPrefix('levels');
  afterAll(() => dropSchemas(prefix));

  levelsSuite('yunnan', () => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }), ({ stack, headers }) => {
    const id = personIdAt(DEFAULT_SEED, 4);
    const url = () => stack().gatewayUrl;

    it('reviews an L4 field (Person.ethnicity) by the data authority, then the provider, each within the profile\'s deadline, though Yunnan has one stage (Guiyang-Gui\'an Art.22 ¶2; Yunnan Art.41)', async () => {
      // The profile's own path, for contrast: an L3 field goes to the provider alone (Yunnan Art.29).
      const ordinary: any = await graphql(url(), APPLY, { input: application('levels-l3', ['Person.name']) }, headers.institution);
      expect(ordinary.errors).toBeUndefined();
      expect(ordinary.data.applyForAccess).toMatchObject({ stages: ['provider'], highLevelFields: [] });

      const filed: any = await graphql(url(), APPLY, { input: application('levels-l4-masked', ['Person.ethnicity']) }, headers.institution);
      expect(filed.errors).toBeUndefined();
      const app = filed.data.applyForAccess;
      expect(app).toMatchObject({ status: 'PENDING', stages: ['big-data-department', 'provider'], currentStage: 'big-data-department', highLevelFields: ['Person.ethnicity'], grantId: null });
      // The data authority's stage has the profile's answer deadline (Yunnan Art.29 ¶2: 5 working days).
      expect(app.dueOn).toBe(dueFrom('yunnan', app.filedAt));
      expect(app.steps).toEqual([expect.objectContaining({ stage: 'big-data-department', action: 'filed', dueOn: app.dueOn, note: expect.stringContaining('Person.ethnicity为L4级及以上数据，须经数据主管部门和数据提供单位两级审核') })]);

      // The provider cannot skip the authority's stage.
      const tooEarly: any = await graphql(url(), DECIDE, { id: app.id }, headers.provider);
      expect(tooEarly.errors[0].extensions.code).toBe('FORBIDDEN');

      const first: any = await graphql(url(), DECIDE, { id: app.id }, headers.admin);
      expect(first.errors).toBeUndefined();
      const forwarded = first.data.decideApplication;
      expect(forwarded).toMatchObject({ status: 'PENDING', currentStage: 'provider', grantId: null });
      const step = forwarded.steps.find((s: any) => s.action === 'forwarded');
      expect(step).toMatchObject({ stage: 'provider' });
      expect(step.dueOn).toBe(dueFrom('yunnan', step.at)); // the provider's own deadline, from the forwarding
      expect(forwarded.dueOn).toBe(step.dueOn);

      const second: any = await graphql(url(), DECIDE, { id: app.id }, headers.provider);
      expect(second.errors).toBeUndefined();
      expect(second.data.decideApplication).toMatchObject({ status: 'APPROVED', currentStage: null, grantId: `grant-${app.id}` });
      expect(second.data.decideApplication.steps.map((s: any) => [s.stage, s.action])).toEqual([
        ['big-data-department', 'filed'], ['big-data-department', 'approved'], ['provider', 'forwarded'], ['provider', 'approved'],
      ]);
    });

    it('refuses plain values of an L4 field without a stated reason, and changes nothing (Ganzi Art.36; Yunnan Art.43(5))', async () => {
      for (const plainReason of [undefined, '', '   ']) {
        const refused: any = await graphql(url(), APPLY, { input: application('levels-plain-refused', ['Person.ethnicity', 'Person.name'], ['Person.ethnicity', 'Person.name'], { plainReason }) }, headers.institution);
        expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'plainReason' });
        expect(refused.errors[0].message).toMatch(/^Person\.ethnicity为L4级及以上数据，申请明文须说明理由 \/ Person\.ethnicity is L4\+ data: state why plain values are needed/);
      }
      const tooLong: any = await graphql(url(), APPLY, { input: application('levels-plain-refused', ['Person.ethnicity'], ['Person.ethnicity'], { plainReason: '理'.repeat(2001) }) }, headers.institution);
      expect(tooLong.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'plainReason' });
      const mine: any = await graphql(url(), LIST, undefined, headers.institution);
      expect(mine.data.applications.filter((a: any) => a.scenario === 'levels-plain-refused')).toEqual([]);

      // Plain values of an L3 field need no reason; masked values of an L4 field need none either.
      const l3: any = await graphql(url(), APPLY, { input: application('levels-plain-l3', ['Person.name', 'Person.ethnicity'], ['Person.name']) }, headers.institution);
      expect(l3.errors).toBeUndefined();
    });

    it('takes plain values of an L4 field with a reason, stores it and shows it to the applicant and to both reviewers', async () => {
      const reason = '加分资格须核对民族成分原文，脱敏后无法比对';
      const filed: any = await graphql(url(), APPLY, { input: application('levels-l4-plain', ['Person.ethnicity'], ['Person.ethnicity'], { plainReason: `  ${reason} ` }) }, headers.institution);
      expect(filed.errors).toBeUndefined();
      const app = filed.data.applyForAccess;
      expect(app).toMatchObject({ plain: ['Person.ethnicity'], plainReason: reason, stages: ['big-data-department', 'provider'] });
      for (const reviewer of [headers.admin, headers.provider]) {
        const listed: any = await graphql(url(), LIST, undefined, reviewer);
        expect(listed.data.applications.find((a: any) => a.id === app.id)).toMatchObject({ plainReason: reason, highLevelFields: ['Person.ethnicity'] });
      }
      expect((await graphql(url(), DECIDE, { id: app.id }, headers.admin) as any).data.decideApplication.currentStage).toBe('provider');
      expect((await graphql(url(), DECIDE, { id: app.id }, headers.provider) as any).data.decideApplication.status).toBe('APPROVED');
    });

    it('refuses an open-data application for IMPORTANT data at filing (Data Security Law Art.21; GB/T 43697-2024; Ganzi Art.25)', async () => {
      const refused: any = await graphql(url(), APPLY, {
        input: { ...application('levels-open-important', ['Query.persons']), purpose: 'OPEN' },
      }, headers.developer);
      expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'fields', problem: 'LEVEL_FORBIDS_OPEN' });
      expect(refused.errors[0].message).toContain('Query.persons为IMPORTANT级（重要数据、核心数据），不予开放');
      expect(refused.errors[0].message).toContain('Query.persons is IMPORTANT data (重要数据 / 核心数据), which is never open');
      const mine: any = await graphql(url(), LIST, undefined, headers.developer);
      expect(mine.data.applications).toEqual([]);
    });

    it('flags every read of an L4+ field in the audit, plain or masked, filterable, covered by the hash chain, older records still verifying (Ganzi Art.36-37)', async () => {
      const ask = async (query: string, scenario: string) => {
        const result: any = await graphql(url(), query, { id, ids: [id] }, { ...headers.institution, 'x-scenario-id': scenario });
        expect(result.errors).toBeUndefined();
        return { result, requestId: result.headers.get('x-request-id') as string };
      };
      const masked = await ask('query($id: ID!) { person(idNumber: $id) { gender ethnicity } }', 'levels-l4-masked');
      expect(masked.result.data.person.ethnicity).toBe('******'); // REDACT: the grant gave it masked
      const plain = await ask('query($id: ID!) { person(idNumber: $id) { ethnicity } }', 'levels-l4-plain');
      expect(plain.result.data.person.ethnicity).toMatch(/族$/);
      const bulk = await ask('query($ids: [ID!]!) { persons(idNumbers: $ids) { gender } }', 'levels-any');
      const ordinary = await ask('query($id: ID!) { person(idNumber: $id) { gender } }', 'levels-any');

      const flagged: any = await graphql(url(), AUDIT, { filter: { highLevel: true } }, headers.admin);
      expect(flagged.errors).toBeUndefined();
      const byRequest = new Map<string, any>(flagged.data.auditRecords.records.map((r: any) => [r.requestId, r]));
      expect(byRequest.get(masked.requestId)).toMatchObject({ highLevel: true, highLevelFields: ['Person.ethnicity'], fieldsMasked: ['Person.ethnicity'] });
      expect(byRequest.get(plain.requestId)).toMatchObject({ highLevel: true, highLevelFields: ['Person.ethnicity'], fieldsMasked: [] });
      expect(byRequest.get(bulk.requestId)).toMatchObject({ highLevel: true, highLevelFields: ['Query.persons'] });
      expect(byRequest.has(ordinary.requestId)).toBe(false);
      expect(flagged.data.auditRecords.records.every((r: any) => r.highLevel && r.highLevelFields.length > 0)).toBe(true);
      const unflagged: any = await graphql(url(), AUDIT, { filter: { highLevel: false } }, headers.admin);
      expect(unflagged.data.auditRecords.records.find((r: any) => r.requestId === ordinary.requestId)).toMatchObject({ highLevel: false, highLevelFields: [] });
      expect(unflagged.data.auditRecords.records.some((r: any) => r.highLevel)).toBe(false);

      const db = await openDatabase({ url: TEST_DATABASE_URL, schema: `${prefix}platform` });
      try {
        expect(await verifyAuditStore(db)).toMatchObject({ ok: true });
        // The flag is covered by the chain: clearing it or changing what it names, in SQL, is found at that record.
        const seq = byRequest.get(plain.requestId).seq;
        for (const forged of ['{}', '{Person.gender}']) {
          await db.query('UPDATE audit_record SET high_level_fields = $2 WHERE seq = $1', [seq, forged]);
          expect(await verifyAuditStore(db)).toMatchObject({ ok: false, problem: { kind: 'altered', seq } });
        }
        await db.query("UPDATE audit_record SET high_level_fields = '{Person.ethnicity}' WHERE seq = $1", [seq]);
        expect(await verifyAuditStore(db)).toMatchObject({ ok: true });
        // A record without the flag hashes exactly as before migration 10, so records written before
        // it still verify: its stored hash is the one of the content without the new column.
        const [record] = await db.query<AuditRecord>(`SELECT ${AUDIT_SELECT} FROM audit_record WHERE request_id = $1`, [ordinary.requestId]);
        const e = record;
        const before: unknown[] = [record.seq, e.recordedAt, e.requestId, e.kind, e.gatewayInstance, e.callerKind, e.operator, e.institution, e.roles, e.scenario, e.grantIds,
          e.operationName, e.operationHash, e.fieldsReturned, e.fieldsMasked, e.fieldsDenied, e.datasets, e.subjects, e.decision, e.errorCodes, e.latencyMs];
        expect(e.targets).toEqual([]);
        expect(e.reason).toBeNull();
        expect(crypto.createHash('sm3').update(record.prevHash).update('\n').update(JSON.stringify(before)).digest('hex')).toBe(record.hash);
      } finally {
        await db.close();
      }
    });
  });
});

describe('levels act, Ganzi profile (grants unconditional data on a formal check, Ganzi Art.18 ¶2), embedded defaults', () => {
  levelsSuite('ganzi', () => ({ DATABASE_URL: '' }), ({ stack, headers }) => {
    const url = () => stack().gatewayUrl;

    it('never approves IMPORTANT data automatically: Query.persons goes to the data authority and the provider, where an L3 unconditional field is granted on the authority\'s formal check (Data Security Law Art.21)', async () => {
      const ordinary: any = await graphql(url(), APPLY, { input: application('levels-auto-l3', ['Person.gender']) }, headers.institution);
      expect(ordinary.errors).toBeUndefined();
      // Below L4 the data authority's formal check is the one stage; its pass is the grant (Ganzi Art.18 ¶2).
      expect(ordinary.data.applyForAccess).toMatchObject({ status: 'PENDING', stages: ['big-data-department'], grantId: null });
      const checked: any = await graphql(url(), DECIDE, { id: ordinary.data.applyForAccess.id }, headers.admin);
      expect(checked.data.decideApplication).toMatchObject({ status: 'APPROVED', grantId: expect.stringMatching(/^grant-/) });

      const filed: any = await graphql(url(), APPLY, { input: application('levels-auto-important', ['Query.persons', 'Person.gender']) }, headers.institution);
      expect(filed.errors).toBeUndefined();
      const app = filed.data.applyForAccess;
      expect(app).toMatchObject({ status: 'PENDING', grantId: null, stages: ['big-data-department', 'provider'], currentStage: 'big-data-department', highLevelFields: ['Query.persons'] });
      expect(app.steps.map((s: any) => s.action)).toEqual(['filed']);
      expect(app.steps[0].note).toBe('Query.persons为L4级及以上数据，须经数据主管部门和数据提供单位两级审核，不予自动批准（Query.persons为重要数据或核心数据，从不自动批准） / ' +
        'Query.persons: L4+ data, reviewed by the data authority and then the provider, not approved automatically (Query.persons: IMPORTANT or CORE data, never approved automatically)');
      // Reviewed by a person, it gets a person's deadline (Ganzi Art.18 ¶2: 5 working days), not the 1-day formal check.
      expect(app.dueOn).toBe(dueFrom('ganzi', app.filedAt));

      const first: any = await graphql(url(), DECIDE, { id: app.id }, headers.admin);
      expect(first.data.decideApplication).toMatchObject({ status: 'PENDING', currentStage: 'provider' });
      const second: any = await graphql(url(), DECIDE, { id: app.id }, headers.provider);
      expect(second.data.decideApplication).toMatchObject({ status: 'APPROVED', grantId: `grant-${app.id}` });
    });
  });
});
