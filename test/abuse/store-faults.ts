// Store faults under load: Redis stopped and started again, PostgreSQL paused and cut off (through a
// proxy that holds or resets its connections), a data subgraph SIGKILLed and restarted, while clients
// keep asking two replicas for granted, masked person data with licences. Everything must fail closed during a fault — no data without its audit record,
// none on a grant that was revoked meanwhile — and recover by itself when the store is back, with no
// restart. Used by test/store-faults.test.ts and by the long `npm run test:abuse`.
import { recordedRequestIds, settleJournals } from '../support/audit-log';
import { openDatabase } from '../../lib/db/database';
import { verifyAuditStore } from '../../subgraphs/platform/audit/verify-store';
import { Credentials, writeGrantsFile } from '../support/credentials';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { replicaEnv, startGatewayProcess, startSubgraphProcess, type GatewayProcess } from '../support/gateway-process';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server';
import { dropSchemas, uniqueSchemaPrefix } from '../support/services';
import { startStack, type Stack } from '../support/stack';
import { ABUSE_INSTITUTION, ABUSE_SCENARIO, ABUSE_SCALE, abuseGrants, abuseStackEnv, buildPools, post, type Post } from './abuse-suite';
import { buildTruth, checkResponse, createOracleContext, type OracleCaller } from './oracle';
import type { Grant } from '../../directives/grants';

const OUTAGE_INSTITUTION = '11530100015301025G'; // its grant is revoked while Redis is down
const RECOVERY_INSTITUTION = '115300000152000215'; // its grant is revoked after Redis is back
const ADMIN_ORG = '115300000152010080'; // 云南省数据局, a registered data authority (see gateway/fixtures/institutions.dev.json)
const DAY = 24 * 3600 * 1000;
// The licences under an alias of their own: when the licence subgraph fails, only that alias is null
// (licences is a non-null list, so the failure nulls the person it hangs on).
const PERSON = 'query($id: ID!) { person(idNumber: $id) { name idNumber gender } withLicences: person(idNumber: $id) { licences { number } } }';

