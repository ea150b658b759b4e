// Hole 7: signed gateway→subgraph (and gateway→platform) requests cannot be replayed or altered.
// A second gateway reaches the population subgraph and the platform through recording proxies, so
// the requests replayed here are ones a real gateway sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Credentials, writeGrantsFile } from './support/credentials';
import { graphql } from './support/graphql';
import { TEST_SCALE } from './support/federation-suite';
import { startStack, type Stack } from './support/stack';
import { replicaEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { send, signedRequest, type RawRequest } from './support/signed-request';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { encodeCallerClaim } from '../protocol/caller-claim';
import { DEFAULT_SIGNATURE_WINDOW_MS } from '../protocol/signature';
import { readReplayGuard, verifySignedRequest, type ReplayGuard } from '../protocol/replay-guard';
import { describeWithRedis, TEST_REDIS_URL } from './support/services';

const INSTITUTION = '11530100015301017M';
const SCENARIO = 'social-assistance-review';

interface Recorded extends RawRequest {
  method: string;
  path: string;
}

interface RecordingProxy {
  url: string;
  seen: Recorded[];
  /** While set, answers every request itself with this refusal (as a subgraph refusing the call). */
  refuse?: { status: number; body: unknown };
  close(): Promise<void>;
}

/** An HTTP proxy in front of `target` that keeps a copy of every request it forwards. */
async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const seen: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
      seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body });
      if (proxy.refuse) {
        res.writeHead(proxy.refuse.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(proxy.refuse.body));
        return;
      }
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: RecordingProxy = {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  return proxy;
}

/** Sends a captured request again, exactly as the gateway sent it, to `base`'s origin. */
async function replay(base: string, request: Recorded): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(request.path, base), { method: request.method, headers: request.headers, ...(request.method === 'GET' ? {} : { body: request.body }) });
  return { status: response.status, body: await response.json() };
}

const codeOf = (answer: { body: any }) => answer.body.errors?.[0]?.extensions?.code ?? answer.body.error;

