// Rate limits (gateway/limits/rate-limits.ts, rate-limit-plugin.ts): the same contract in memory and
// on the real Redis (budgets shared by replicas), failing closed when Redis is gone, and the plugin
// as a client meets it through Apollo Server 5 (429 + retry-after, verification budgets).
import Redis from 'ioredis';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema } from 'graphql';
import type { Identity } from '../gateway/identity/identify';
import {
  createRateLimiter,
  normaliseIp,
  rateLimitError,
  rateLimitUnavailableError,
  readRateLimitSettings,
  type CallerKey,
  type RateLimiter,
  type RateLimiterOptions,
} from '../gateway/limits/rate-limits';
import { clientIpOf, createRateLimitPlugin, type RateLimitedContext } from '../gateway/limits/rate-limit-plugin';
import { rateKeyOf as callerKeyOf, RequestRecord } from '../gateway/request-record';
import { createGatewayMetrics } from '../gateway/metrics';
import { verifiedSubjects } from '../gateway/root-field-arguments';
import { describeWithRedis, TEST_REDIS_URL } from './support/services';

const INSTITUTION: CallerKey = { kind: 'institution', creditCode: '11530100015301017M' };
const OTHER_INSTITUTION: CallerKey = { kind: 'institution', creditCode: '11530100015301025G' };
const DEVELOPER: CallerKey = { kind: 'developer', developer: 'realname-app' };
const SUBJECT_A = '530102199001011234';
const SUBJECT_B = '53010219850607002X';

let prefixes = 0;
const uniquePrefix = () => `t:rl:${process.pid}:${Date.now().toString(36)}:${(prefixes += 1)}:`;

const BASE: Omit<RateLimiterOptions, 'prefix'> = {
  points: 3,
  durationSeconds: 60,
  callerPoints: 5,
  verifyPoints: 2,
  verifyCallerPoints: 4,
  verifyDurationSeconds: 3600,
};

