// The audit log as its users meet it, on a running channel: every response a client receives has
// its record (even when a gateway is SIGKILLed under load), the chain verifies, a data subject sees
// accesses to their own records only, providers see their datasets only, and data requests fail
// closed when the audit store cannot be reached.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../lib/db/database';
import { openAuditJournal } from '../gateway/audit/audit-journal';
import type { AuditEntry } from '../protocol/audit-entry';
import { PLATFORM_AUDIENCE, signatureHeaders } from '../protocol/signature';
import { verifyAuditStore } from '../subgraphs/platform/audit/verify-store';
import { creditCodeAt, personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { replicaEnv, startGatewayProcess } from './support/gateway-process';
import { graphql } from './support/graphql';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';
import { startStack, type Stack } from './support/stack';
import { chinaDay } from '../subgraphs/platform/sql-dates';
import { PROVINCE_AUTHORITY } from './support/institutions';

const INSTITUTION = '11530100015301017M';
const POLICE = '11530000015200013A'; // provider of 人口基础信息
const ADMIN_ORG = PROVINCE_AUTHORITY; // 云南省数据局: admins are registered data authorities
const MARKET = '115300000152000215'; // provider of 法人基础信息
const GRANT = {
  id: 'audit-test',
  grantee: { kind: 'institution', id: INSTITUTION },
  scenario: 'audit-test',
  fields: ['Person.*', 'Query.*'],
  plain: ['Person.name'],
  validFrom: '2020-01-01T00:00:00Z',
  validUntil: '2100-01-01T00:00:00Z',
};
const PERSON_QUERY = 'query($ids: [ID!]!) { persons(idNumbers: $ids) { name gender } }';

function auditSuite(env: () => NodeJS.ProcessEnv, verifyChain?: () => Promise<void>, tamper?: (sql: string, params: unknown[]) => Promise<void>): void {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([GRANT]);
  let stack: Stack;
  let institution: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, ...credentials.env(), ...env() });
    institution = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-audit' })}`, 'x-scenario-id': 'audit-test' };
    admin = { authorization: `Bearer ${await credentials.token({ org: ADMIN_ORG, roles: ['admin'], div: '530000' })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  async function allRecords(): Promise<any[]> {
    const records: any[] = [];
    let after: string | null = null;
    do {
      const page: any = await graphql(stack.gatewayUrl, 'query($after: String) { auditRecords(first: 1000, after: $after) { records { seq requestId institution scenario decision subjectCount fieldsReturned datasets } nextCursor } }', { after }, admin);
      records.push(...page.data.auditRecords.records);
      after = page.data.auditRecords.nextCursor;
    } while (after);
    return records;
  }

  it('keeps a record of every response a client received, across a SIGKILLed gateway, and the chain verifies', async () => {
    // The restarted replica finds the journal the killed one left (one directory per replica).
    const env = { ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), AUDIT_JOURNAL_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'audit-journal-test-')) };
    const victim = await startGatewayProcess(env);
    const received: string[] = [];
    let stop = false;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const response = await fetch(victim.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...institution },
            body: JSON.stringify({ query: PERSON_QUERY, variables: { ids: [personIdAt(DEFAULT_SEED, (n * 97 + i) % 1000)] } }),
          });
          const body: any = await response.json();
          if (response.status === 200 && body.data?.persons?.[0]?.name) received.push(response.headers.get('x-request-id')!);
        } catch {
          return; // the gateway is gone
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(worker));
    // Kill it mid-load: once a fair number of answers have arrived and requests are still in flight.
    const deadline = Date.now() + 30_000;
    while (received.length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await victim.stop('SIGKILL');
    stop = true;
    await load;
    expect(received.length).toBeGreaterThan(20);

    const restarted = await startGatewayProcess(env);
    try {
      const after: any = await graphql(restarted.url, PERSON_QUERY, { ids: [personIdAt(DEFAULT_SEED, 5)] }, institution);
      expect(after.data.persons[0].name).toBeTruthy();
    } finally {
      await restarted.stop();
    }
    const recorded = new Set((await allRecords()).map((r) => r.requestId));
    const missing = received.filter((id) => !recorded.has(id));
    expect(missing).toEqual([]);
    await verifyChain?.();
  }, 120_000);

  /** An audit entry as a gateway reports it (requestId makes it findable). */
  const entryFor = (requestId: string) => ({
    recordedAt: new Date().toISOString(), requestId, kind: 'query', gatewayInstance: 'journal-test', callerKind: 'institution',
    operator: 'op-1', institution: INSTITUTION, roles: [], scenario: 'audit-test', grantIds: [], operationName: null, operationHash: null,
    fieldsReturned: ['Person.name'], fieldsMasked: [], fieldsDenied: [], datasets: [], subjects: [], decision: 'allowed', errorCodes: [], latencyMs: 1,
  });

  it('records a journal\'s batch once, however often it is shipped (retries, a restart after a crash)', async () => {
    const journal = `test-${Date.now()}`;
    const ids = [1, 2, 3, 4].map((n) => `${journal}-${n}`);
    const ship = async (numbers: number[]) => {
      const body = JSON.stringify({ journal, entries: numbers.map((n) => ({ ...entryFor(ids[n - 1]), n })) });
      const url = stack.subgraphUrls.platform.replace(/\/graphql$/, '/internal/audit');
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(credentials.keys.gatewaySubgraphSecret, { audience: PLATFORM_AUDIENCE, method: 'POST', path: '/internal/audit', caller: 'audit', body }) },
        body,
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { mark: number }).mark;
    };
    expect(await ship([])).toBe(0); // a new journal: nothing confirmed yet
    expect(await ship([1, 2, 3])).toBe(3);
    expect(await ship([1, 2, 3])).toBe(3); // the same batch again (its answer was lost)
    expect(await ship([2, 3, 4])).toBe(4); // overlapping: only 4 is new
    const recorded = (await allRecords()).map((r) => r.requestId).filter((id: string) => id.startsWith(journal));
    expect(recorded.sort()).toEqual(ids);
    await verifyChain?.();
  });

  it('ships on start what a replica\'s journal held when it died, a line torn by the crash left out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-journal-recovery-'));
    const journal = openAuditJournal({ dir });
    const ids = [1, 2, 3].map((n) => `recovered-${Date.now()}-${n}`);
    for (const id of ids) await journal.append(entryFor(id) as AuditEntry);
    await journal.close();
    // A crash mid-write leaves half a line at the end of the segment.
    const segment = fs.readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    fs.appendFileSync(path.join(dir, segment), '{"n":4,"entry":{"recordedAt":"2026-');
    const before = new Set((await allRecords()).map((r) => r.requestId));
    expect(ids.filter((id) => before.has(id))).toEqual([]);
    const replica = await startGatewayProcess({ ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), AUDIT_JOURNAL_DIR: dir });
    try {
      const recorded = new Set((await allRecords()).map((r) => r.requestId));
      expect(ids.filter((id) => !recorded.has(id))).toEqual([]);
      // The replica goes on numbering after what it found: its own next record is shipped too.
      const answered = await fetch(replica.url, { method: 'POST', headers: { 'content-type': 'application/json', ...institution }, body: JSON.stringify({ query: PERSON_QUERY, variables: { ids: [personIdAt(DEFAULT_SEED, 3)] } }) });
      expect(answered.status).toBe(200);
      const requestId = answered.headers.get('x-request-id')!;
      const through: any = await graphql(replica.url, '{ auditRecords(first: 20) { records { requestId } } }', undefined, admin);
      expect(through.data.auditRecords.records.map((r: any) => r.requestId)).toContain(requestId);
    } finally {
      await replica.stop();
    }
    await verifyChain?.();
  });

  it("keeps a client's well-formed x-request-id (answer header and audit record) and replaces a malformed one", async () => {
    const ask = (requestId: string) =>
      fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...institution }, body: JSON.stringify({ query: PERSON_QUERY, variables: { ids: [personIdAt(DEFAULT_SEED, 4)] } }) });
    const chosen = `client-trace:${Date.now()}/a.b_c-1`;
    const kept = await ask(chosen);
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-request-id')).toBe(chosen);
    for (const malformed of ['short', 'with space in it', 'x'.repeat(129), 'newline\r\nset-cookie: a=b']) {
      const replaced = await ask(malformed).catch(() => undefined); // a header Node refuses to send is no request at all
      if (!replaced) continue;
      expect(replaced.status).toBe(200);
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await allRecords()).map((r) => r.requestId)).toContain(chosen);
  });

  it('shows a data subject the accesses to their own records, and not another person\'s', async () => {
    const mine = personIdAt(DEFAULT_SEED, 11);
    const theirs = personIdAt(DEFAULT_SEED, 12);
    // Each looked up with a field set no other test asks for, so each access can be told apart.
    const looked: any = await graphql(stack.gatewayUrl, 'query($ids: [ID!]!) { persons(idNumbers: $ids) { name ethnicity } }', { ids: [mine] }, institution);
    expect(looked.errors).toBeUndefined();
    const lookedAtThem: any = await graphql(stack.gatewayUrl, 'query($ids: [ID!]!) { persons(idNumbers: $ids) { householdNumber } }', { ids: [theirs] }, institution);
    expect(lookedAtThem.errors).toBeUndefined();
    const query = '{ myAccesses(first: 100) { recordedAt institution scenario datasets fields } }';
    const me: any = await graphql(stack.gatewayUrl, query, undefined, { authorization: `Bearer ${await credentials.subjectToken(mine)}` });
    expect(me.errors).toBeUndefined();
    expect(me.data.myAccesses).toEqual(
      expect.arrayContaining([expect.objectContaining({ institution: INSTITUTION, scenario: 'audit-test', datasets: ['530000-GA-0001'], fields: expect.arrayContaining(['Person.ethnicity']) })]),
    );
    const other: any = await graphql(stack.gatewayUrl, query, undefined, { authorization: `Bearer ${await credentials.subjectToken(theirs)}` });
    // Non-empty first: a check over every element of an empty list passes whatever the list should hold.
    expect(other.data.myAccesses.length).toBeGreaterThan(0);
    expect(other.data.myAccesses).toEqual(expect.arrayContaining([expect.objectContaining({ fields: expect.arrayContaining(['Person.householdNumber']) })]));
    expect(other.data.myAccesses.filter((a: any) => a.fields.includes('Person.ethnicity'))).toEqual([]); // my access is not in their view
    expect(me.data.myAccesses.filter((a: any) => a.fields.includes('Person.householdNumber'))).toEqual([]); // nor theirs in mine
    // Only subjects may ask; nobody can ask for someone else.
    const byInstitution: any = await graphql(stack.gatewayUrl, query, undefined, institution);
    expect(byInstitution.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('shows a provider the use of its own datasets only, and refuses plain institutions', async () => {
    const police = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000' })}` };
    const market = { authorization: `Bearer ${await credentials.token({ org: MARKET, roles: ['provider'], div: '530000' })}` };
    const query = '{ auditRecords(first: 50) { records { datasets } } }';
    const policeView: any = await graphql(stack.gatewayUrl, query, undefined, police);
    expect(policeView.data.auditRecords.records.length).toBeGreaterThan(0);
    for (const record of policeView.data.auditRecords.records) expect(record.datasets).toContain('530000-GA-0001');
    // The market regulator's dataset is used once here, so that its view cannot be empty (a check
    // over every record of an empty view would pass whatever it held).
    const entity: any = await graphql(stack.gatewayUrl, 'query($code: ID!) { legalEntity(creditCode: $code) { name } }', { code: creditCodeAt(DEFAULT_SEED, 1) }, institution);
    expect(entity.data.legalEntity.name).toBeTruthy();
    const marketView: any = await graphql(stack.gatewayUrl, query, undefined, market);
    expect(marketView.data.auditRecords.records.length).toBeGreaterThan(0);
    for (const record of marketView.data.auditRecords.records) expect(record.datasets).toContain('530000-SJ-0001');
    const usage: any = await graphql(stack.gatewayUrl, '{ auditUsage { dataset institution scenario requests } }', undefined, police);
    expect(usage.data.auditUsage).toEqual(expect.arrayContaining([expect.objectContaining({ dataset: '530000-GA-0001', institution: INSTITUTION, scenario: 'audit-test' })]));
    const refused: any = await graphql(stack.gatewayUrl, query, undefined, institution);
    expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('gives a provider its requests per day by dataset, institution and scenario over a bounded range, and refuses a bad range', async () => {
    const police = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000' })}` };
    const PER_DAY = 'query($from: String!, $to: String!) { auditUsagePerDay(from: $from, to: $to) { day dataset institution scenario requests } }';
    const today = chinaDay(new Date());
    const from = chinaDay(new Date(Date.now() - 6 * 86_400_000));
    const series: any = await graphql(stack.gatewayUrl, PER_DAY, { from, to: today }, police);
    expect(series.errors).toBeUndefined();
    const rows = series.data.auditUsagePerDay;
    for (const row of rows) {
      expect(row.dataset).toBe('530000-GA-0001'); // its own datasets only
      expect(row.day >= from && row.day <= today).toBe(true);
    }
    const ours = rows.filter((r: any) => r.institution === INSTITUTION && r.scenario === 'audit-test');
    expect(ours.length).toBeGreaterThan(0);
    // The same requests as the totals over the same range.
    const totals: any = await graphql(stack.gatewayUrl, '{ auditUsage(from: "' + new Date(Date.parse(`${from}T00:00:00+08:00`)).toISOString() + '") { dataset institution scenario requests } }', undefined, police);
    const total = totals.data.auditUsage.find((u: any) => u.dataset === '530000-GA-0001' && u.institution === INSTITUTION && u.scenario === 'audit-test');
    expect(ours.reduce((sum: number, r: any) => sum + r.requests, 0)).toBe(total.requests);
    for (const [range, argument] of [[{ from: today, to: from }, 'to'], [{ from: '2026-01-01', to: '2026-06-30' }, 'to'], [{ from: '2026-02-30', to: today }, 'from'], [{ from, to: 'today' }, 'to']] as const) {
      const refused: any = await graphql(stack.gatewayUrl, PER_DAY, range, police);
      expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(refused.errors[0].message).toMatch(/[\u4e00-\u9fff].* \/ [a-z]/);
    }
    const byInstitution: any = await graphql(stack.gatewayUrl, PER_DAY, { from, to: today }, institution);
    expect(byInstitution.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('answers with partial data when a subgraph is down, and stops calling it once its circuit opens', async () => {
    const env = { ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), SUBGRAPH_URL_LEGAL_ENTITY: 'http://127.0.0.1:9/graphql', BREAKER_FAILURES: '2', BREAKER_COOLDOWN_MS: '60000' };
    const degraded = await startGatewayProcess(env);
    try {
      const query = 'query($ids: [ID!]!, $code: ID!) { persons(idNumbers: $ids) { name } legalEntity(creditCode: $code) { name } }';
      const variables = { ids: [personIdAt(DEFAULT_SEED, 2)], code: creditCodeAt(DEFAULT_SEED, 0) };
      const codesSeen: string[] = [];
      for (let i = 0; i < 3; i++) {
        const result: any = await graphql(degraded.url, query, variables, institution);
        expect(result.status).toBe(200);
        expect(result.data.persons[0].name).toMatch(/^\p{Script=Han}+$/u); // the healthy subgraph still answers
        expect(result.data.legalEntity).toBeNull();
        codesSeen.push(`${result.errors[0].extensions.code}/${result.errors[0].extensions.reason}`);
      }
      // Coded from the first failure (never the HTTP client's own words); the circuit opened after two.
      expect(codesSeen).toEqual(['SUBGRAPH_UNAVAILABLE/UNREACHABLE', 'SUBGRAPH_UNAVAILABLE/UNREACHABLE', 'SUBGRAPH_UNAVAILABLE/CIRCUIT_OPEN']);
    } finally {
      await degraded.stop();
    }
  });

  it('withholds data when the audit store or the control plane cannot be reached', async () => {
    const env = { ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), SUBGRAPH_URL_PLATFORM: 'http://127.0.0.1:9/graphql' };
    const cutOff = await startGatewayProcess(env);
    try {
      const result: any = await graphql(cutOff.url, PERSON_QUERY, { ids: [personIdAt(DEFAULT_SEED, 1)] }, institution);
      expect(result.status).toBe(503);
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE' } })]);
    } finally {
      await cutOff.stop();
    }
    // Without the audit (a benchmark setting), the unreachable control plane still withholds data:
    // no policy state, no catalogued field.
    const blind = await startGatewayProcess({ ...env, AUDIT: 'off' });
    try {
      const result: any = await graphql(blind.url, PERSON_QUERY, { ids: [personIdAt(DEFAULT_SEED, 1)] }, institution);
      expect(result.data.persons).toBeNull();
      expect(new Set(result.errors.map((e: any) => e.extensions.code))).toEqual(new Set(['POLICY_STATE_UNAVAILABLE']));
    } finally {
      await blind.stop();
    }
  });

  // Last: on PostgreSQL it alters a record, and the chain stays broken after it.
  it('shows data authorities the chain verified through its head, and the first broken link once a record is altered in the store (Yunnan Art.43(6))', async () => {
    const STATUS = '{ auditChainStatus { verified checkedAt checked verifiedThroughSeq headSeq brokenAtSeq problem } }';
    const intact: any = await graphql(stack.gatewayUrl, STATUS, undefined, admin);
    expect(intact.errors).toBeUndefined();
    const status = intact.data.auditChainStatus;
    expect(status).toMatchObject({ verified: true, brokenAtSeq: null, problem: null });
    expect(status.checked).toBeGreaterThan(10);
    expect(status.verifiedThroughSeq).toBe(status.headSeq);
    expect(Date.parse(status.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Only data authorities ask.
    const refused: any = await graphql(stack.gatewayUrl, STATUS, undefined, institution);
    expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
    if (!tamper) return;
    const seq = Math.floor(status.headSeq / 2);
    await tamper('UPDATE audit_record SET latency_ms = latency_ms + 1 WHERE seq = $1', [seq]);
    const broken: any = await graphql(stack.gatewayUrl, STATUS, undefined, admin);
    expect(broken.data.auditChainStatus).toMatchObject({ verified: false, brokenAtSeq: seq, verifiedThroughSeq: seq - 1 });
    expect(broken.data.auditChainStatus.problem).toContain(`第${seq}条记录被篡改`);
  });
}


describe('audit on PGlite (embedded default)', () => {
  auditSuite(() => ({ DATABASE_URL: '' }));
});

describeWithPostgres('audit', () => {
  const prefix = uniqueSchemaPrefix('audit');
  auditSuite(
    () => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }),
    async () => {
      const db = await openDatabase({ url: TEST_DATABASE_URL, schema: `${prefix}platform` });
      try {
        const result = await verifyAuditStore(db);
        expect(result).toMatchObject({ ok: true });
      } finally {
        await db.close();
      }
    },
    async (sql, params) => {
      const db = await openDatabase({ url: TEST_DATABASE_URL, schema: `${prefix}platform` });
      try {
        await db.query(sql, params);
      } finally {
        await db.close();
      }
    },
  );
  afterAll(() => dropSchemas(prefix));
});
