// npm run bench:audit [-- --help]
//
// How many audit records per second the hash chain takes (issue 12, item 3). Every append moves the
// one chain head (audit_chain_head), so the head serialises all gateway replicas; this measures
// where that ceiling is, and what 3 replicas get of it:
//   store — the platform subgraph alone, driven directly at POST /internal/audit (signed as a gateway
//           signs): --journals simulated gateway journals, each with one batch of --batch numbered
//           entries in flight (as gateway/audit/audit-shipper.ts ships); then the older `{ entries }`
//           form in small batches (--store-batch entries, --store-senders requests in flight), which is
//           what gateways with AUDIT_DURABILITY=store send.
//   e2e   — the stack (data subgraphs + that same platform) with --replicas gateway processes (POLICY
//           on, audit on, each its own journal directory), loaded by autocannon with `{ __typename }`
//           as an anonymous caller, --connections per replica, for AUDIT_DURABILITY=journal and =store.
// The store is PGlite on disk (default) or a schema of its own on PostgreSQL (--platform-db), dropped
// at the end. Results go to bench/results/audit-throughput.{json,md}: one section per store, so a run
// on PGlite and one on PostgreSQL end up side by side.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { CALLER_HEADER, PLATFORM_AUDIENCE, signatureHeaders } from '../protocol/signature';
import { encodeCallerClaim } from '../protocol/caller-claim';
import type { AuditEntry } from '../protocol/audit-entry';
import { AUDIT_PATH, serviceUrl } from '../protocol/internal-paths';
import { Credentials } from '../test/support/credentials';
import { startGatewayProcess, type GatewayProcess } from '../test/support/gateway-process';
import { dropSchemas } from '../test/support/services';
import { SUBGRAPHS, subgraphEnvName } from '../subgraphs/registry';
import { ResourceSampler, ROOT, cpuSeconds, runLifecycle, startService, type Service } from './processes';
import { CONTENDED_PERCENT, describeMachine, type MachineDescription } from './report';
import { percentile } from './stats';

// ───────────────────────── options ─────────────────────────

type Phase = 'store' | 'e2e';

interface Options {
  duration: number;
  warmup: number;
  journals: number;
  batch: number;
  storeBatch: number;
  storeSenders: number;
  replicas: number;
  connections: number;
  dataScale: string;
  platformDb?: string;
  only: Phase[];
}

const HELP = `npm run bench:audit -- [options]
  --duration S        measured seconds of each load (default 10)
  --warmup S          seconds of load before each measured window (default 1)
  --journals N        store ceiling: simulated gateway journals shipping at once (default 3)
  --batch N           store ceiling: entries per journal batch (default 500; the shipper sends up to 2000)
  --store-batch N     store ceiling, { entries } form: entries per request (default 8)
  --store-senders N   store ceiling, { entries } form: requests in flight (default 16)
  --replicas N        end to end: gateway processes (default 3)
  --connections N     end to end: autocannon connections per replica (default 16)
  --data-scale X      DATA_SCALE of the data subgraphs (default 0.05: { __typename } never reads them)
  --platform-db URL   the platform (audit store) on PostgreSQL, in a schema of its own dropped after
                      (default: PGlite on disk in a temporary directory)
  --only store,e2e    which loads to run (default both)
  -h, --help          this text`;

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      journals: { type: 'string' },
      batch: { type: 'string' },
      'store-batch': { type: 'string' },
      'store-senders': { type: 'string' },
      replicas: { type: 'string' },
      connections: { type: 'string' },
      'data-scale': { type: 'string' },
      'platform-db': { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const number = (name: string, raw: string | undefined, fallback: number, { integer = true, zero = false } = {}) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (!zero && value === 0) || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
    return value;
  };
  const only = (values.only ?? 'store,e2e').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((p) => p !== 'store' && p !== 'e2e');
  if (unknown.length || !only.length) throw new Error(`--only takes store and/or e2e, got "${values.only}"`);
  const dataScale = values['data-scale'] ?? '0.05';
  number('data-scale', dataScale, 0, { integer: false });
  return {
    duration: number('duration', values.duration, 10, { integer: false }),
    warmup: number('warmup', values.warmup, 1, { integer: false, zero: true }),
    journals: number('journals', values.journals, 3),
    batch: number('batch', values.batch, 500),
    storeBatch: number('store-batch', values['store-batch'], 8),
    storeSenders: number('store-senders', values['store-senders'], 16),
    replicas: number('replicas', values.replicas, 3),
    connections: number('connections', values.connections, 16),
    dataScale,
    platformDb: values['platform-db'] || undefined,
    only: only as Phase[],
  };
}

// ───────────────────────── lifecycle ─────────────────────────

const gatewayProcesses = new Set<GatewayProcess>();
const loads = new Set<autocannon.Instance>();
const run = runLifecycle('audit', async () => {
  for (const load of loads) load.stop();
  await Promise.all([...gatewayProcesses].map((g) => g.stop()));
});
const { temporaryDir, cleanups, shutdown, checkRunning } = run;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settings a developer's shell might carry that would change what is measured: cleared for every child. */
const CLEARED: NodeJS.ProcessEnv = Object.fromEntries(
  [
    'DATABASE_URL', 'PGLITE_DIR', 'DB_SCHEMA_PREFIX', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'GRANT_CACHE_MS', 'POLICY_DENIAL_MODE', 'JWT_JWKS_URL',
    'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_ALGORITHM', 'SUPERGRAPH_FILE', 'HOST', 'DEV_KEYS_DIR', 'JWT_PUBLIC_KEY_FILE', 'API_KEY_SECRET',
    'MASK_HASH_KEY', 'GRANTS_FILE', 'INSTITUTIONS_FILE', 'AUDIT', 'AUDIT_DURABILITY', 'AUDIT_JOURNAL_DIR', 'GATEWAY_INSTANCE', 'OPERATION_SAFELIST', 'SUBGRAPH_ALLOW_UNSIGNED',
  ].map((name) => [name, undefined]),
);