/** The contract every store keeps. */
function limiterContract(make: (options: Omit<RateLimiterOptions, 'prefix'>) => RateLimiter) {
  const open: RateLimiter[] = [];
  const limiter = (options: Partial<RateLimiterOptions> = {}) => {
    const made = make({ ...BASE, ...options });
    open.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
  });

  it('allows N operations, then denies with a retry-after within the window', async () => {
    const rl = limiter();
    const key = { scope: 'request', caller: INSTITUTION, scenario: 'social-assistance-review' } as const;
    for (let i = 0; i < 3; i += 1) expect(await rl.consume(key)).toEqual({ allowed: true });
    const denied = await rl.consume(key);
    expect(denied).toMatchObject({ allowed: false, reason: 'LIMIT_EXCEEDED', scope: 'request' });
    if (denied.allowed) throw new Error('unreachable');
    expect(denied.retryAfterSeconds).toBeGreaterThan(0);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('keeps separate budgets per institution, scenario, developer and client address', async () => {
    const rl = limiter({ points: 1 });
    expect((await rl.consume({ scope: 'request', caller: INSTITUTION, scenario: 'a' })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'request', caller: INSTITUTION, scenario: 'a' })).allowed).toBe(false);
    expect((await rl.consume({ scope: 'request', caller: INSTITUTION, scenario: 'b' })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'request', caller: OTHER_INSTITUTION, scenario: 'a' })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'request', caller: DEVELOPER, scenario: 'a' })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'request', caller: { kind: 'anonymous', ip: '203.0.113.7' } })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'request', caller: { kind: 'anonymous', ip: '::ffff:203.0.113.7' } })).allowed).toBe(false); // same client
    expect((await rl.consume({ scope: 'request', caller: { kind: 'anonymous', ip: '203.0.113.8' } })).allowed).toBe(true);
  });

  it('bounds a caller over all the scenarios it invents (caller ceiling)', async () => {
    const rl = limiter({ points: 100, callerPoints: 5 });
    for (let i = 0; i < 5; i += 1) expect((await rl.consume({ scope: 'caller', caller: DEVELOPER })).allowed).toBe(true);
    expect(await rl.consume({ scope: 'caller', caller: DEVELOPER })).toMatchObject({ allowed: false, scope: 'caller' });
  });

  it('trips the per-subject verification limit independently of the caller limits', async () => {
    const rl = limiter();
    // Two different callers asking about the same person share the subject's budget.
    expect((await rl.consume({ scope: 'verify-subject', idNumber: SUBJECT_A })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'verify-subject', idNumber: SUBJECT_A.toLowerCase() })).allowed).toBe(true);
    expect(await rl.consume({ scope: 'verify-subject', idNumber: SUBJECT_A })).toMatchObject({ allowed: false, reason: 'LIMIT_EXCEEDED', scope: 'verify-subject' });
    // Another subject, the callers' verification budgets and their general budgets are untouched.
    expect((await rl.consume({ scope: 'verify-subject', idNumber: SUBJECT_B })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'verify-caller', caller: INSTITUTION })).allowed).toBe(true);
    expect((await rl.consume({ scope: 'request', caller: INSTITUTION, scenario: 's' })).allowed).toBe(true);
  });

  it('trips the per-caller verification limit across subjects (no enumeration)', async () => {
    const rl = limiter({ verifyPoints: 100, verifyCallerPoints: 4 });
    expect((await rl.consume({ scope: 'verify-caller', caller: DEVELOPER }, 3)).allowed).toBe(true);
    expect((await rl.consume({ scope: 'verify-caller', caller: DEVELOPER })).allowed).toBe(true);
    const denied = await rl.consume({ scope: 'verify-caller', caller: DEVELOPER });
    expect(denied).toMatchObject({ allowed: false, scope: 'verify-caller' });
    if (denied.allowed) throw new Error('unreachable');
    expect(denied.retryAfterSeconds).toBeGreaterThan(60); // an hour's window
    expect((await rl.consume({ scope: 'verify-caller', caller: INSTITUTION })).allowed).toBe(true);
  });
}

describe('rate limiter in memory', () => {
  limiterContract((options) => createRateLimiter({ ...options, prefix: uniquePrefix() }));

  it('is not shared', () => {
    expect(createRateLimiter({ ...BASE, prefix: 'x:' }).shared).toBe(false);
  });
});

describeWithRedis('rate limiter on Redis', () => {
  const prefix = uniquePrefix();
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
  });

  let runs = 0;
  // Each case its own namespace under the suite's prefix (cleaned up at the end).
  limiterContract((options) => createRateLimiter({ ...options, prefix: `${prefix}${(runs += 1)}:`, redisUrl: TEST_REDIS_URL }));

  it('shares one budget between replicas', async () => {
    const shared = `${prefix}replicas:`;
    const replicaA = createRateLimiter({ ...BASE, points: 4, prefix: shared, redisUrl: TEST_REDIS_URL });
    const replicaB = createRateLimiter({ ...BASE, points: 4, prefix: shared, redisUrl: TEST_REDIS_URL });
    try {
      expect(replicaA.shared && replicaB.shared).toBe(true);
      const key = { scope: 'request', caller: DEVELOPER, scenario: 'realname-verification' } as const;
      const answers = [];
      for (const replica of [replicaA, replicaB, replicaA, replicaB]) answers.push((await replica.consume(key)).allowed);
      expect(answers).toEqual([true, true, true, true]);
      expect((await replicaA.consume(key)).allowed).toBe(false);
      expect((await replicaB.consume(key)).allowed).toBe(false);
      // The verification budget of a subject is shared too: 2 per hour over both replicas.
      expect((await replicaA.consume({ scope: 'verify-subject', idNumber: SUBJECT_A })).allowed).toBe(true);
      expect((await replicaB.consume({ scope: 'verify-subject', idNumber: SUBJECT_A })).allowed).toBe(true);
      expect((await replicaA.consume({ scope: 'verify-subject', idNumber: SUBJECT_A })).allowed).toBe(false);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it('puts no identity number into Redis keys', async () => {
    const own = `${prefix}privacy:`;
    const rl = createRateLimiter({ ...BASE, prefix: own, redisUrl: TEST_REDIS_URL, keySecret: 'test-secret' });
    try {
      await rl.consume({ scope: 'verify-subject', idNumber: SUBJECT_A });
      await rl.consume({ scope: 'request', caller: { kind: 'subject', idNumber: SUBJECT_B } });
      const keys = await admin.keys(`${own}*`);
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).not.toContain(SUBJECT_A);
        expect(key).not.toContain(SUBJECT_B);
      }
    } finally {
      await rl.close();
    }
  });
});

