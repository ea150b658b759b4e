// Issue 15 item 2 and the developer portal's back end, through the gateway as a developer meets them:
// signed in with a developer token, it registers an app bound to a legal entity, accepts the security
// commitment and the use agreement in force (Yunnan Art.35), creates an API key (shown once, stored
// only as a digest), calls the API with it, rotates it (old and new valid together for the overlap),
// revokes it (refused on every replica within a second: the revocation is announced like any policy
// change), and reads its usage against its quota. Bad input is refused with coded errors, changing
// nothing. Once on the embedded defaults (PGlite, no Redis, one gateway), once with PostgreSQL, Redis
// and a second gateway replica.
import crypto from 'node:crypto';
import { creditCodeAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { chinaDay } from '../subgraphs/platform/sql-dates';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { replicaEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { graphql, type GraphQLResult } from './support/graphql';
import { describeWithPostgres, dropSchemas, redisAvailable, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueSchemaPrefix, platformSql } from './support/services';
import { KUNMING_AUTHORITY, PROVINCE_AUTHORITY } from './support/institutions';
import { metricsUrlOf, readCounter, startStack, type Stack } from './support/stack';

const ENTITY = creditCodeAt(DEFAULT_SEED, 1);
/** The same code with a wrong check character (GB 32100). */
const BAD_CODE = ENTITY.slice(0, 17) + (ENTITY[17] === '0' ? '1' : '0');
const OPEN_FIELD = 'query($code: ID!) { legalEntity(creditCode: $code) { name } }';
const KEY_FIELDS = 'id appId name prefix status createdAt lastUsedAt expiresAt revokedAt';
const CREATE = `mutation($app: ID!, $name: String!) { createApiKey(appId: $app, name: $name) { key apiKey { ${KEY_FIELDS} } } }`;
const ROTATE = `mutation($id: ID!, $hours: Int) { rotateApiKey(id: $id, overlapHours: $hours) { key apiKey { ${KEY_FIELDS} } } }`;
const REVOKE = `mutation($id: ID!, $reason: String!) { revokeApiKey(id: $id, reason: $reason) { ${KEY_FIELDS} } }`;
const REGISTER = 'mutation($name: String!, $code: String!) { registerApp(name: $name, creditCode: $code) { id name creditCode status createdAt } }';
const ACCEPT = 'mutation($kind: String!, $version: String!) { acceptAgreement(kind: $kind, version: $version) { kind version accepted } }';
const PUBLISH = 'mutation($kind: String!, $version: String!, $title: String!, $text: String!) { publishAgreement(kind: $kind, version: $version, title: $title, text: $text) { kind version title text publishedAt accepted } }';
const APPLY_OPEN = 'mutation($input: ApplicationInput!) { applyForAccess(input: $input) { id status commitmentAccepted agreementAccepted } }';
const OPEN_APPLICATION = {
  purpose: 'OPEN',
  scenario: 'keys-realname',
  scenarioName: '实名核验小程序',
  description: '用户注册时核验身份证号与姓名是否一致',
  fields: ['Query.verifyPersonIdentity'],
  validFrom: new Date(Date.now() - 60_000).toISOString(),
  validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
};
const AGREEMENTS = '{ agreements { kind version title text publishedAt accepted } }';

const codes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);

/** Calls until `done` holds or `withinMs` passes; returns the last answer and how long it took. */
async function until(call: () => Promise<GraphQLResult>, done: (r: GraphQLResult) => boolean, withinMs: number): Promise<{ result: GraphQLResult; ms: number }> {
  const start = Date.now();
  for (;;) {
    const result = await call();
    if (done(result) || Date.now() - start > withinMs) return { result, ms: Date.now() - start };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function apiKeysSuite(env: () => NodeJS.ProcessEnv, options: { replicas: boolean; sql?: (sql: string, params: unknown[]) => Promise<any[]> }): void {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  let stack: Stack;
  let second: GatewayProcess | undefined;
  let developer: Record<string, string>;
  let other: Record<string, string>;
  const gateways = () => [stack.gatewayUrl, ...(second ? [second.url] : [])];
  // Revocation is announced on Redis with replicas; alone, this gateway forgets its own cache at once.
  const REFUSED_WITHIN_MS = 1000;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, ...credentials.env(), ...env() });
    if (options.replicas) second = await startGatewayProcess({ ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), ...env() });
    developer = { authorization: `Bearer ${await credentials.developerToken('dev-keys-001', { name: '测试开发者' })}` };
    other = { authorization: `Bearer ${await credentials.developerToken('dev-keys-002')}` };
  }, 180_000);

  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
    credentials.cleanup();
  });

  it('maps a developer token to the developer, and keeps the portal to developers', async () => {
    const mine: any = await graphql(stack.gatewayUrl, '{ myApps { id } apiKeys { id } }', undefined, developer);
    expect(mine.errors).toBeUndefined();
    expect(mine.data).toEqual({ myApps: [], apiKeys: [] });
    // A developer account carries no institution's roles.
    const mixed = await graphql(stack.gatewayUrl, '{ myApps { id } }', undefined, { authorization: `Bearer ${await credentials.developerToken('dev-keys-001', { roles: ['developer', 'admin'] })}` });
    expect(mixed.status).toBe(401);
    expect(mixed.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'CLAIMS' });
    const institution = { authorization: `Bearer ${await credentials.token({ org: '11530100015301017M', sub: 'op-keys' })}` };
    const notADeveloper = await graphql(stack.gatewayUrl, '{ myApps { id } }', undefined, institution);
    expect(codes(notADeveloper)).toContain('FORBIDDEN');
    const anonymous = await graphql(stack.gatewayUrl, REGISTER, { name: 'x', code: ENTITY });
    expect(codes(anonymous)).toContain('FORBIDDEN');
  });

  it('refuses bad input with coded bilingual errors and changes nothing', async () => {
    const badCode = await graphql(stack.gatewayUrl, REGISTER, { name: '坏代码', code: BAD_CODE }, developer);
    expect(badCode.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'creditCode' });
    expect(badCode.errors?.[0].message).toMatch(/统一社会信用代码.* \/ invalid unified social credit code/);
    const noName = await graphql(stack.gatewayUrl, REGISTER, { name: '   ', code: ENTITY }, developer);
    expect(noName.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'name' });
    const wrongKind = await graphql(stack.gatewayUrl, ACCEPT, { kind: 'privacy-policy', version: '1' }, developer);
    expect(wrongKind.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'kind' });
    const oldVersion = await graphql(stack.gatewayUrl, ACCEPT, { kind: 'use-agreement', version: '0' }, developer);
    expect(oldVersion.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'version', current: '1' });
    const unknownApp = await graphql(stack.gatewayUrl, CREATE, { app: 'app-000000000000', name: 'k' }, developer);
    expect(unknownApp.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'appId' });
    const unknownKey = await graphql(stack.gatewayUrl, REVOKE, { id: 'nothing', reason: '泄露' }, developer);
    expect(unknownKey.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    const days = await graphql(stack.gatewayUrl, '{ myUsage(days: 0) { day } }', undefined, developer);
    expect(days.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'days' });
    const after: any = await graphql(stack.gatewayUrl, `{ myApps { id } apiKeys { id } ${AGREEMENTS.slice(1, -1)} }`, undefined, developer);
    expect(after.data.myApps).toEqual([]);
    expect(after.data.apiKeys).toEqual([]);
    expect(after.data.agreements.map((a: any) => a.accepted)).toEqual([false, false]);
    // Malformed keys of the platform's format are refused, never taken for anonymous.
    const malformed = await graphql(stack.gatewayUrl, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': 'pdk_short_secret' });
    expect(malformed.status).toBe(401);
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY' });
  });

  it('walks an app from registration to a key that works, rotates it with an overlap, and revokes it on every replica (Yunnan Art.35)', async () => {
    const registered: any = await graphql(stack.gatewayUrl, REGISTER, { name: '实名核验小程序', code: ENTITY }, developer);
    expect(registered.errors).toBeUndefined();
    const app = registered.data.registerApp;
    expect(app).toMatchObject({ name: '实名核验小程序', creditCode: ENTITY, status: 'active' });
    const again = await graphql(stack.gatewayUrl, REGISTER, { name: '实名核验小程序', code: ENTITY }, developer);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'name' });

    // No key before both agreements in force are accepted.
    const tooEarly = await graphql(stack.gatewayUrl, CREATE, { app: app.id, name: '生产' }, developer);
    expect(tooEarly.errors?.[0].extensions).toMatchObject({ code: 'AGREEMENTS_NOT_ACCEPTED' });
    expect(tooEarly.errors?.[0].message).toMatch(/安全承诺书.*Yunnan Art\.35/);
    const agreements: any = await graphql(stack.gatewayUrl, AGREEMENTS, undefined, developer);
    expect(agreements.data.agreements).toEqual([
      expect.objectContaining({ kind: 'security-commitment', version: '1', title: '公共数据开放安全承诺书', accepted: false, text: expect.stringContaining('第三十五条') }),
      expect.objectContaining({ kind: 'use-agreement', version: '1', title: '公共数据开放利用协议', accepted: false, text: expect.stringContaining('昆明市公共数据管理办法') }),
    ]);
    const first: any = await graphql(stack.gatewayUrl, ACCEPT, { kind: 'security-commitment', version: '1' }, developer);
    expect(first.data.acceptAgreement).toEqual({ kind: 'security-commitment', version: '1', accepted: true });
    const stillEarly = await graphql(stack.gatewayUrl, CREATE, { app: app.id, name: '生产' }, developer);
    expect(stillEarly.errors?.[0].extensions?.missing).toEqual([{ kind: 'use-agreement', version: '1' }]);
    await graphql(stack.gatewayUrl, ACCEPT, { kind: 'use-agreement', version: '1' }, developer);
    // Acceptance is the developer's own: another developer has accepted nothing and sees nothing of this one's.
    const others: any = await graphql(stack.gatewayUrl, `{ myApps { id } ${AGREEMENTS.slice(1, -1)} }`, undefined, other);
    expect(others.data.myApps).toEqual([]);
    expect(others.data.agreements.every((a: any) => !a.accepted)).toBe(true);
    const notTheirs = await graphql(stack.gatewayUrl, CREATE, { app: app.id, name: '借用' }, other);
    expect(notTheirs.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'appId' });

    const created: any = await graphql(stack.gatewayUrl, CREATE, { app: app.id, name: '生产' }, developer);
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data.createApiKey;
    expect(key).toMatch(/^pdk_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(apiKey).toMatchObject({ appId: app.id, name: '生产', status: 'active', prefix: `pdk_${apiKey.id}`, lastUsedAt: null, expiresAt: null, revokedAt: null });
    expect(key.startsWith(`${apiKey.prefix}_`)).toBe(true);
    // Shown once: the listing never holds the key.
    const listed: any = await graphql(stack.gatewayUrl, '{ apiKeys { id prefix } }', undefined, developer);
    expect(JSON.stringify(listed.data)).not.toContain(key.split('_')[2]);

    // The key calls the API as the developer: an unconditionally open field answers, on every replica.
    for (const url of gateways()) {
      const answer: any = await graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': key });
      expect(answer.errors).toBeUndefined();
      expect(answer.data.legalEntity.name).toEqual(expect.any(String));
    }
    // A wrong secret under a real key id is refused like any unknown key.
    const forged = `${apiKey.prefix}_${crypto.randomBytes(32).toString('hex')}`;
    const wrong = await graphql(stack.gatewayUrl, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': forged });
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY' });
    // Last use is recorded when a gateway reads the key for a request.
    const used: any = await graphql(stack.gatewayUrl, '{ apiKeys { id lastUsedAt } }', undefined, developer);
    expect(Date.parse(used.data.apiKeys[0].lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);

    if (options.sql) {
      // Stored only as a digest: no column holds the key or its secret.
      const [row] = await options.sql('SELECT * FROM api_key WHERE id = $1', [apiKey.id]);
      const secret = key.split('_')[2];
      expect(row.secret_hash).toBe(crypto.createHash('sha256').update(`api-key\0${secret}`).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(secret);
    }

    // Rotation: the old key stays valid beside the new one for the overlap.
    const overlap = await graphql(stack.gatewayUrl, ROTATE, { id: apiKey.id, hours: 169 }, developer);
    expect(overlap.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'overlapHours' });
    const rotated: any = await graphql(stack.gatewayUrl, ROTATE, { id: apiKey.id, hours: 2 }, developer);
    expect(rotated.errors).toBeUndefined();
    const successor = rotated.data.rotateApiKey;
    expect(successor.apiKey).toMatchObject({ appId: app.id, name: '生产', status: 'active' });
    const keys: any = await graphql(stack.gatewayUrl, `{ apiKeys { ${KEY_FIELDS} } }`, undefined, developer);
    const old = keys.data.apiKeys.find((k: any) => k.id === apiKey.id);
    expect(old.status).toBe('expiring');
    expect(Math.abs(Date.parse(old.expiresAt) - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);
    for (const url of gateways()) {
      for (const k of [key, successor.key]) {
        const answer: any = await graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': k });
        expect(answer.errors).toBeUndefined();
      }
    }
    const twice = await graphql(stack.gatewayUrl, ROTATE, { id: apiKey.id }, developer);
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });

    // A rotation without overlap: the replaced key expires at once, on every replica.
    const third: any = await graphql(stack.gatewayUrl, ROTATE, { id: successor.apiKey.id, hours: 0 }, developer);
    expect(third.errors).toBeUndefined();
    for (const url of gateways()) {
      const { result } = await until(() => graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': successor.key }), (r) => r.status === 401, REFUSED_WITHIN_MS);
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY_EXPIRED' });
      const current: any = await graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': third.data.rotateApiKey.key });
      expect(current.errors).toBeUndefined();
    }

    // Revocation: refused on every replica within a second (the first key too, still in its overlap).
    const noReason = await graphql(stack.gatewayUrl, REVOKE, { id: third.data.rotateApiKey.apiKey.id, reason: ' ' }, developer);
    expect(noReason.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const byOther = await graphql(stack.gatewayUrl, REVOKE, { id: third.data.rotateApiKey.apiKey.id, reason: '他人' }, other);
    expect(byOther.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    for (const revoke of [third.data.rotateApiKey, { key, apiKey }]) {
      const revoked: any = await graphql(stack.gatewayUrl, REVOKE, { id: revoke.apiKey.id, reason: '密钥泄露' }, developer);
      expect(revoked.data.revokeApiKey).toMatchObject({ id: revoke.apiKey.id, status: 'revoked', revokedAt: expect.any(String) });
      for (const url of gateways()) {
        const { result, ms } = await until(() => graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': revoke.key }), (r) => r.status === 401, REFUSED_WITHIN_MS);
        expect(result.status).toBe(401);
        expect(result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY_REVOKED' });
        expect(result.data ?? null).toBeNull();
        expect(ms).toBeLessThanOrEqual(REFUSED_WITHIN_MS);
      }
    }
    const revokedAgain = await graphql(stack.gatewayUrl, REVOKE, { id: apiKey.id, reason: '再次' }, developer);
    expect(revokedAgain.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });

    // Each action is in the audit: who (the developer), what (app, agreement version, key) and why.
    const admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin-keys' })}` };
    const { result: audit } = await until(
      () => graphql(stack.gatewayUrl, 'query($from: String) { auditRecords(filter: { from: $from }, first: 200) { records { kind callerKind operator operationName targets reason } } }', { from: new Date(Date.now() - 600_000).toISOString() }, admin),
      (r: any) => (r.data?.auditRecords.records ?? []).some((x: any) => x.targets.includes(`api-key:${apiKey.id}`) && x.reason === '密钥泄露'),
      10_000,
    );
    const control = (audit as any).data.auditRecords.records.filter((x: any) => x.kind === 'control' && x.callerKind === 'developer' && x.operator === 'dev-keys-001');
    expect(control).toEqual(expect.arrayContaining([
      expect.objectContaining({ targets: [`legal-entity:${ENTITY}`] }),
      expect.objectContaining({ targets: ['agreement:security-commitment@1'] }),
      expect.objectContaining({ targets: ['agreement:use-agreement@1'] }),
      expect.objectContaining({ targets: [`app:${app.id}`] }),
      expect.objectContaining({ targets: [`api-key:${apiKey.id}`], reason: 'overlap 2 h' }),
      expect.objectContaining({ targets: [`api-key:${apiKey.id}`], reason: '密钥泄露' }),
    ]));
  });

  it('refuses a flood of unknown key ids with a bounded number of platform reads; a key created meanwhile works on every replica', async () => {
    const keyReads = () => readCounter(metricsUrlOf(stack.subgraphUrls.platform), 'platform_api_key_reads_total');
    const FLOOD = 300;
    const before = await keyReads();
    for (const url of gateways()) {
      for (let batch = 0; batch < FLOOD / 20; batch += 1) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, () => graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': `pdk_${crypto.randomBytes(8).toString('hex')}_${crypto.randomBytes(32).toString('hex')}` })),
        );
        for (const answer of answers) expect(answer.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY' });
      }
    }
    // Without the negative cache every made-up id costs a read; with it, a few id-set reads a second.
    expect((await keyReads()) - before).toBeLessThan((FLOOD * gateways().length) / 10);

    // A key created now is found at once despite the cached id sets (the creation is announced).
    const [app]: any[] = (await graphql(stack.gatewayUrl, '{ myApps { id status } }', undefined, developer) as any).data.myApps;
    const made: any = await graphql(stack.gatewayUrl, CREATE, { app: app.id, name: '洪峰之后' }, developer);
    expect(made.errors).toBeUndefined();
    for (const url of gateways()) {
      const answer: any = await graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': made.data.createApiKey.key });
      expect(answer.errors).toBeUndefined();
    }
  });

  it('fails closed when the platform cannot be reached and nothing is cached', async () => {
    const created: any = await graphql(stack.gatewayUrl, CREATE, { app: (await graphql(stack.gatewayUrl, '{ myApps { id } }', undefined, developer) as any).data.myApps[0].id, name: '断网' }, developer);
    const { key } = created.data.createApiKey;
    // A gateway whose platform address answers nothing (port 9, discard): it cannot know the key.
    const cutOff = await startGatewayProcess({ ...replicaEnv({ ...stack.subgraphUrls, platform: 'http://127.0.0.1:9/graphql' }, credentials, grantsFile), ...env(), REDIS_URL: '' });
    try {
      const answer = await graphql(cutOff.url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': key });
      expect(answer.status).toBe(503);
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'API_KEY_UNVERIFIABLE' });
      expect(answer.errors?.[0].message).toMatch(/暂时无法核验 API 密钥.* \/ the API key cannot be checked now/);
      expect(answer.data ?? null).toBeNull();
    } finally {
      await cutOff.stop();
    }
    // The key itself is fine where the platform answers.
    const fine: any = await graphql(stack.gatewayUrl, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': key });
    expect(fine.errors).toBeUndefined();
  });

  it('cuts a suspended developer\'s keys off on every replica, and lets them work again once lifted', async () => {
    const third = { authorization: `Bearer ${await credentials.developerToken('dev-keys-003')}` };
    const app: any = await graphql(stack.gatewayUrl, REGISTER, { name: '暂停测试', code: ENTITY }, third);
    for (const kind of ['security-commitment', 'use-agreement']) await graphql(stack.gatewayUrl, ACCEPT, { kind, version: '1' }, third);
    const created: any = await graphql(stack.gatewayUrl, CREATE, { app: app.data.registerApp.id, name: '暂停' }, third);
    const { key } = created.data.createApiKey;
    for (const url of gateways()) expect((await graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': key })).errors).toBeUndefined();
    const admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin-keys' })}` };
    const suspended: any = await graphql(stack.gatewayUrl, 'mutation { suspend(target: DEVELOPER, id: "dev-keys-003", reason: "违规爬取") { id } }', undefined, admin);
    expect(suspended.errors).toBeUndefined();
    for (const url of gateways()) {
      const { result } = await until(() => graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': key }), (r) => r.status === 403, REFUSED_WITHIN_MS);
      expect(result.errors?.[0].extensions?.code).toBe('SUSPENDED');
    }
    await graphql(stack.gatewayUrl, 'mutation($id: ID!) { liftSuspension(id: $id, reason: "整改完成") { id } }', { id: suspended.data.suspend.id }, admin);
    for (const url of gateways()) {
      const { result } = await until(() => graphql(url, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': key }), (r) => r.status === 200 && !r.errors, REFUSED_WITHIN_MS);
      expect(result.errors).toBeUndefined();
    }
  });

  it('lets a province admin publish a new agreement version, after which developers accept it again (Yunnan Art.35)', async () => {
    const mine: any = await graphql(stack.gatewayUrl, '{ myApps { id } apiKeys { id status } }', undefined, developer);
    const live = mine.data.apiKeys.find((k: any) => k.status === 'active');
    const admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000', sub: 'admin-keys' })}` };
    const cityAdmin = { authorization: `Bearer ${await credentials.token({ org: KUNMING_AUTHORITY, roles: ['admin'], div: '530100', sub: 'admin-km' })}` };
    const vars = { kind: 'use-agreement', version: '2', title: '公共数据开放利用协议', text: '第二版：新增数据利用情况年度反馈义务。' };
    // Bad input, a city authority, a developer: coded refusals, nothing published.
    const byCity = await graphql(stack.gatewayUrl, PUBLISH, vars, cityAdmin);
    expect(byCity.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' });
    const byDeveloper = await graphql(stack.gatewayUrl, PUBLISH, vars, developer);
    expect(byDeveloper.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const [bad, argument] of [[{ kind: 'privacy-policy' }, 'kind'], [{ version: '2 final' }, 'version'], [{ version: '1' }, 'version'], [{ title: ' ' }, 'title'], [{ text: '' }, 'text']] as const) {
      const refused = await graphql(stack.gatewayUrl, PUBLISH, { ...vars, ...bad }, admin);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(refused.errors?.[0].message).toMatch(/[\u4e00-\u9fff].* \/ [a-z]/);
    }
    const unchanged: any = await graphql(stack.gatewayUrl, AGREEMENTS, undefined, developer);
    expect(unchanged.data.agreements.map((a: any) => [a.kind, a.version, a.accepted])).toEqual([['security-commitment', '1', true], ['use-agreement', '1', true]]);

    const published: any = await graphql(stack.gatewayUrl, PUBLISH, vars, admin);
    expect(published.errors).toBeUndefined();
    expect(published.data.publishAgreement).toMatchObject({ kind: 'use-agreement', version: '2', text: vars.text, accepted: false });
    const agreements: any = await graphql(stack.gatewayUrl, AGREEMENTS, undefined, developer);
    expect(agreements.data.agreements.map((a: any) => [a.kind, a.version, a.accepted])).toEqual([['security-commitment', '1', true], ['use-agreement', '2', false]]);
    const refused = await graphql(stack.gatewayUrl, CREATE, { app: mine.data.myApps[0].id, name: '新版前' }, developer);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'AGREEMENTS_NOT_ACCEPTED', missing: [{ kind: 'use-agreement', version: '2' }] });
    // Conditional open data waits for the recorded acceptance too; what the input says does not count (Yunnan Art.35).
    const openNotYet = await graphql(stack.gatewayUrl, APPLY_OPEN, { input: { ...OPEN_APPLICATION, acceptSecurityCommitment: true, acceptUseAgreement: true } }, developer);
    expect(openNotYet.errors?.[0].extensions).toMatchObject({ code: 'AGREEMENTS_NOT_ACCEPTED', missing: [{ kind: 'use-agreement', version: '2' }] });
    expect(((await graphql(stack.gatewayUrl, '{ applications { id } }', undefined, developer)) as any).data.applications).toEqual([]);
    // The key issued under version 1 (the fail-closed test's) keeps working, but is not rotated under the old text.
    expect(live).toBeDefined();
    const rotate = await graphql(stack.gatewayUrl, ROTATE, { id: live.id }, developer);
    expect(rotate.errors?.[0].extensions?.code).toBe('AGREEMENTS_NOT_ACCEPTED');
    const stale = await graphql(stack.gatewayUrl, ACCEPT, { kind: 'use-agreement', version: '1' }, developer);
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', current: '2' });
    await graphql(stack.gatewayUrl, ACCEPT, { kind: 'use-agreement', version: '2' }, developer);
    const created: any = await graphql(stack.gatewayUrl, CREATE, { app: mine.data.myApps[0].id, name: '新版后' }, developer);
    expect(created.errors).toBeUndefined();
    const open: any = await graphql(stack.gatewayUrl, APPLY_OPEN, { input: OPEN_APPLICATION }, developer);
    expect(open.errors).toBeUndefined();
    expect(open.data.applyForAccess).toMatchObject({ status: 'PENDING', commitmentAccepted: true, agreementAccepted: true });
    if (options.sql) {
      // The old acceptance stays recorded beside the new one; the publisher is recorded.
      const accepted = await options.sql(`SELECT kind, version FROM agreement_acceptance WHERE developer_id = 'dev-keys-001' ORDER BY kind, version`, []);
      expect(accepted).toEqual([{ kind: 'security-commitment', version: '1' }, { kind: 'use-agreement', version: '1' }, { kind: 'use-agreement', version: '2' }]);
      const [v2] = await options.sql(`SELECT published_by FROM agreement WHERE kind = 'use-agreement' AND version = '2'`, []);
      expect(v2.published_by).toBe(`institution:${PROVINCE_AUTHORITY}/admin-keys`);
    }
  });

  it('keeps the development keys working beside the platform\'s', async () => {
    const answer: any = await graphql(stack.gatewayUrl, OPEN_FIELD, { code: ENTITY }, { 'x-api-key': credentials.apiKey('dev-keys-001') });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.legalEntity.name).toEqual(expect.any(String));
  });

  it('counts the developer\'s requests per day from the audit against its daily quota', async () => {
    const today = chinaDay(new Date());
    const { result } = await until(
      () => graphql(stack.gatewayUrl, '{ myUsage(days: 7) { day requests quota } }', undefined, developer),
      (r: any) => r.data?.myUsage?.[6]?.requests >= 10,
      10_000,
    );
    const usage = (result as any).data.myUsage;
    expect(usage).toHaveLength(7);
    expect(usage[6].day).toBe(today);
    expect(usage.slice(0, 6).every((d: any) => d.day < today && d.requests === 0)).toBe(true);
    // Key calls and the portal's own calls are the developer's requests alike.
    expect(usage[6].requests).toBeGreaterThanOrEqual(10);
    // The default cross-scenario ceiling (RATE_LIMIT_CALLER_POINTS 1800 per 60 s) over a day.
    expect(usage[6].quota).toBe(1800 * 1440);
  });
}

describe('API keys and the developer portal on the embedded defaults', () => {
  apiKeysSuite(() => ({ DATABASE_URL: '' }), { replicas: false });
});

describeWithPostgres('API keys with two gateway replicas (Redis + PostgreSQL)', () => {
  const prefix = uniqueSchemaPrefix('keys');
  if (!redisAvailable()) {
    it.skip('needs Redis as well', () => undefined);
    return;
  }
  const sql = platformSql(prefix);
  // A long cache lifetime: a refusal within a second can only come from the announcement.
  apiKeysSuite(() => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `${prefix}:`, GRANT_CACHE_MS: '60000' }), { replicas: true, sql });
  afterAll(() => dropSchemas(prefix));
});