// ───────────────────────── talking to the platform ─────────────────────────

/** An admin's caller claim: only for reading the chain head through the platform's own API. */
// Admin rights belong to registered data authorities: the province's (云南省数据局) from the development registry.
const ADMIN_CLAIM = encodeCallerClaim({ kind: 'institution', id: '115300000152010080', operator: 'bench-audit', division: '530000', roles: ['admin'] });

/** The chain head's seq, read through the platform's admin API (auditRecords, newest first), signed as a gateway signs. */
async function chainHead(platformUrl: string, secret: string): Promise<number> {
  const body = JSON.stringify({ query: '{ auditRecords(first: 1) { records { seq } } }' });
  const response = await fetch(platformUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [CALLER_HEADER]: ADMIN_CLAIM,
      ...signatureHeaders(secret, { audience: 'platform', method: 'POST', path: new URL(platformUrl).pathname, caller: ADMIN_CLAIM, body }),
    },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  const records = (JSON.parse(text) as { data?: { auditRecords?: { records: { seq: number }[] } } }).data?.auditRecords?.records;
  if (!records) throw new Error(`reading the chain head failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  return records[0]?.seq ?? 0;
}

/** POST /internal/audit as a gateway sends it; the parsed answer. */
async function postAudit(auditUrl: string, secret: string, body: string): Promise<{ mark?: number; seqs?: number[] }> {
  const response = await fetch(auditUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signatureHeaders(secret, { audience: PLATFORM_AUDIENCE, method: 'POST', path: new URL(auditUrl).pathname, caller: 'audit', body }),
    },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /internal/audit answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as { mark?: number; seqs?: number[] };
}

/**
 * What a gateway records for an institution operator's person lookup (one dataset, one masked field,
 * one data subject): the simulated loads send entries of this size (≈0.7 kB of JSON each).
 */
function benchEntry(instance: string, requestId: string, recordedAt: string): AuditEntry {
  return {
    recordedAt, requestId, kind: 'query', gatewayInstance: instance, callerKind: 'institution', operator: 'operator-001',
    institution: '11530100015301017M', roles: ['institution'], scenario: 'bench-audit-scenario', grantIds: ['grant-bench-0001'],
    operationName: 'PersonLookup', operationHash: SAMPLE_HASH, fieldsReturned: ['Query.person', 'Person.name', 'Person.idNumber', 'Person.gender', 'Person.address'],
    fieldsMasked: ['Person.idNumber'], fieldsDenied: [], datasets: ['530000-RK-0001'], subjects: [SUBJECT_HASH], decision: 'allowed', errorCodes: [], latencyMs: 12,
  };
}
const SAMPLE_HASH = crypto.createHash('sha256').update('bench-audit').digest('hex');
const SUBJECT_HASH = crypto.createHash('sha256').update('bench-subject').digest('hex');

// ───────────────────────── measured windows ─────────────────────────

/**
 * A warm-up, then a measured window of fixed length. `inWindow` tells whether a moment (performance.now())
 * falls in it; the hooks run as it opens and closes (samplers, chain-head reads).
 */
class Window {
  readonly begin: number;
  readonly end: number;
  readonly done: Promise<void>;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(warmupSeconds: number, durationSeconds: number, onOpen: () => void, onClose: () => void) {
    this.begin = performance.now() + warmupSeconds * 1000;
    this.end = this.begin + durationSeconds * 1000;
    this.timers.push(setTimeout(onOpen, this.begin - performance.now()));
    this.done = new Promise((resolve) => this.timers.push(setTimeout(() => {
      onClose();
      resolve();
    }, this.end - performance.now())));
  }

  inWindow(at: number): boolean {
    return at >= this.begin && at < this.end;
  }

  get seconds(): number {
    return (this.end - this.begin) / 1000;
  }

  over(): boolean {
    return performance.now() >= this.end;
  }
}

interface CpuFigures {
  /** % of one core over the measured window. */
  platformCpuPercent?: number;
  platformRssMaxMiB?: number;
  gatewaysCpuPercent?: number;
  gatewaysRssMaxMiB?: number[];
  dataSubgraphsCpuPercent?: number;
  loadGeneratorCpuPercent: number;
  /** --platform-db on this machine: the PostgreSQL server's processes, every session's work (other sessions' tests too). */
  postgresServerCpuPercent?: number;
  machineBusyPercent?: number;
  /** Machine CPU not used by anything of the benchmark: other sessions' work (the figures are then a floor). */
  otherCpuPercent?: number;
}

/** Processes of a PostgreSQL server on this machine (its postmaster and backends are all named "postgres"). */
function postgresServerCpu(): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue; // gone meanwhile
    }
    const seconds = cpuSeconds(Number(entry));
    if (seconds !== undefined) cpu.set(Number(entry), seconds);
  }
  return cpu;
}

/** Samples our processes and this one over a window, and tells how much of the machine others used meanwhile. */
class CpuWatch {
  private readonly sampler: ResourceSampler;
  private before?: NodeJS.CpuUsage;
  private after?: NodeJS.CpuUsage;
  private started = 0;
  private stopped = 0;
  private samples?: ReturnType<ResourceSampler['stop']>;
  private postgresBefore?: Map<number, number>;
  private postgresSeconds?: number;

  constructor(private readonly groups: { platform: number; gateways?: number[]; data?: number[]; postgresServer?: boolean }) {
    this.sampler = new ResourceSampler([groups.platform, ...(groups.gateways ?? []), ...(groups.data ?? [])]);
  }

  start(): void {
    this.started = performance.now();
    this.before = process.cpuUsage();
    if (this.groups.postgresServer) this.postgresBefore = postgresServerCpu();
    this.sampler.start();
  }

  stop(): void {
    this.stopped = performance.now();
    this.after = process.cpuUsage(this.before);
    this.samples = this.sampler.stop();
    if (this.postgresBefore) {
      // Backends born during the window count whole; those that ended in it are missed (a floor).
      let seconds = 0;
      for (const [pid, now] of postgresServerCpu()) seconds += now - (this.postgresBefore.get(pid) ?? 0);
      this.postgresSeconds = this.postgresBefore.size ? seconds : undefined;
    }
  }

  figures(): CpuFigures {
    const samples = this.samples!;
    const sum = (pids: number[] | undefined) => {
      if (!pids?.length) return undefined;
      const values = pids.map((pid) => samples.get(pid)?.cpuPercent);
      return values.some((v) => v === undefined) ? undefined : values.reduce((a, b) => a! + b!, 0);
    };
    const seconds = (this.stopped - this.started) / 1000;
    const loadGeneratorCpuPercent = ((this.after!.user + this.after!.system) / 1e6 / seconds) * 100;
    const ours = [this.groups.platform, ...(this.groups.gateways ?? []), ...(this.groups.data ?? [])].map((pid) => samples.get(pid)?.cpuPercent);
    const postgresServerCpuPercent = this.postgresSeconds === undefined ? undefined : (this.postgresSeconds / seconds) * 100;
    const oursTotal = ours.some((v) => v === undefined) ? undefined : ours.reduce((a, b) => a! + b!, 0)! + loadGeneratorCpuPercent + (postgresServerCpuPercent ?? 0);
    const machine = this.sampler.machine;
    return {
      platformCpuPercent: samples.get(this.groups.platform)?.cpuPercent,
      platformRssMaxMiB: samples.get(this.groups.platform)?.rssMaxMiB,
      gatewaysCpuPercent: sum(this.groups.gateways),
      gatewaysRssMaxMiB: this.groups.gateways?.map((pid) => samples.get(pid)?.rssMaxMiB ?? NaN),
      dataSubgraphsCpuPercent: sum(this.groups.data),
      loadGeneratorCpuPercent,
      postgresServerCpuPercent,
      machineBusyPercent: machine?.busyPercent,
      otherCpuPercent: machine && oursTotal !== undefined ? Math.max(0, machine.busyPercent - oursTotal) : undefined,
    };
  }
}

// ───────────────────────── 1. store ceiling ─────────────────────────

interface StoreLoadResult {
  load: string;
  /** Requests in flight at once and entries per request. */
  concurrency: number;
  entriesPerRequest: number;
  seconds: number;
  /** Records committed in the window (from the answers: journal marks, or seqs). */
  records: number;
  recordsPerSecond: number;
  requests: number;
  /** Time from sending a batch to its answer (= its commit), ms. */
  p50Ms: number;
  p99Ms: number;
  cpu: CpuFigures;
  /** The chain head moved by exactly what the answers said, over the whole load (warm-up and tail included). */
  crossCheck: { headBefore: number; headAfter: number; headAdvance: number; answeredAdvance: number; agree: boolean };
}

/**
 * Drives `senders` loops, each sending one request at a time, until the window is over; a request's
 * records count in the window when its answer arrives in it.
 */
async function driveStore(
  label: string,
  platform: Service,
  secret: string,
  options: Options,
  senders: number,
  entriesPerRequest: number,
  /** One request of sender `i`: resolves with the records its answer says were committed. */
  send: (sender: number) => Promise<number>,
): Promise<StoreLoadResult> {
  checkRunning();
  const headBefore = await chainHead(platform.url, secret);
  const cpu = new CpuWatch({ platform: platform.pid, postgresServer: !!options.platformDb });
  const window = new Window(options.warmup, options.duration, () => cpu.start(), () => cpu.stop());
  const latencies: number[] = [];
  let records = 0;
  let requests = 0;
  let answeredAdvance = 0;
  await Promise.all(Array.from({ length: senders }, async (_, sender) => {
    while (!window.over() && !run.interrupted()) {
      const sent = performance.now();
      const committed = await send(sender);
      const answered = performance.now();
      answeredAdvance += committed;
      if (window.inWindow(answered)) {
        records += committed;
        requests++;
        latencies.push(answered - sent);
      }
    }
  }));
  await window.done;
  checkRunning();
  const headAfter = await chainHead(platform.url, secret);
  const result: StoreLoadResult = {
    load: label,
    concurrency: senders,
    entriesPerRequest,
    seconds: window.seconds,
    records,
    recordsPerSecond: records / window.seconds,
    requests,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpu: cpu.figures(),
    crossCheck: { headBefore, headAfter, headAdvance: headAfter - headBefore, answeredAdvance, agree: headAfter - headBefore === answeredAdvance },
  };
  console.log(
    `[audit]   ${label}: ${result.recordsPerSecond.toFixed(0)} records/s (${requests} requests in ${result.seconds.toFixed(1)} s), ` +
      `commit p50 ${result.p50Ms.toFixed(1)} ms p99 ${result.p99Ms.toFixed(1)} ms, platform CPU ${platformCpu(result.cpu)}%, ` +
      `other processes ${fmt(result.cpu.otherCpuPercent)}%; chain head +${result.crossCheck.headAdvance}, answers +${answeredAdvance}${result.crossCheck.agree ? '' : '  DISAGREE'}`,
  );
  return result;
}

/** Simulated gateway journals: each ships batches of numbered entries in order, one on the wire at a time. */
function journalLoad(platform: Service, secret: string, options: Options): Promise<StoreLoadResult> {
  const auditUrl = serviceUrl(platform.url, AUDIT_PATH).href;
  const ids = Array.from({ length: options.journals }, (_, i) => `bench-${process.pid}-${Date.now().toString(36)}-j${i}`);
  const numbers = ids.map(() => 0);
  return driveStore(`${options.journals} journals × ${options.batch}-entry batches`, platform, secret, options, options.journals, options.batch, async (i) => {
    const first = numbers[i] + 1;
    const recordedAt = new Date().toISOString();
    const entries = Array.from({ length: options.batch }, (_, k) => ({ ...benchEntry(ids[i], `${ids[i]}-${first + k}`, recordedAt), n: first + k }));
    const { mark } = await postAudit(auditUrl, secret, JSON.stringify({ journal: ids[i], entries }));
    const last = first + options.batch - 1;
    if (mark !== last) throw new Error(`journal ${ids[i]}: shipped up to ${last}, the platform's mark says ${mark}`);
    numbers[i] = last;
    return options.batch;
  });
}