describe('hole 7: signed subgraph requests cannot be replayed', () => {
  const credentials = new Credentials();
  const grant = { id: 'g-replay', grantee: { kind: 'institution', id: INSTITUTION }, scenario: SCENARIO, fields: ['Person.name', 'Person.gender'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2100-01-01T00:00:00Z' };
  const grantsFile = writeGrantsFile([grant]);
  let stack: Stack;
  let population: RecordingProxy;
  let platform: RecordingProxy;
  let gateway: GatewayProcess;
  let headers: Record<string, string>;
  const secret = () => credentials.keys.gatewaySubgraphSecret;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, ...credentials.env() });
    population = await startRecordingProxy(stack.subgraphUrls.population);
    platform = await startRecordingProxy(stack.subgraphUrls.platform);
    gateway = await startGatewayProcess({ ...replicaEnv({ ...stack.subgraphUrls, population: population.url, platform: platform.url }, credentials, grantsFile), DATA_SCALE: TEST_SCALE });
    headers = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION })}`, 'x-scenario-id': SCENARIO };
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
    await population?.close();
    await platform?.close();
    await stack?.stop();
    credentials.cleanup();
  });

  /** A query through the recording gateway, and the population subgraph request it made. */
  async function capture(): Promise<{ answer: any; request: Recorded }> {
    const before = population.seen.length;
    const answer = await graphql(gateway.url, 'query($id: ID!) { person(idNumber: $id) { name gender } }', { id: personIdAt(DEFAULT_SEED, 3) }, headers);
    const request = population.seen.slice(before).find((r) => r.method === 'POST' && r.body.includes('person'));
    if (!request) throw new Error(`no subgraph request captured: ${JSON.stringify(answer)}`);
    return { answer, request };
  }

  it('serves the captured request once, through the gateway', async () => {
    const { answer } = await capture();
    expect(answer.errors).toBeUndefined();
    expect(answer.data.person.name).toMatch(/\*/);
  });

  it('refuses a captured request replayed as is (REPLAYED_REQUEST, bilingual)', async () => {
    const { request } = await capture();
    const replayed = await replay(stack.subgraphUrls.population, request);
    expect(replayed.status).toBe(401);
    expect(codeOf(replayed)).toBe('REPLAYED_REQUEST');
    expect(replayed.body.data ?? null).toBeNull();
    expect(replayed.body.errors[0].message).toMatch(/重放.* \/ replayed request/);
  });

  it('refuses a captured request with altered variables', async () => {
    const { request } = await capture();
    const body = JSON.parse(request.body);
    body.variables.id = personIdAt(DEFAULT_SEED, 4);
    const altered = await replay(stack.subgraphUrls.population, { ...request, body: JSON.stringify(body) });
    expect(altered.status).toBe(401);
    expect(codeOf(altered)).toBe('UNSIGNED_REQUEST');
    expect(JSON.stringify(altered.body)).not.toContain('"person":{');
  });

  it('refuses a captured request with an altered caller claim or sent to another subgraph', async () => {
    const { request } = await capture();
    const other = encodeCallerClaim({ kind: 'institution', id: INSTITUTION, roles: ['institution', 'admin'], scenario: SCENARIO });
    const promoted = await replay(stack.subgraphUrls.population, { ...request, headers: { ...request.headers, 'x-pd-caller': other } });
    expect(codeOf(promoted)).toBe('UNSIGNED_REQUEST');
    const elsewhere = await replay(stack.subgraphUrls.licence, request);
    expect(codeOf(elsewhere)).toBe('UNSIGNED_REQUEST');
  });

  it('refuses a correctly signed request older than the window (SIGNATURE_EXPIRED), serves a fresh one', async () => {
    const caller = encodeCallerClaim({ kind: 'institution', id: INSTITUTION, roles: ['institution'], scenario: SCENARIO });
    const body = JSON.stringify({ query: 'query($id: ID!) { person(idNumber: $id) { gender } }', variables: { id: personIdAt(DEFAULT_SEED, 5) } });
    const url = stack.subgraphUrls.population;
    const late = await send(url, signedRequest(secret(), 'population', url, caller, body, Date.now() - DEFAULT_SIGNATURE_WINDOW_MS - 5_000));
    expect(late.status).toBe(401);
    expect(codeOf(late)).toBe('SIGNATURE_EXPIRED');
    expect(late.body.errors[0].message).toMatch(/过期 \/ .*expired/);
    const fresh = await send(url, signedRequest(secret(), 'population', url, caller, body));
    expect(fresh.status).toBe(200);
    expect(fresh.body.errors).toBeUndefined();
    expect(fresh.body.data.person.gender).toBeTruthy();
  });

  it('a subgraph refusing signed calls (its nonce store down) reaches the client as SUBGRAPH_UNAVAILABLE, without its URL or body', async () => {
    population.refuse = { status: 503, body: { errors: [{ message: 'internal detail', extensions: { code: 'SIGNATURE_CHECK_UNAVAILABLE' } }] } };
    try {
      const answer = await graphql(gateway.url, 'query($id: ID!) { person(idNumber: $id) { name } }', { id: personIdAt(DEFAULT_SEED, 6) }, headers);
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'population', reason: 'FAILED' });
      expect(answer.errors?.[0].message).toMatch(/暂不可用 \/ .*unavailable/);
      const text = JSON.stringify(answer);
      expect(text).not.toContain(population.url.replace(/\/graphql$/, ''));
      expect(text).not.toContain('internal detail');
    } finally {
      population.refuse = undefined;
    }
  });

  it('refuses replays of the platform internal calls: policy state reads and audit batches', async () => {
    await capture();
    const read = platform.seen.find((r) => r.method === 'GET' && r.path.startsWith('/internal/policy-state'));
    const batch = platform.seen.find((r) => r.method === 'POST' && r.path === '/internal/audit');
    expect(read).toBeDefined();
    expect(batch).toBeDefined();
    const base = stack.subgraphUrls.platform;
    const replayedRead = await replay(base, read!);
    expect(replayedRead.status).toBe(401);
    expect(replayedRead.body.error).toBe('REPLAYED_REQUEST');
    const replayedBatch = await replay(base, batch!);
    expect(replayedBatch.status).toBe(401);
    expect(replayedBatch.body.error).toBe('REPLAYED_REQUEST');
    expect(replayedBatch.body.seqs).toBeUndefined(); // nothing appended twice
  });
});

describeWithRedis('hole 7: nonces shared by subgraph replicas through Redis, remembered per process too', () => {
  const secret = 'test-secret';
  const url = 'http://127.0.0.1:1/graphql';
  const prefix = `t:sig:${process.pid}:${Date.now().toString(36)}:`;
  /** The request a subgraph would receive (method, path, headers) for a signed request. */
  const received = (request: RawRequest) => ({ method: 'POST', url: '/graphql', headers: request.headers }) as unknown as http.IncomingMessage;
  const verify = (guard: ReplayGuard, request: RawRequest) => verifySignedRequest(guard, secret, received(request), { audience: 'population', caller: 'c', body: request.body });
  const guards: ReplayGuard[] = [];
  const guard = (redisUrl: string) => {
    const made = readReplayGuard({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });
    guards.push(made);
    return made;
  };
  afterAll(async () => {
    await Promise.all(guards.map((g) => g.store.close()));
  });

  it('a request served by one replica is refused by another', async () => {
    const [replicaA, replicaB] = [guard(TEST_REDIS_URL), guard(TEST_REDIS_URL)];
    const request = signedRequest(secret, 'population', url, 'c', '{"query":"{ __typename }"}');
    expect(await verify(replicaA, request)).toBe('VALID');
    expect(await verify(replicaB, request)).toBe('REPLAYED');
    expect(await verify(replicaA, signedRequest(secret, 'population', url, 'c', request.body))).toBe('VALID');
  });

  it('while the configured Redis is unreachable, a replica still refuses every replay it has seen and serves fresh requests (a Redis outage does not stop the channel)', async () => {
    const unreachable = guard('redis://127.0.0.1:1');
    const request = signedRequest(secret, 'population', url, 'c', '{}');
    expect(await verify(unreachable, request)).toBe('VALID');
    expect(await verify(unreachable, request)).toBe('REPLAYED');
    // A forged request is refused as such, without asking the store.
    expect(await verify(unreachable, { ...signedRequest(secret, 'population', url, 'c', '{}'), body: '{"x":1}' })).toBe('UNSIGNED');
  });
});

describe('hole 7: the signature window setting', () => {
  it('SIGNATURE_WINDOW_MS defaults to 10 s, nonces in process without REDIS_URL; bad values stop the start', async () => {
    const guard = readReplayGuard({});
    expect(guard.windowMs).toBe(DEFAULT_SIGNATURE_WINDOW_MS);
    expect(DEFAULT_SIGNATURE_WINDOW_MS).toBe(10_000);
    expect(await guard.store.claim('n'.repeat(22), 1000)).toBe(true);
    expect(await guard.store.claim('n'.repeat(22), 1000)).toBe(false);
    expect(readReplayGuard({ SIGNATURE_WINDOW_MS: '5000' }).windowMs).toBe(5000);
    for (const bad of ['0', '-1', 'ten', '2.5']) expect(() => readReplayGuard({ SIGNATURE_WINDOW_MS: bad })).toThrow('SIGNATURE_WINDOW_MS');
  });
});