/** A gateway's /readyz answer (status and parsed body), from its /graphql URL. */
async function readyz(graphqlUrl: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL('/readyz', graphqlUrl), { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

export type FaultPhase = 'redis' | 'postgresPause' | 'postgresDown' | 'licenceSubgraph';
export const FAULT_PHASES: readonly FaultPhase[] = ['redis', 'postgresPause', 'postgresDown', 'licenceSubgraph'];

export interface StoreFaultReport {
  faultsInjected: number;
  answered: number;
  answersWithData: number;
  /**
   * Answers withheld (refused, partial with a coded error, or not given in time) for requests sent
   * during each fault: every fault phase must show some, or the load did not meet the fault at all.
   */
  refusedDuringFaults: Record<FaultPhase, number>;
  leaked: number;
  auditLost: number;
  chainIntact: boolean;
  /** Answers with person data but licences withheld (coded error) while the licence subgraph was down. */
  partialWhileSubgraphDown: number;
  /** Seconds from the store's return to the first answer with data, per fault. */
  recoverySeconds: Record<string, number>;
  /** A grant revoked while Redis (the announcements) was down was denied at once by a replica caching for 60 s. */
  revokedWhileRedisDown: boolean;
  /** Milliseconds until that replica denied a grant revoked after Redis came back (announcement path). */
  revocationAfterRecoveryMs: number | null;
  /** What replica A's /readyz said during each store fault (503 naming the store) and after recovery. */
  readiness: Record<string, { status: number; body: unknown }>;
  findings: string[];
}

/** A GraphQL request through the abuse suite's raw POST. */
function ask(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>, timeoutMs = 10_000): Promise<Post> {
  return post(url, JSON.stringify({ query, variables }), { 'content-type': 'application/json', ...headers }, timeoutMs);
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A complete answer: the person's name and the licences list, no error. */
const complete = (text: string): boolean => {
  try {
    const body = JSON.parse(text);
    return !body.errors && typeof body.data?.person?.name === 'string' && Array.isArray(body.data?.withLicences?.licences);
  } catch {
    return false;
  }
};
const personName = (text: string): string | null => {
  try {
    return JSON.parse(text).data?.person?.name ?? null;
  } catch {
    return null;
  }
};

export async function runStoreFaults(options: { databaseUrl: string; log?: (line: string) => void; loadSeconds?: number }): Promise<StoreFaultReport> {
  const log = options.log ?? (() => {});
  const report: StoreFaultReport = { faultsInjected: 0, answered: 0, answersWithData: 0, refusedDuringFaults: { redis: 0, postgresPause: 0, postgresDown: 0, licenceSubgraph: 0 }, partialWhileSubgraphDown: 0, leaked: 0, auditLost: 0, chainIntact: false, recoverySeconds: {}, revokedWhileRedisDown: false, revocationAfterRecoveryMs: null, readiness: {}, findings: [] };
  const finding = (s: string) => {
    report.findings.push(s);
    log(`FINDING: ${s}`);
  };
  const credentials = new Credentials();
  const prefix = uniqueSchemaPrefix('faults');
  const pg = new URL(options.databaseUrl);
  let redis: PrivateRedis | undefined;
  let proxy: FaultProxy | undefined;
  let stack: Stack | undefined;
  const replicas: GatewayProcess[] = [];
  let licence: GatewayProcess | undefined;
  let stopLoad = true;
  let loadDone: Promise<unknown> = Promise.resolve();
  try {
    redis = await startPrivateRedis();
    proxy = await startFaultProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    const viaProxy = new URL(options.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const base = abuseGrants(ABUSE_SCALE)[0];
    const grant = (id: string, institution: string): Grant => ({ ...base, id, grantee: { kind: 'institution', id: institution } });
    const grantsFile = writeGrantsFile([grant('abuse', ABUSE_INSTITUTION), grant('fault-outage', OUTAGE_INSTITUTION), grant('fault-recovery', RECOVERY_INSTITUTION)]);
    const shared = { DATABASE_URL: viaProxy.toString(), DB_SCHEMA_PREFIX: prefix, REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${prefix}:`, GRANT_CACHE_MS: '60000' };
    // A: the stack's own gateway, rate limits on (in Redis, failing closed). B, C: replicas without
    // rate limits, so that what they do while Redis is down shows the policy state's own behaviour.
    stack = await startStack({ ...abuseStackEnv(credentials, grantsFile), ...shared });
    const replicaSettings = { ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), ...shared, RATE_LIMIT: 'off' };
    // B's licence subgraph is a process of its own (same data), so that it can be killed under load.
    const licenceEnv = { ...shared, DATA_SCALE: abuseStackEnv(credentials, grantsFile).DATA_SCALE, GATEWAY_SUBGRAPH_SECRET: credentials.keys.gatewaySubgraphSecret };
    licence = await startSubgraphProcess('licence', licenceEnv);
    const licencePort = new URL(licence.url).port;
    replicas.push(await startGatewayProcess({ ...replicaSettings, SUBGRAPH_URL_LICENCE: licence.url, BREAKER_COOLDOWN_MS: '1000' }), await startGatewayProcess(replicaSettings));
    const [b, c] = replicas;
    const gateways = [stack.gatewayUrl, b.url];
    const token = async (org: string, roles = ['institution']) => ({ authorization: `Bearer ${await credentials.token({ org, roles, sub: 'op-faults' })}`, 'x-scenario-id': ABUSE_SCENARIO });
    const loadHeaders = await token(ABUSE_INSTITUTION);
    const admin = await token(ADMIN_ORG, ['admin']);
    // The exact oracle, for the load's caller under the grants this run wrote.
    const truth = buildTruth(ABUSE_SCALE);
    const oracle = createOracleContext([grant('abuse', ABUSE_INSTITUTION), grant('fault-outage', OUTAGE_INSTITUTION), grant('fault-recovery', RECOVERY_INSTITUTION)], { truth, hashKey: credentials.keys.maskHashKey });
    const loadCaller: OracleCaller = { label: 'load', kind: 'institution', grantee: { kind: 'institution', id: ABUSE_INSTITUTION }, scenario: ABUSE_SCENARIO };
    const ids = buildPools(truth).idNumbers;
    const received: string[] = [];
    // Requests sent before this time count as sent during a fault (Infinity while one lasts; set to
    // the moment data flows again when it ends).
    let faultUntil = 0;
    let phase: FaultPhase = 'redis';
    let lastDataAt = 0;

    // Load: four clients over A and B, all the time.
    stopLoad = false;
    loadDone = Promise.all([0, 1, 2, 3].map(async (n) => {
      for (let i = 0; !stopLoad; i++) {
        const sentAt = Date.now();
        const sentIn = phase;
        const id = ids[(n * 13 + i) % ids.length];
        try {
          const r = await ask(gateways[(n + i) % 2], PERSON, { id }, loadHeaders, 5000);
          report.answered++;
          const leaks = checkResponse(oracle, loadCaller, JSON.stringify({ query: PERSON, variables: { id } }), r.text, r.headers).problems.filter((p) => p.kind === 'leak');
          if (leaks.length) {
            report.leaked++;
            finding(`leak (HTTP ${r.status}): ${leaks.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
          }
          if (r.status === 200 && personName(r.text) !== null) {
            report.answersWithData++;
            received.push(r.headers.get('x-request-id')!);
            lastDataAt = Math.max(lastDataAt, sentAt); // sent, not answered: recovery counts requests made after the store came back
          } else if (sentAt > faultUntil && r.status >= 500) finding(`HTTP ${r.status} outside a fault: ${r.text.slice(0, 200)}`);
          if (sentAt <= faultUntil && !complete(r.text)) report.refusedDuringFaults[sentIn]++;
        } catch {
          // No answer within the client's patience while a fault held: withheld as well.
          if (sentAt <= faultUntil) report.refusedDuringFaults[sentIn]++;
          await wait(50);
        }
      }
    }));
    const dataFlowsAgain = async (label: string, since: number) => {
      const until = Date.now() + 30_000;
      while (lastDataAt <= since && Date.now() < until) await wait(50);
      if (lastDataAt <= since) {
        finding(`${label}: no data 30 s after the store came back`);
        return;
      }
      report.recoverySeconds[label] = Math.round((lastDataAt - since) / 100) / 10;
      faultUntil = Date.now();
      log(`${label}: data again ${report.recoverySeconds[label]} s after the store came back`);
    };
    // What a replica does with an institution's grant: serves it, denies it (the person comes back
    // with its name null and a grant denial at that path), or refuses the request altogether. Only a
    // denial shows a revocation: a replica refusing everything must not pass for one that revoked.
    const grantState = async (url: string, org: string): Promise<'granted' | 'denied' | 'refused'> => {
      const text = (await ask(url, PERSON, { id: ids[0] }, await token(org))).text;
      if (personName(text) !== null) return 'granted';
      try {
        const body = JSON.parse(text);
        const denial = (body.errors ?? []).some((e: { path?: unknown[]; extensions?: { code?: string } }) =>
          e.path?.join('.') === 'person.name' && (e.extensions?.code === 'GRANT_REQUIRED' || e.extensions?.code === 'GRANT_EXPIRED'));
        return body.data?.person && typeof body.data.person.gender === 'string' && denial ? 'denied' : 'refused';
      } catch {
        return 'refused';
      }
    };
    const revoke = async (id: string) => {
      const r = await ask(b.url, 'mutation($id: ID!) { revokeGrant(id: $id, reason: "故障演练") { status } }', { id }, admin);
      if (!r.text.includes('"revoked"')) finding(`revoking ${id} failed: ${r.text.slice(0, 200)}`);
    };
    await wait((options.loadSeconds ?? 2) * 1000);
    if ((await grantState(c.url, OUTAGE_INSTITUTION)) !== 'granted' || (await grantState(c.url, RECOVERY_INSTITUTION)) !== 'granted') finding('replica C does not see the fault grants before the faults');

    // 1. Redis stopped: A refuses (its rate limits cannot be checked); B and C read policy from the
    //    platform on every request (announcements could be missed), so a revocation counts at once.
    faultUntil = Infinity;
    phase = 'redis';
    await redis.stop();
    report.faultsInjected++;
    log('fault: Redis stopped');
    await wait(1500);
    await revoke('fault-outage');
    const outage = await grantState(c.url, OUTAGE_INSTITUTION);
    // The control: the same replica still serves a grant nobody revoked.
    const unrevoked = await grantState(c.url, ABUSE_INSTITUTION);
    report.revokedWhileRedisDown = outage === 'denied' && unrevoked === 'granted';
    if (!report.revokedWhileRedisDown) finding(`while Redis was down, replica C answered the revoked grant with "${outage}" and an unrevoked one with "${unrevoked}" (expected denied and granted)`);
    report.readiness.redisDown = await readyz(stack.gatewayUrl);
    const aDuring = await ask(stack.gatewayUrl, PERSON, { id: ids[1] }, loadHeaders);
    if (aDuring.status !== 503 || !aDuring.text.includes('RATE_LIMIT_UNAVAILABLE')) finding(`A during the Redis outage answered ${aDuring.status}: ${aDuring.text.slice(0, 200)}`);
    await wait(1500);
    await redis.start();
    const redisBack = Date.now();
    log('Redis started again');
    // Recovery: A answers with data again (the load alternates A and B; wait for A itself).
    {
      const until = Date.now() + 30_000;
      let ok = false;
      while (!ok && Date.now() < until) {
        ok = personName((await ask(stack.gatewayUrl, PERSON, { id: ids[2] }, loadHeaders)).text) !== null;
        if (!ok) await wait(100);
      }
      if (ok) report.recoverySeconds.redis = Math.round((Date.now() - redisBack) / 100) / 10;
      else finding('A did not answer with data 30 s after Redis came back');
      await wait(1100); // past the readiness cache
      report.readiness.redisBack = await readyz(stack.gatewayUrl);
      faultUntil = Date.now();
    }
    // Announcements work again: C (caching for 60 s) denies a grant revoked now, within a second or two.
    await grantState(c.url, RECOVERY_INSTITUTION); // cached in C
    const revokedAt = Date.now();
    await revoke('fault-recovery');
    let recovery = await grantState(c.url, RECOVERY_INSTITUTION);
    while (Date.now() - revokedAt < 5000 && recovery === 'granted') {
      await wait(20);
      recovery = await grantState(c.url, RECOVERY_INSTITUTION);
    }
    if (recovery === 'denied') report.revocationAfterRecoveryMs = Date.now() - revokedAt;
    else finding(`after Redis came back, replica C answered a grant revoked then with "${recovery}" within 5 s (expected denied)`);

    // 2. PostgreSQL paused (connections hang) for 3 s.
    faultUntil = Infinity;
    phase = 'postgresPause';
    proxy.pause();
    report.faultsInjected++;
    log('fault: PostgreSQL paused');
    await wait(3000);
    proxy.resume();
    const pgResumed = Date.now();
    await dataFlowsAgain('postgresPause', pgResumed);

    // 3. PostgreSQL cut off (connections reset, new ones refused) for 3 s.
    faultUntil = Infinity;
    phase = 'postgresDown';
    proxy.cut();
    report.faultsInjected++;
    log('fault: PostgreSQL cut off');
    await wait(1500);
    report.readiness.postgresDown = await readyz(stack.gatewayUrl);
    await wait(1500);
    proxy.restore();
    const pgRestored = Date.now();
    await dataFlowsAgain('postgresDown', pgRestored);
    await wait(1100); // past the readiness cache
    report.readiness.postgresBack = await readyz(stack.gatewayUrl);

    // 4. B's licence subgraph SIGKILLed: B answers person data with licences withheld (coded error),
    //    never anything ungranted; restarted on the same port, licences come back without a restart of B.
    faultUntil = Infinity;
    phase = 'licenceSubgraph';
    await licence.stop('SIGKILL');
    report.faultsInjected++;
    log('fault: licence subgraph SIGKILLed');
    for (let i = 0; i < 10; i++) {
      const r = await ask(b.url, PERSON, { id: ids[i] }, loadHeaders);
      const body = JSON.parse(r.text);
      const codes = (body.errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code);
      if (body.data?.person?.name && body.data.withLicences === null && codes.length > 0 && codes.every((c: string) => c === 'SUBGRAPH_UNAVAILABLE')) report.partialWhileSubgraphDown++;
      else if (!(r.status === 503 && /AUDIT_UNAVAILABLE/.test(r.text))) finding(`B with its licence subgraph down answered ${r.status}: ${r.text.slice(0, 200)}`);
    }
    licence = await startSubgraphProcess('licence', { ...licenceEnv, SUBGRAPH_PORT_LICENCE: licencePort });
    const licenceBack = Date.now();
    {
      const until = Date.now() + 30_000;
      let ok = false;
      while (!ok && Date.now() < until) {
        const body = JSON.parse((await ask(b.url, PERSON, { id: ids[3] }, loadHeaders)).text);
        ok = Array.isArray(body.data?.withLicences?.licences);
        if (!ok) await wait(100);
      }
      if (ok) report.recoverySeconds.licenceSubgraph = Math.round((Date.now() - licenceBack) / 100) / 10;
      else finding('B did not return licences 30 s after the licence subgraph came back');
      faultUntil = Date.now();
    }
    await wait(1000);
    stopLoad = true;
    await loadDone;

    // Every answer with data has its record, and the chain verifies. B and C answered too: their
    // journals reach the chain before they answer an audit read.
    await settleJournals([b.url, c.url], admin);
    const recorded = await recordedRequestIds(stack.gatewayUrl, admin);
    const missing = received.filter((id) => !recorded.has(id));
    report.auditLost = missing.length;
    if (missing.length) finding(`audit records missing for ${missing.slice(0, 10).join(', ')}`);
    const db = await openDatabase({ url: options.databaseUrl, schema: `${prefix}platform` });
    try {
      const verified = await verifyAuditStore(db);
      report.chainIntact = verified.ok;
      if (!verified.ok) finding(`audit chain: ${verified.message}`);
    } finally {
      await db.close();
    }
    log(`store faults: ${report.answered} answered, ${report.answersWithData} with data, ${JSON.stringify(report.refusedDuringFaults)} withheld during faults`);
    return report;
  } finally {
    stopLoad = true;
    await loadDone.catch(() => undefined);
    for (const r of replicas) await r.stop().catch(() => undefined);
    await licence?.stop().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    credentials.cleanup();
    await dropSchemas(prefix).catch(() => undefined);
  }
}