/** The `{ entries }` form: each answer only after its entries are in the chain (the appender groups requests queued meanwhile). */
function entriesLoad(platform: Service, secret: string, options: Options): Promise<StoreLoadResult> {
  const auditUrl = serviceUrl(platform.url, AUDIT_PATH).href;
  const instance = `bench-${process.pid}-store`;
  let next = 0;
  return driveStore(`{ entries }: ${options.storeSenders} senders × ${options.storeBatch} entries`, platform, secret, options, options.storeSenders, options.storeBatch, async () => {
    const recordedAt = new Date().toISOString();
    const entries = Array.from({ length: options.storeBatch }, () => benchEntry(instance, `${instance}-${++next}`, recordedAt));
    const { seqs } = await postAudit(auditUrl, secret, JSON.stringify({ entries }));
    if (seqs?.length !== entries.length) throw new Error(`{ entries }: sent ${entries.length}, the platform answered seqs ${JSON.stringify(seqs)}`);
    return seqs.length;
  });
}

// ───────────────────────── 2. end to end ─────────────────────────

type Durability = 'journal' | 'store';

interface EndToEndResult {
  durability: Durability;
  replicas: number;
  connectionsPerReplica: number;
  seconds: number;
  /** HTTP 200 answers without GraphQL errors in the window, all replicas. */
  answered: number;
  requestsPerSecond: number;
  perReplicaRequestsPerSecond: number[];
  /** Other answers in the window (e.g. 503 AUDIT_UNAVAILABLE while a journal's backlog is over its bound). */
  refused: number;
  refusedSample?: string;
  socketErrors: number;
  p50Ms: number;
  p99Ms: number;
  /** How far the chain head moved during the window, per second. */
  chainRecordsPerSecond: number;
  /** Journal durability: unconfirmed entries per replica at the window's end (gateway_audit_journal_backlog, as of its last shipment). */
  backlogAtEnd?: number[];
  /** Audit shipments (journal) or commits (store) in the window, and their mean size, all replicas. */
  auditBatches: number;
  entriesPerBatch: number;
  /** Seconds after the load stopped until the chain held every answered request's record (journal: the backlog shipped). */
  drainSeconds: number;
  cpu: CpuFigures;
  crossCheck: { answeredTotal: number; chainAdvanceTotal: number; agree: boolean };
}