describe('rate limiter without its Redis', () => {
  it('fails closed, quickly, with a distinct reason', async () => {
    const failures: Error[] = [];
    const rl = createRateLimiter({ ...BASE, prefix: uniquePrefix(), redisUrl: 'redis://127.0.0.1:1', storeTimeoutMs: 300, onStoreError: (e) => failures.push(e) });
    try {
      const started = Date.now();
      const decisions = await Promise.all([
        rl.consume({ scope: 'request', caller: INSTITUTION, scenario: 's' }),
        rl.consume({ scope: 'verify-subject', idNumber: SUBJECT_A }),
      ]);
      expect(Date.now() - started).toBeLessThan(2000);
      for (const decision of decisions) expect(decision).toMatchObject({ allowed: false, reason: 'LIMITER_UNAVAILABLE', retryAfterSeconds: 5 });
      expect(failures.length).toBe(2);
      // Still closed on later requests (reconnecting in the background).
      expect(await rl.consume({ scope: 'request', caller: INSTITUTION, scenario: 's' })).toMatchObject({ allowed: false, reason: 'LIMITER_UNAVAILABLE' });
    } finally {
      await rl.close();
    }
  });
});

describe('rate limit errors and settings', () => {
  it('rateLimitError: RATE_LIMITED, HTTP 429, retry-after header, Chinese and English', () => {
    const error = rateLimitError(42.2);
    expect(error.extensions.code).toBe('RATE_LIMITED');
    const http = error.extensions.http as { status: number; headers: HeaderMap };
    expect(http.status).toBe(429);
    expect(http.headers.get('retry-after')).toBe('43');
    expect(error.message).toMatch(/^请求过于频繁，请43秒后重试 \/ too many requests, retry in 43 s$/);
    expect(rateLimitError(10, 'verify-subject').message).toContain('this data subject');
  });

  it('rateLimitUnavailableError: RATE_LIMIT_UNAVAILABLE, HTTP 503, retry-after', () => {
    const error = rateLimitUnavailableError();
    expect(error.extensions.code).toBe('RATE_LIMIT_UNAVAILABLE');
    expect((error.extensions.http as { status: number }).status).toBe(503);
    expect((error.extensions.http as { headers: HeaderMap }).headers.get('retry-after')).toBe('5');
  });

  it('readRateLimitSettings has the documented defaults', () => {
    expect(readRateLimitSettings({})).toEqual({
      enabled: true,
      redisUrl: undefined,
      prefix: 'pd:rl:',
      points: 600,
      durationSeconds: 60,
      callerPoints: 1800,
      verifyPoints: 10,
      verifyCallerPoints: 300,
      verifyPairPoints: 4,
      verifyGuardedPoints: 1,
      verifyDurationSeconds: 3600,
      probePoints: 100,
      probeDurationSeconds: 3600,
      storeTimeoutMs: 500,
      trustProxyHops: 0,
    });
  });

  it('readRateLimitSettings reads the environment and refuses bad values', () => {
    const settings = readRateLimitSettings({ RATE_LIMIT: 'off', REDIS_URL: 'redis://r:6379', REDIS_KEY_PREFIX: 'x:', RATE_LIMIT_POINTS: '10', VERIFY_LIMIT_PER_SUBJECT: '3', VERIFY_LIMIT_PER_CALLER: '50' });
    expect(settings).toMatchObject({ enabled: false, redisUrl: 'redis://r:6379', prefix: 'x:rl:', points: 10, callerPoints: 30, verifyPoints: 3, verifyCallerPoints: 50 });
    expect(() => readRateLimitSettings({ RATE_LIMIT_POINTS: '0' })).toThrow('RATE_LIMIT_POINTS');
    expect(() => readRateLimitSettings({ VERIFY_LIMIT_PER_SUBJECT: 'five' })).toThrow('VERIFY_LIMIT_PER_SUBJECT');
    expect(() => readRateLimitSettings({ RATE_LIMIT: 'maybe' })).toThrow('RATE_LIMIT');
    expect(readRateLimitSettings({ TRUST_PROXY_HOPS: '1' }).trustProxyHops).toBe(1);
    expect(readRateLimitSettings({ IDENTITY_PROBE_LIMIT: '7', IDENTITY_PROBE_DURATION: '60' })).toMatchObject({ probePoints: 7, probeDurationSeconds: 60 });
    expect(() => readRateLimitSettings({ IDENTITY_PROBE_LIMIT: '0' })).toThrow('IDENTITY_PROBE_LIMIT');
    expect(() => readRateLimitSettings({ TRUST_PROXY_HOPS: '-1' })).toThrow('TRUST_PROXY_HOPS');
  });

  it('normalises client addresses', () => {
    expect(normaliseIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normaliseIp('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(normaliseIp('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(normaliseIp('not an address')).toBe('unknown');
  });

  it('clientIpOf trusts X-Forwarded-For only as far as the configured proxies', () => {
    const req = { socket: { remoteAddress: '10.0.0.5' }, headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.9' } } as never;
    expect(clientIpOf(req)).toBe('10.0.0.5');
    expect(clientIpOf(req, 1)).toBe('198.51.100.9');
    expect(clientIpOf(req, 2)).toBe('6.6.6.6');
  });
});

describe('rate limit plugin in Apollo Server 5', () => {
  const schema = buildSchema(`
    enum VerificationResult { MATCH NO_MATCH }
    type Person { name: String }
    type Query {
      person(idNumber: ID!): Person
      verifyPersonIdentity(idNumber: ID!, name: String!): VerificationResult!
    }
  `);
  const rootValue = { person: () => ({ name: '张三' }), verifyPersonIdentity: () => 'NO_MATCH' };
  const servers: ApolloServer<RateLimitedContext>[] = [];
  const limiters: RateLimiter[] = [];

  async function serverWith(options: Partial<RateLimiterOptions> = {}) {
    const limiter = createRateLimiter({ ...BASE, prefix: uniquePrefix(), ...options });
    const server = new ApolloServer<RateLimitedContext>({ schema, rootValue, plugins: [createRateLimitPlugin(limiter, createGatewayMetrics())] });
    await server.start();
    servers.push(server);
    limiters.push(limiter);
    return server;
  }
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(limiters.map((l) => l.close()));
  });

  const institution = (scenario = 'social-assistance-review', org = '11530100015301017M'): Identity => ({
    caller: { kind: 'institution', operator: 'op-1', institution: org, division: '530100', roles: ['institution'] },
    scenario,
  });
  const anonymous: Identity = { caller: { kind: 'anonymous' } };

  async function ask(server: ApolloServer<RateLimitedContext>, query: string, context: { identity: Identity; clientIp?: string }, variables?: Record<string, unknown>) {
    const response = await server.executeOperation({ query, variables }, { contextValue: new RequestRecord('test-request', context.identity, context.clientIp) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { status: response.http.status, headers: response.http.headers, ...response.body.singleResult };
  }
  const codeOf = (answer: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => answer.errors?.[0]?.extensions?.code;

  it('answers 429 RATE_LIMITED with retry-after once a caller has used its budget; others go on', async () => {
    const server = await serverWith({ points: 2 });
    const query = '{ person(idNumber: "530102199001011234") { name } }';
    for (let i = 0; i < 2; i += 1) expect((await ask(server, query, { identity: institution() })).errors).toBeUndefined();
    const denied = await ask(server, query, { identity: institution() });
    expect(denied.status).toBe(429);
    expect(Number(denied.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(denied.data).toBeUndefined();
    expect(denied.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'request' });
    expect(denied.errors?.[0].extensions?.http).toBeUndefined(); // Apollo Server turns it into the status and header
    expect(denied.errors?.[0].message).toMatch(/请求过于频繁.* \/ too many requests/);

    expect((await ask(server, query, { identity: institution('another-scenario') })).errors).toBeUndefined();
    expect((await ask(server, query, { identity: institution(undefined, '11530100015301025G') })).errors).toBeUndefined();
    expect((await ask(server, query, { identity: anonymous, clientIp: '203.0.113.1' })).errors).toBeUndefined();
    expect((await ask(server, query, { identity: anonymous, clientIp: '203.0.113.1' })).errors).toBeUndefined();
    expect((await ask(server, query, { identity: anonymous, clientIp: '203.0.113.1' })).status).toBe(429);
    expect((await ask(server, query, { identity: anonymous, clientIp: '203.0.113.2' })).errors).toBeUndefined();
  });

  it('sends the 429 and retry-after over HTTP', async () => {
    const server = await serverWith({ points: 1 });
    const request = () =>
      server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: '{ __typename }' } },
        context: async () => new RequestRecord('test-request', anonymous, '198.51.100.20'),
      });
    expect((await request()).status).toBeUndefined(); // 200
    const denied = await request();
    expect(denied.status).toBe(429);
    expect(Number(denied.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(denied.body.kind === 'complete' && JSON.parse(denied.body.string).errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('counts every verifyPersonIdentity field against the caller\'s share of its subject, through aliases, fragments and variables', async () => {
    const server = await serverWith({ points: 100, callerPoints: 100, verifyPoints: 100, verifyCallerPoints: 100, verifyPairPoints: 3 });
    const guesses = `query($id: ID!) {
      a: verifyPersonIdentity(idNumber: $id, name: "张三")
      ...More
    }
    fragment More on Query { b: verifyPersonIdentity(idNumber: $id, name: "李四") }`;
    // 2 guesses about A, then 2 more: past the caller's share (3) about A.
    expect((await ask(server, guesses, { identity: institution() }, { id: SUBJECT_A })).errors).toBeUndefined();
    const denied = await ask(server, guesses, { identity: institution() }, { id: SUBJECT_A });
    expect(denied.status).toBe(429);
    expect(denied.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-pair' });
    expect(denied.errors?.[0].message).toContain('this data subject');
    // Another subject and another caller are still fine; a literal argument counts the same as a variable.
    expect((await ask(server, `{ verifyPersonIdentity(idNumber: "${SUBJECT_B}", name: "王五") }`, { identity: institution() })).errors).toBeUndefined();
    expect((await ask(server, guesses, { identity: institution('other', '11530100015301025G') }, { id: SUBJECT_A })).errors).toBeUndefined();
    expect(codeOf(await ask(server, `{ verifyPersonIdentity(idNumber: "${SUBJECT_A}", name: "王五") }`, { identity: institution() }))).toBe('RATE_LIMITED');
  });

  it('counts failed answers against the subject; past them each caller gets one attempt (guarded), never a lock-out', async () => {
    const server = await serverWith({ points: 100, callerPoints: 100, verifyPoints: 4, verifyCallerPoints: 100, verifyPairPoints: 2 });
    const verify = `{ verifyPersonIdentity(idNumber: "${SUBJECT_A}", name: "张三") }`;
    const [first, second, third, fourth] = ['11530100015301017M', '11530100015301025G', '11530100015301033B', '115301000153010418'].map((org) => institution('s', org));
    for (let i = 0; i < 2; i += 1) expect((await ask(server, verify, { identity: first })).errors).toBeUndefined();
    // The first caller's share is spent; its refused tries are no failures of the subject …
    for (let i = 0; i < 5; i += 1) expect((await ask(server, verify, { identity: first })).errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-pair' });
    // … the second caller's two and the third's one are (NO_MATCH): 5 > 4, the subject is guarded.
    for (let i = 0; i < 2; i += 1) expect((await ask(server, verify, { identity: second })).errors).toBeUndefined();
    expect((await ask(server, verify, { identity: third })).errors).toBeUndefined();
    // A fourth caller still gets its one attempt, then waits; so does the third.
    expect((await ask(server, verify, { identity: fourth })).data).toEqual({ verifyPersonIdentity: 'NO_MATCH' });
    const guarded = await ask(server, verify, { identity: fourth });
    expect(guarded.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-guarded' });
    expect(guarded.errors?.[0].message).toMatch(/保护状态.* \/ .*guarded/);
    expect((await ask(server, verify, { identity: third })).errors).toBeUndefined();
    expect((await ask(server, verify, { identity: third })).errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('counts verifications per caller across subjects, and skips what @skip skips', async () => {
    const server = await serverWith({ points: 100, callerPoints: 100, verifyPoints: 100, verifyCallerPoints: 3, verifyPairPoints: 100 });
    const developer: Identity = { caller: { kind: 'developer', developer: 'realname-app' }, scenario: 'realname-verification' };
    const one = (id: string) => `{ verifyPersonIdentity(idNumber: "${id}", name: "张三") }`;
    const skipped = `query($no: Boolean!) { verifyPersonIdentity(idNumber: "${SUBJECT_A}", name: "张三") @skip(if: $no) person(idNumber: "${SUBJECT_A}") { name } }`;
    for (let i = 0; i < 5; i += 1) expect((await ask(server, skipped, { identity: developer }, { no: true })).errors).toBeUndefined();
    for (const id of ['530102199001011234', '530102199001021230', '530102199001031237']) expect((await ask(server, one(id), { identity: developer })).errors).toBeUndefined();
    const denied = await ask(server, one('530102199001041233'), { identity: developer });
    expect(denied.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-caller' });
    expect(Number(denied.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('answers 503 RATE_LIMIT_UNAVAILABLE (fail closed) when Redis cannot be reached', async () => {
    const server = await serverWith({ redisUrl: 'redis://127.0.0.1:1', storeTimeoutMs: 300 });
    const answer = await ask(server, '{ person(idNumber: "530102199001011234") { name } }', { identity: institution() });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0].extensions?.code).toBe('RATE_LIMIT_UNAVAILABLE');
    expect(answer.errors?.[0].message).toMatch(/限流服务暂不可用.* \/ rate limiting is unavailable/);
  });

  it('reads subjects from root fields only, with coerced variables', () => {
    const { parse } = jest.requireActual<typeof import('graphql')>('graphql');
    const document = parse(`query($id: ID!) { x: verifyPersonIdentity(idNumber: $id, name: "a") ... on Query { verifyPersonIdentity(idNumber: "L", name: "b") } }`);
    const operation = document.definitions[0] as import('graphql').OperationDefinitionNode;
    expect(verifiedSubjects(schema, document, operation, { id: 530102 }, ['verifyPersonIdentity'], 'idNumber')).toEqual(['530102', 'L']);
    expect(callerKeyOf(undefined, undefined)).toEqual({ kind: 'anonymous', ip: 'unknown' });
    expect(callerKeyOf({ kind: 'subject', idNumber: SUBJECT_A }, '1.2.3.4')).toEqual({ kind: 'subject', idNumber: SUBJECT_A });
  });
});
