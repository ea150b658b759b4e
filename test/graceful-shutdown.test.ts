// SIGTERM under load (issue 16 item 3): a gateway replica first drains (readiness fails, every answer
// says `connection: close`, for SHUTDOWN_DELAY_MS), then stops accepting, lets the requests in flight
// finish, ships its audit journal and exits — no request fails, and every answer is in the audit chain.
// The clients behave as behind a load balancer: it polls /readyz every 50 ms and stops sending to a
// replica that is not ready.
import http from 'node:http';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { replicaEnv, startGatewayProcess } from './support/gateway-process';
import { recordedRequestIds } from './support/audit-log';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { startStack, type Stack } from './support/stack';

const LISTING = JSON.stringify({
  query: '{ legalEntitiesByDivision(divisionCode: "530000", first: 100) { edges { node { creditCode name kind status address registeredCapital businessScope } } } }',
});

type Outcome = { kind: 'answered'; requestId: string; startedAt: number; endedAt: number } | { kind: 'refused' } | { kind: 'failed'; detail: string };

/** One request on a connection of its own (as a proxy in front of replicas opens them). */
function ask(url: URL): Promise<Outcome> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(LISTING) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => resolve({ kind: 'failed', detail: `response: ${e.message}` }));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const parsed = JSON.parse(body) as { data?: { legalEntitiesByDivision?: { edges: unknown[] } }; errors?: unknown };
          if (res.statusCode === 200 && parsed.data?.legalEntitiesByDivision?.edges.length && !parsed.errors) {
            resolve({ kind: 'answered', requestId: String(res.headers['x-request-id']), startedAt, endedAt: Date.now() });
          } else resolve({ kind: 'failed', detail: `${res.statusCode} ${body.slice(0, 200)}` });
        } catch {
          resolve({ kind: 'failed', detail: `${res.statusCode} unparsable ${body.slice(0, 200)}` });
        }
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'failed', detail: `${e.code} ${e.message}` }));
    req.end(LISTING);
  });
}

describe('graceful shutdown of a gateway replica', () => {
  const credentials = new Credentials();
  const grantsFile = writeGrantsFile([]);
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: grantsFile, DATABASE_URL: '', ...credentials.env() });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('finishes every request in flight at SIGTERM and loses no audit record', async () => {
    const replica = await startGatewayProcess({ ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), GATEWAY_INSTANCE: 'draining', SHUTDOWN_GRACE_MS: '10000', SHUTDOWN_DELAY_MS: '1000' });
    const url = new URL(replica.url);
    const outcomes: Outcome[] = [];
    let inFlight = 0;
    let stop = false;
    let ready = true;
    const balancer = (async () => {
      while (ready && !stop) {
        const status = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);
        if (status !== 200) ready = false;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const client = async () => {
      while (!stop && ready) {
        inFlight += 1;
        const outcome = await ask(url);
        inFlight -= 1;
        outcomes.push(outcome);
        if (outcome.kind === 'refused') return; // no longer accepting: a balancer goes elsewhere
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // Load for a moment, then signal while requests are in flight.
    const loadStarted = Date.now();
    while (outcomes.filter((o) => o.kind === 'answered').length < 40 || inFlight < 4) {
      if (Date.now() - loadStarted > 30_000) throw new Error(`no steady load after 30 s: ${JSON.stringify(outcomes.slice(-3))}, ${inFlight} in flight`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const signalledAt = Date.now();
    const exited = replica.stop('SIGTERM');
    await Promise.race([Promise.all(clients), new Promise((r) => setTimeout(r, 20_000))]);
    stop = true;
    await exited;
    await balancer;

    const failed = outcomes.filter((o) => o.kind === 'failed');
    expect(failed).toEqual([]);
    const answered = outcomes.filter((o): o is Extract<Outcome, { kind: 'answered' }> => o.kind === 'answered');
    // Requests that were in flight when the signal came were answered, not cut.
    expect(answered.filter((o) => o.startedAt < signalledAt && o.endedAt > signalledAt).length).toBeGreaterThan(0);

    const admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000' })}` };
    const recorded = await recordedRequestIds(stack.gatewayUrl, admin);
    expect(answered.filter((o) => !recorded.has(o.requestId))).toEqual([]);
  }, 120_000);
});