/** Prometheus values of one gateway that this benchmark reads. */
async function gatewayMetrics(graphqlUrl: string): Promise<{ backlog: number; batches: number; entries: number }> {
  const text = await (await fetch(serviceUrl(graphqlUrl, '/metrics'), { signal: AbortSignal.timeout(30_000) })).text();
  const value = (name: string) => Number(/^\S+ (\S+)$/.exec(text.split('\n').find((line) => line.startsWith(`${name} `)) ?? '')?.[1] ?? NaN);
  return { backlog: value('gateway_audit_journal_backlog'), batches: value('gateway_audit_commit_seconds_count'), entries: value('gateway_audit_entries_total') };
}

async function endToEnd(
  durability: Durability,
  platform: Service,
  dataSubgraphs: Service[],
  gatewayEnv: NodeJS.ProcessEnv,
  secret: string,
  options: Options,
): Promise<EndToEndResult> {
  checkRunning();
  console.log(`[audit] end to end, AUDIT_DURABILITY=${durability}: starting ${options.replicas} gateways…`);
  const gateways = await Promise.all(Array.from({ length: options.replicas }, async (_, i) => {
    const gateway = await startGatewayProcess({
      ...gatewayEnv,
      AUDIT_DURABILITY: durability,
      AUDIT_JOURNAL_DIR: temporaryDir(`pd-bench-audit-journal-${i}-`),
      GATEWAY_INSTANCE: `bench-${durability}-${i}`,
    });
    gatewayProcesses.add(gateway);
    return gateway;
  }));
  try {
    for (const gateway of gateways) {
      const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY_BODY });
      const text = await response.text();
      const body = JSON.parse(text) as { data?: { __typename?: string }; errors?: unknown[] };
      if (response.status !== 200 || body.data?.__typename !== 'Query' || body.errors) throw new Error(`gateway ${gateway.url} answers { __typename } with HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
    return await loadGateways(durability, gateways, platform, dataSubgraphs, secret, options);
  } finally {
    await Promise.all(gateways.map(async (gateway) => {
      await gateway.stop();
      gatewayProcesses.delete(gateway);
    }));
  }
}

const QUERY_BODY = JSON.stringify({ query: '{ __typename }' });

async function loadGateways(durability: Durability, gateways: GatewayProcess[], platform: Service, dataSubgraphs: Service[], secret: string, options: Options): Promise<EndToEndResult> {
  const headBefore = await chainHead(platform.url, secret);
  const cpu = new CpuWatch({ platform: platform.pid, gateways: gateways.map((g) => g.process.pid!), data: dataSubgraphs.map((s) => s.pid), postgresServer: !!options.platformDb });
  const latencies: number[] = [];
  const perReplica = gateways.map(() => 0);
  let answered = 0;
  let answeredTotal = 0;
  let refused = 0;
  let refusedSample: string | undefined;
  let socketErrors = 0;
  // Chain head and the gateways' audit counters when the window opens and closes (read while the load runs).
  const reads: { open?: Promise<Snapshot>; close?: Promise<Snapshot> } = {};
  const window = new Window(
    options.warmup,
    options.duration,
    () => {
      cpu.start();
      reads.open = snapshot(platform, gateways, secret);
    },
    () => {
      cpu.stop();
      reads.close = snapshot(platform, gateways, secret);
    },
  );
  const runs = gateways.map((gateway, replica) => new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: gateway.url,
        connections: options.connections,
        duration: options.warmup + options.duration + 0.2,
        sampleInt: 100,
        timeout: 30,
        requests: [{
          method: 'POST',
          path: new URL(gateway.url).pathname,
          headers: { 'content-type': 'application/json' },
          body: QUERY_BODY,
          onResponse: (status, body) => {
            const ok = status === 200 && !body.includes('"errors"');
            if (ok) answeredTotal++;
            if (!window.inWindow(performance.now())) return;
            if (ok) {
              answered++;
              perReplica[replica]++;
            } else {
              refused++;
              refusedSample ??= `HTTP ${status} ${body.slice(0, 200)}`;
            }
          },
        }],
      },
      (error) => {
        loads.delete(instance);
        if (error) reject(error);
        else resolve();
      },
    );
    loads.add(instance);
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (window.inWindow(performance.now())) latencies.push(responseTime);
    });
    instance.on('reqError', () => {
      if (window.inWindow(performance.now())) socketErrors++;
    });
  }));
  await window.done;
  await Promise.all(runs);
  checkRunning();
  const [open, close] = await Promise.all([reads.open!, reads.close!]);
  const loadStopped = performance.now();
  // The chain must come to hold every answered request's record (journal: once the backlog is shipped).
  let headAfter = await chainHead(platform.url, secret);
  const drainLimit = performance.now() + 120_000;
  while (headAfter - headBefore < answeredTotal && performance.now() < drainLimit) {
    await sleep(100);
    headAfter = await chainHead(platform.url, secret);
  }
  const drainSeconds = (performance.now() - loadStopped) / 1000;
  const seconds = window.seconds;
  const batches = close.batches - open.batches;
  const result: EndToEndResult = {
    durability,
    replicas: gateways.length,
    connectionsPerReplica: options.connections,
    seconds,
    answered,
    requestsPerSecond: answered / seconds,
    perReplicaRequestsPerSecond: perReplica.map((n) => n / seconds),
    refused,
    refusedSample,
    socketErrors,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    chainRecordsPerSecond: (close.head - open.head) / ((close.at - open.at) / 1000),
    backlogAtEnd: durability === 'journal' ? close.backlogs : undefined,
    auditBatches: batches,
    entriesPerBatch: batches ? (close.entries - open.entries) / batches : NaN,
    drainSeconds,
    cpu: cpu.figures(),
    crossCheck: { answeredTotal, chainAdvanceTotal: headAfter - headBefore, agree: headAfter - headBefore >= answeredTotal },
  };
  console.log(
    `[audit]   ${durability}: ${result.requestsPerSecond.toFixed(0)} req/s answered (${result.perReplicaRequestsPerSecond.map((r) => r.toFixed(0)).join(' + ')}), ` +
      `p50 ${result.p50Ms.toFixed(1)} ms p99 ${result.p99Ms.toFixed(1)} ms, chain +${result.chainRecordsPerSecond.toFixed(0)} records/s, ` +
      `${batches} audit batches of ${result.entriesPerBatch.toFixed(1)}${result.backlogAtEnd ? `, backlog at end ${result.backlogAtEnd.join('/')}` : ''}, drained in ${drainSeconds.toFixed(1)} s, ` +
      `CPU gateways ${fmt(result.cpu.gatewaysCpuPercent)}% platform ${platformCpu(result.cpu)}% loadgen ${fmt(result.cpu.loadGeneratorCpuPercent)}% other ${fmt(result.cpu.otherCpuPercent)}%` +
      `${refused || socketErrors ? `  REFUSED ${refused} (${refusedSample}), socket errors ${socketErrors}` : ''}${result.crossCheck.agree ? '' : `  CHAIN SHORT: ${result.crossCheck.chainAdvanceTotal} records for ${answeredTotal} answers`}`,
  );
  return result;
}

interface Snapshot {
  at: number;
  head: number;
  backlogs: number[];
  batches: number;
  entries: number;
}

/** The chain head and the gateways' audit counters, at (about) one moment: `at` is the middle of the reads. */
async function snapshot(platform: Service, gateways: GatewayProcess[], secret: string): Promise<Snapshot> {
  const sent = performance.now();
  const [head, metrics] = await Promise.all([chainHead(platform.url, secret), Promise.all(gateways.map((g) => gatewayMetrics(g.url)))]);
  return {
    at: (sent + performance.now()) / 2,
    head,
    backlogs: metrics.map((m) => m.backlog),
    batches: metrics.reduce((n, m) => n + (m.batches || 0), 0),
    entries: metrics.reduce((n, m) => n + (m.entries || 0), 0),
  };
}

// ───────────────────────── report ─────────────────────────

type StoreKey = 'pglite' | 'postgresql';

interface StoreSection {
  measuredAt: string;
  command: string;
  store: string;
  store_ceiling?: { measuredAt: string; command: string; journal: StoreLoadResult; entries: StoreLoadResult };
  end_to_end?: { measuredAt: string; command: string; journal: EndToEndResult; store: EndToEndResult };
}

interface ResultsFile {
  about: string;
  machine: MachineDescription;
  stores: Partial<Record<StoreKey, StoreSection>>;
}

const RESULTS_JSON = path.join(ROOT, 'bench', 'results', 'audit-throughput.json');
const RESULTS_MD = path.join(ROOT, 'bench', 'results', 'audit-throughput.md');

const fmt = (value: number | undefined, digits = 0) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

/** The platform's CPU, with the PostgreSQL server's beside it when the store is PostgreSQL on this machine. */
const platformCpu = (cpu: CpuFigures) => `${fmt(cpu.platformCpuPercent)}${cpu.postgresServerCpuPercent !== undefined ? ` (+ PostgreSQL server ${fmt(cpu.postgresServerCpuPercent)})` : ''}`;

/** Merges this run's sections into the results file (other stores, and phases not run now, are kept). */
function writeResults(key: StoreKey, section: StoreSection): void {
  let previous: ResultsFile | undefined;
  try {
    previous = JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) as ResultsFile;
  } catch {
    previous = undefined;
  }
  const old = previous?.stores[key];
  const merged: StoreSection = { ...section, store_ceiling: section.store_ceiling ?? old?.store_ceiling, end_to_end: section.end_to_end ?? old?.end_to_end };
  const results: ResultsFile = {
    about: 'npm run bench:audit — records per second the audit hash chain takes (issue 12, item 3); see audit-throughput.md',
    machine: describeMachine(),
    stores: { ...previous?.stores, [key]: merged },
  };
  fs.writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(RESULTS_MD, markdown(results));
}

/** The Markdown page of the results file (every store measured so far). */
export function markdown(results: ResultsFile): string {
  const lines: string[] = [];
  const m = results.machine;
  lines.push('# Audit chain throughput (`npm run bench:audit`)', '');
  lines.push(
    'Every append moves the one chain head (`audit_chain_head`), so the head serialises the audit of all gateway replicas. ' +
      'This measures how many records per second it takes, alone and behind 3 gateway replicas.',
    '',
  );
  lines.push(
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, Node ${m.node}, ${m.platform}. **The ${m.cpus} cores are shared** — with other sessions' ` +
      'work (column "other CPU") and, in every load, with the load generator in the benchmark process itself — so every figure is a floor, not a capacity.',
    '',
  );
  const others = Object.values(results.stores).flatMap((section) => [
    ...(section?.store_ceiling ? [section.store_ceiling.journal, section.store_ceiling.entries] : []),
    ...(section?.end_to_end ? [section.end_to_end.journal, section.end_to_end.store] : []),
  ]).map((r) => r.cpu.otherCpuPercent ?? 0);
  if (others.some((o) => o > CONTENDED_PERCENT)) {
    lines.push(
      `**Contended:** during these runs processes outside the benchmark used up to ${fmt(Math.max(...others))} % of the ${m.cpus * 100} % (column "other"): ` +
        'the machine was full (no process of the store near 100 % of a core), so these figures are a floor set by the machine rather than the chain head\'s ceiling. Rerun on a quiet machine for figures to compare.',
      '',
    );
  }
  lines.push('## What each load does', '');
  lines.push(
    '- **Store ceiling, journal form** — the platform subgraph alone (no gateway, no data subgraph). The benchmark plays N gateway journals: each sends ' +
      '`POST /internal/audit` `{ journal, entries:[{…entry, n}] }` (signed as a gateway signs) with B consecutively numbered entries, waits for the answer ' +
      '(`{ mark }`, checked to be the batch\'s last number), then sends the next: one batch in flight per journal, as `gateway/audit/audit-shipper.ts` ships. ' +
      'The platform appends each journal batch in its own transaction (journal mark and chain head locked, records chained with SM3, inserted, head and mark moved). ' +
      'Records/s counts the records of answers that arrived in the measured window; latency is send → answer (= commit) per batch. ' +
      'The entries are shaped like an institution operator\'s person lookup (one dataset, one masked field, one subject hash; ≈0.7 kB of JSON each).',
    '- **Store ceiling, `{ entries }` form** — the same platform, S senders each with one request of E entries in flight (`{ entries }`, answered with the seqs ' +
      'once committed): what gateways with `AUDIT_DURABILITY=store` send, where a response waits for its record. The platform\'s appender groups requests queued ' +
      'while an append runs into one statement (up to 500 entries), so this shows what many small waiting requests cost, not one commit per request.',
    '- **Cross-check** — the chain head\'s seq is read through the platform\'s admin API (`auditRecords(first: 1)`, signed) before and after each load: it must have ' +
      'advanced by exactly the records the answers reported (warm-up and tail included).',
    '- **End to end** — the stack as `npm run bench` starts it (data subgraphs on PGlite in memory at a small DATA_SCALE — `{ __typename }` never reads them — and the ' +
      'same platform), plus R gateway processes (`gateway/main.ts`, POLICY=on, AUDIT=on, each its own `AUDIT_JOURNAL_DIR`, rate limits with budgets no load reaches). ' +
      'autocannon in the benchmark process sends `{ __typename }` as an anonymous caller, C connections per replica, first with `AUDIT_DURABILITY=journal` (the default: ' +
      'the response waits for the local fsync, a shipper sends batches of up to 2000 to the platform in the background), then with `=store` (the response waits for the ' +
      'platform\'s commit). "Requests/s" are HTTP 200 answers without errors in the window; "chain records/s" is how far the chain head moved during the window; ' +
      '"backlog" is each replica\'s `gateway_audit_journal_backlog` at the window\'s end (as of its last shipment); "drain" is how long after the load the chain held ' +
      'a record for every answered request.',
    '',
  );
  for (const key of ['pglite', 'postgresql'] as const) {
    const section = results.stores[key];
    lines.push(`## ${key === 'pglite' ? 'PGlite (embedded, on disk) — the default store' : 'PostgreSQL (`--platform-db`)'}`, '');
    if (!section) {
      lines.push(`Not measured yet: \`npm run bench:audit${key === 'postgresql' ? ' -- --platform-db postgres://…' : ''}\`.`, '');
      continue;
    }
    if (section.store_ceiling) {
      const { journal, entries } = section.store_ceiling;
      lines.push(`### Store ceiling (no gateways) — ${section.store_ceiling.measuredAt}, \`${section.store_ceiling.command}\``, '');
      lines.push('| load | in flight × entries | records/s | requests in window | commit p50 ms | commit p99 ms | platform CPU % | loadgen CPU % | other CPU % | head advance = answers |');
      lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|---|');
      for (const r of [journal, entries]) {
        lines.push(
          `| ${r.load} | ${r.concurrency} × ${r.entriesPerRequest} | **${fmt(r.recordsPerSecond)}** | ${r.requests} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${platformCpu(r.cpu)} | ` +
            `${fmt(r.cpu.loadGeneratorCpuPercent)} | ${fmt(r.cpu.otherCpuPercent)} | ${r.crossCheck.agree ? 'yes' : 'NO'} (${r.crossCheck.headAdvance} / ${r.crossCheck.answeredAdvance}) |`,
        );
      }
      lines.push('');
    }
    if (section.end_to_end) {
      const e2e = section.end_to_end;
      const r0 = e2e.journal;
      lines.push(`### End to end: ${r0.replicas} gateway replicas × ${r0.connectionsPerReplica} connections, \`{ __typename }\`, anonymous — ${e2e.measuredAt}, \`${e2e.command}\``, '');
      lines.push('| AUDIT_DURABILITY | requests/s (per replica) | p50 ms | p99 ms | chain records/s | audit batches × mean entries | backlog at end | drain s | CPU % gateways / platform / data / loadgen / other | refused | chain ≥ answers |');
      lines.push('|---|--:|--:|--:|--:|--:|--:|--:|---|--:|---|');
      for (const r of [e2e.journal, e2e.store]) {
        lines.push(
          `| ${r.durability} | **${fmt(r.requestsPerSecond)}** (${r.perReplicaRequestsPerSecond.map((x) => fmt(x)).join(' / ')}) | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | **${fmt(r.chainRecordsPerSecond)}** | ` +
            `${r.auditBatches} × ${fmt(r.entriesPerBatch, 1)} | ${r.backlogAtEnd ? r.backlogAtEnd.join(' / ') : 'n/a'} | ${fmt(r.drainSeconds, 1)} | ` +
            `${fmt(r.cpu.gatewaysCpuPercent)} / ${platformCpu(r.cpu)} / ${fmt(r.cpu.dataSubgraphsCpuPercent)} / ${fmt(r.cpu.loadGeneratorCpuPercent)} / ${fmt(r.cpu.otherCpuPercent)} | ` +
            `${r.refused + r.socketErrors} | ${r.crossCheck.agree ? 'yes' : 'NO'} (${r.crossCheck.chainAdvanceTotal} / ${r.crossCheck.answeredTotal}) |`,
        );
      }
      lines.push('');
      const refusals = [e2e.journal, e2e.store].filter((r) => r.refusedSample);
      for (const r of refusals) lines.push(`- ${r.durability}: ${r.refused} refused answers, e.g. \`${r.refusedSample}\``);
      if (refusals.length) lines.push('');
    }
  }
  lines.push('## Reading', '');
  lines.push(
    '- CPU is in % of one core; the machine has ' + `${m.cpus}` + ' in all. Where "platform CPU" is near 100 % the store\'s one process (PGlite runs in it) is the limit; ' +
      'where the machine is full (gateways + platform + loadgen + other ≈ ' + `${m.cpus * 100}` + ' %) the limit is the machine, and a quiet machine with more cores gives more.',
    '- End to end, `{ __typename }` is the cheapest request a gateway audits: it shows what the audit path sustains, not what data queries do.',
    '- "chain ≥ answers": after the load (and the drain) the chain must hold at least one record per counted answer. It holds a few more: the requests in flight ' +
      'when autocannon stops are answered and recorded but not counted, nor are the start-up probes.',
    '- With `--platform-db` on this machine, "PostgreSQL server" is the CPU of every process named postgres over the window: the server is shared, so it includes other ' +
      'sessions\' queries (backends that ended within the window are missed). It is left out of "other".',
    '',
  );
  return `${lines.join('\n')}\n`;
}

// ───────────────────────── main ─────────────────────────

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const storeKey: StoreKey = options.platformDb ? 'postgresql' : 'pglite';
  const command = `npm run bench:audit${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ').replace(/postgres(ql)?:\/\/\S+/g, 'postgres://…')}` : ''}`;
  const machine = describeMachine();
  console.log(`[audit] machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; store: ${storeKey}; loads: ${options.only.join(', ')}, ${options.warmup} s warm-up + ${options.duration} s each`);

  const credentials = new Credentials();
  cleanups.push(async () => credentials.cleanup());
  const keys = credentials.keys;
  const auditSubjectKey = crypto.randomBytes(32).toString('base64url');
  const schemaPrefix = `bench_audit_${process.pid}_`;
  if (options.platformDb) cleanups.push(() => dropSchemas(schemaPrefix, options.platformDb));

  const subgraphEnv: NodeJS.ProcessEnv = { ...CLEARED, GATEWAY_SUBGRAPH_SECRET: keys.gatewaySubgraphSecret, AUDIT_SUBJECT_KEY: auditSubjectKey, LOG_LEVEL: 'warn', DATA_SCALE: options.dataScale, INSTITUTIONS_FILE: 'gateway/fixtures/institutions.dev.json' };
  const platformInfo = SUBGRAPHS.find((s) => s.name === 'platform')!;
  console.log(`[audit] starting the platform subgraph (${options.platformDb ? 'PostgreSQL, schema prefix ' + schemaPrefix : 'PGlite on disk'})…`);
  const platform = await startService('platform', platformInfo.entry, {
    ...subgraphEnv,
    [subgraphEnvName('PORT', 'platform')]: '0',
    ...(options.platformDb ? { DATABASE_URL: options.platformDb, DB_SCHEMA_PREFIX: schemaPrefix } : { PGLITE_DIR: temporaryDir('pd-bench-audit-pglite-') }),
  });
  const section: StoreSection = { measuredAt: new Date().toISOString(), command, store: options.platformDb ? 'PostgreSQL (--platform-db), a schema of its own' : 'PGlite on disk (temporary directory)' };

  if (options.only.includes('store')) {
    console.log('[audit] store ceiling (the platform alone):');
    const journal = await journalLoad(platform, keys.gatewaySubgraphSecret, options);
    const entries = await entriesLoad(platform, keys.gatewaySubgraphSecret, options);
    section.store_ceiling = { measuredAt: new Date().toISOString(), command, journal, entries };
  }

  if (options.only.includes('e2e')) {
    const data = SUBGRAPHS.filter((s) => s.name !== 'platform');
    console.log(`[audit] starting the data subgraphs ${data.map((s) => s.name).join(', ')} (PGlite in memory, DATA_SCALE ${options.dataScale})…`);
    const dataSubgraphs = await Promise.all(data.map((info) => startService(info.name, info.entry, { ...subgraphEnv, [subgraphEnvName('PORT', info.name)]: '0' })));
    const urls = Object.fromEntries([...data.map((info, i) => [subgraphEnvName('URL', info.name), dataSubgraphs[i].url]), [subgraphEnvName('URL', 'platform'), platform.url]]);
    const gatewayEnv: NodeJS.ProcessEnv = {
      ...CLEARED,
      ...urls,
      LOG_LEVEL: 'warn',
      POLICY: 'on',
      AUDIT: 'on',
      JWT_PUBLIC_KEY_FILE: keys.publicKeyFile,
      API_KEY_SECRET: keys.apiKeySecret,
      GATEWAY_SUBGRAPH_SECRET: keys.gatewaySubgraphSecret,
      MASK_HASH_KEY: keys.maskHashKey,
      AUDIT_SUBJECT_KEY: auditSubjectKey,
      // Rate limits stay on (their cost is part of the product) with budgets no load here reaches.
      RATE_LIMIT_POINTS: '1000000000',
    };
    const journal = await endToEnd('journal', platform, dataSubgraphs, gatewayEnv, keys.gatewaySubgraphSecret, options);
    const store = await endToEnd('store', platform, dataSubgraphs, gatewayEnv, keys.gatewaySubgraphSecret, options);
    section.end_to_end = { measuredAt: new Date().toISOString(), command, journal, store };
  }

  writeResults(storeKey, section);
  console.log(`[audit] wrote ${path.relative(ROOT, RESULTS_JSON)} and ${path.relative(ROOT, RESULTS_MD)} (section ${storeKey})`);
}

if (require.main === module) {
  main()
    .then(() => shutdown())
    .then(() => process.exit(0))
    .catch(async (error) => {
      if (!run.interrupted()) console.error(`[audit] ${error instanceof Error ? error.stack ?? error.message : error}`);
      await shutdown();
      process.exit(run.interrupted() ? 130 : 1);
    });
}
