// npm run bench [-- --rounds 3 --duration 5 --warmup 1 --connections 16 --quick --only mixed,deep]
//
// Compares, on loopback, on the same supergraph and the same running subgraphs:
//   A. a bare @apollo/gateway (bench/bare-gateway.ts),
//   B. this gateway with POLICY=off (gateway/main.ts),
//   C. this gateway with POLICY=on, called as an institution operator (JWT + x-scenario-id) whose grant
//      covers every field the workloads select (with its default audit: every request recorded);
//   D. (--gateways A,B,C,D) the same with AUDIT=off, to tell the policy's cost from the audit's;
//   E. the Hive gateway runtime (bench/hive-gateway.ts), a peer with no policy, installed in its own folder
//      bench/peers/hive (npm ci --prefix bench/peers/hive, run here when it is missing).
// Default: A B C E (--gateways picks others). For each workload the gateways are measured interleaved
// (A B C E, A B C E, …) for N rounds; each run is one autocannon instance: a warm-up, then a fixed
// measured window on the same connections. Medians over rounds of throughput, p50/p99 latency, gateway
// CPU and RSS are printed and written to bench/results/latest.{json,md}. Every child process is stopped
// on exit, error or Ctrl-C.
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Credentials, writeGrantsFile } from '../test/support/credentials';
import { dropSchemas } from '../test/support/services';
import { gatewayNodeArgs } from '../gateway/node-args';
import { DEFAULT_SEED } from '../subgraphs/seed/generator';
import { SUBGRAPHS, subgraphEnvName, type SubgraphInfo } from '../subgraphs/registry';
import { ResourceSampler, ROOT, checkChildren, foreignCpuPercent, startService, stopAll, type Service } from './processes';
import {
  CONTENDED_PERCENT, GATEWAY_KEYS, GATEWAY_LABELS, GATEWAY_POLICY, consoleTable, describeMachine, summarise, writeReport,
  type GatewayKey, type RunMeasurement,
} from './report';
import { percentile } from './stats';
import { formatProfile, summariseProfile, type ProfileSummary } from './profile';
import { allWorkloads, type BenchRequest, type Workload } from './workloads';

// ───────────────────────── options ─────────────────────────

interface Options {
  rounds: number;
  duration: number;
  warmup: number;
  connections: number;
  quick: boolean;
  only?: string[];
  /** Seconds the whole run may spend waiting for other processes to leave the CPUs alone. */
  maxWait: number;
  /** Run the gateways under --cpu-prof and summarise where their CPU went. */
  profile: boolean;
  /** Which gateways to compare; A (the baseline) always. */
  gateways: GatewayKey[];
  /** Whether --gateways was given (else the default set, whose E is dropped if it cannot be installed). */
  gatewaysGiven: boolean;
  /** Measure even when the verification finds errors or differing answers. */
  allowErrors: boolean;
  /** PostgreSQL URL for the platform subgraph (audit log, control plane); unset: PGlite on disk. */
  platformDb?: string;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'max-wait': { type: 'string' },
      profile: { type: 'boolean', default: false },
      gateways: { type: 'string' },
      'allow-errors': { type: 'boolean', default: false },
      'platform-db': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`npm run bench -- [--rounds N=3] [--duration S=5] [--warmup S=1] [--connections C=16] [--quick (2 s × 1 round)] [--only w1,w2] [--max-wait S=30] [--profile (gateways under --cpu-prof)] [--gateways A,B,C,D,E] [--allow-errors] [--platform-db postgres://… (audit store on PostgreSQL instead of PGlite)]
workloads: ${allWorkloads().map((w) => w.name).join(', ')}
gateways:  ${GATEWAY_KEYS.map((k) => `${k} = ${GATEWAY_LABELS[k]}`).join('; ')} (default ${DEFAULT_GATEWAYS.join(',')})`);
    process.exit(0);
  }
  const positive = (name: string, raw: string | undefined, fallback: number, integer: boolean) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value)) || (name !== 'warmup' && name !== 'max-wait' && value === 0)) {
      throw new Error(`--${name} must be a ${integer ? 'positive integer' : 'positive number'}, got "${raw}"`);
    }
    return value;
  };
  const quick = values.quick ?? false;
  return {
    rounds: positive('rounds', values.rounds, quick ? 1 : 3, true),
    duration: positive('duration', values.duration, quick ? 2 : 5, false),
    warmup: positive('warmup', values.warmup, 1, false),
    connections: positive('connections', values.connections, 16, true),
    quick,
    only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    maxWait: positive('max-wait', values['max-wait'], quick ? 10 : 30, false),
    profile: values.profile ?? false,
    gateways: readGateways(values.gateways),
    gatewaysGiven: values.gateways !== undefined,
    allowErrors: values['allow-errors'] ?? false,
    platformDb: values['platform-db'] || undefined,
  };
}

/** A, B, C and the Hive peer E: E costs a quarter of the measuring time and, once, an npm ci of its folder. */
const DEFAULT_GATEWAYS: readonly GatewayKey[] = ['A', 'B', 'C', 'E'];

function readGateways(raw: string | undefined): GatewayKey[] {
  if (raw === undefined) return [...DEFAULT_GATEWAYS];
  const wanted = raw.split(',').map((k) => k.trim().toUpperCase());
  const unknown = wanted.filter((k) => !GATEWAY_KEYS.includes(k as GatewayKey));
  if (unknown.length) throw new Error(`--gateways: unknown gateway(s) ${unknown.join(', ')} (have ${GATEWAY_KEYS.join(', ')})`);
  // A is the baseline every ratio is taken against; the order of measurement is always alphabetical.
  return GATEWAY_KEYS.filter((k) => k === 'A' || wanted.includes(k));
}

// ───────────────────────── lifecycle ─────────────────────────

let credentials: Credentials | undefined;
let grantsFile: string | undefined;
let current: autocannon.Instance | undefined;
let interrupted = false;
let shuttingDown: Promise<void> | undefined;

function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    current?.stop();
    await stopAll();
    credentials?.cleanup();
    if (grantsFile) fs.rmSync(path.dirname(grantsFile), { recursive: true, force: true });
    for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
    for (const cleanup of cleanups) await cleanup().catch((error: Error) => console.error(`[bench] cleanup: ${error.message}`));
  })();
  return shuttingDown;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench] ${signal}: stopping every child process…`);
    void shutdown().finally(() => process.exit(130));
  });
}

function checkRunning(): void {
  if (interrupted) throw new Error('interrupted');
  checkChildren();
}

// ───────────────────────── gateways ─────────────────────────

interface GatewayUnderTest {
  key: GatewayKey;
  service: Service;
}

/** Settings a developer's shell might carry that would change what is measured: cleared for every child. */
const CLEARED: NodeJS.ProcessEnv = Object.fromEntries(
  [
    'DATABASE_URL', 'PGLITE_DIR', 'DB_SCHEMA_PREFIX', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'GRANT_CACHE_MS', 'POLICY_DENIAL_MODE',
    'JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_ALGORITHM', 'SUPERGRAPH_FILE', 'MAX_BODY_BYTES', 'HOST', 'DEV_KEYS_DIR',
    'MASK_ID_NUMBER_KEEP', 'MASK_PHONE_KEEP', 'MASK_CREDIT_CODE_KEEP', 'JWT_PUBLIC_KEY_FILE', 'API_KEY_SECRET', 'MASK_HASH_KEY', 'GRANTS_FILE',
    'AUDIT', 'AUDIT_SUBJECT_KEY', 'GATEWAY_INSTANCE', 'CALENDAR_FILES',
  ].map((name) => [name, undefined]),
);

/** The registry entries of the subgraphs the supergraph routes to (its join__Graph values). */
function supergraphSubgraphs(): SubgraphInfo[] {
  const sdl = fs.readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');
  const names = [...sdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((m) => m[1]);
  const unknown = names.filter((name) => !SUBGRAPHS.some((info) => info.name === name));
  if (unknown.length) throw new Error(`the supergraph routes to subgraphs the registry does not know: ${unknown.join(', ')}`);
  return SUBGRAPHS.filter((info) => names.includes(info.name));
}

/** Work to do when the run ends, however it ends. */
const cleanups: (() => Promise<void>)[] = [];

const temporaryDirs: string[] = [];
function temporaryDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

/** A throw-away key for settings the benchmark does not exercise but a process insists on (AUDIT_SUBJECT_KEY). */
const benchSecret = crypto.randomBytes(32).toString('base64url');

const INSTITUTION = '11530100015301017M';
const SCENARIO = 'bench';

async function post(url: string, headers: Record<string, string>, request: BenchRequest): Promise<{ status: number; text: string; body?: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body };
}

/** Where the Hive gateway (E) is installed: apart from the project, whose "overrides" pin older @graphql-tools. */
const HIVE_PEER_DIR = path.join(ROOT, 'bench', 'peers', 'hive');

/** Installs E's folder from its lock file when it is not installed, or holds another Hive than package.json pins. */
function ensureHiveInstalled(): void {
  const relative = path.relative(ROOT, HIVE_PEER_DIR);
  const pinned = (JSON.parse(fs.readFileSync(path.join(HIVE_PEER_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  const installed = Object.keys(pinned).map((name) => {
    const file = path.join(HIVE_PEER_DIR, 'node_modules', name, 'package.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version : undefined;
  });
  if (Object.values(pinned).every((version, i) => installed[i] === version)) return;
  const why = installed.every((version) => version === undefined) ? `${relative}/node_modules is missing` : `${relative}/node_modules is not what its package.json pins`;
  console.log(`[bench] gateway E: ${why}; running npm ci --prefix ${relative} …`);
  execFileSync('npm', ['ci', '--prefix', relative, '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
}

/** C's audit commits, from its /metrics (undefined if it cannot be read). */
async function auditFigures(graphqlUrl: string): Promise<{ commits: number; entries: number; meanMs: number } | undefined> {
  try {
    const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
    const value = (name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2]);
    const commits = value('gateway_audit_commit_seconds_count');
    const seconds = value('gateway_audit_commit_seconds_sum');
    const entries = value('gateway_audit_entries_total');
    return commits > 0 ? { commits, entries, meanMs: (seconds / commits) * 1000 } : undefined;
  } catch {
    return undefined;
  }
}

/** Problems in an answer of the bare gateway that would make the workload meaningless (ids that do not exist …). */
function implausible(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return 'no data';
  for (const [field, value] of Object.entries(data)) {
    if (value === null) return `${field} is null`;
    if (Array.isArray(value) && value.some((item) => item === null)) return `${field} has null items (unknown ids)`;
    if (field === 'verifyPersonIdentity' && value !== 'MATCH') return `verifyPersonIdentity answered ${value}`;
    if (field.endsWith('ByDivision') && (value as { edges: unknown[] }).edges.length === 0) return `${field} is empty`;
  }
  return undefined;
}

/** Same keys, same list lengths, same null-ness: what a policy gateway (masked values) must share with A. */
function sameShape(a: unknown, c: unknown, at = '$'): string | undefined {
  if (a === null || c === null) return a === c ? undefined : `${at}: ${a === null ? 'null in A only' : 'null here, not in A'}`;
  if (Array.isArray(a) || Array.isArray(c)) {
    if (!Array.isArray(a) || !Array.isArray(c)) return `${at}: a list in one answer only`;
    if (a.length !== c.length) return `${at}: ${a.length} items in A, ${c.length} here`;
    for (let i = 0; i < a.length; i++) {
      const problem = sameShape(a[i], c[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof a === 'object' || typeof c === 'object') {
    if (typeof a !== 'object' || typeof c !== 'object') return `${at}: an object in one answer only`;
    const ka = Object.keys(a as object).sort();
    const kc = Object.keys(c as object).sort();
    if (ka.join() !== kc.join()) return `${at}: keys ${ka.join()} in A, ${kc.join()} here`;
    for (const key of ka) {
      const problem = sameShape((a as Record<string, unknown>)[key], (c as Record<string, unknown>)[key], `${at}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Where the response keys come in another order than A's (the query's); undefined when none. */
function keyOrderDiffers(a: unknown, c: unknown, at = '$'): string | undefined {
  if (Array.isArray(a) && Array.isArray(c)) {
    for (let i = 0; i < Math.min(a.length, c.length); i++) {
      const found = keyOrderDiffers(a[i], c[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (a && c && typeof a === 'object' && typeof c === 'object') {
    const ka = Object.keys(a);
    const kc = Object.keys(c);
    if (ka.join() !== kc.join()) return `${at}: ${kc.join()} (query order: ${ka.join()})`;
    for (const key of ka) {
      const found = keyOrderDiffers((a as Record<string, unknown>)[key], (c as Record<string, unknown>)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Gateways whose data is compared with A's regardless of key order (see verify). */
const ORDER_INSENSITIVE: readonly GatewayKey[] = ['E'];

/** The same value with every object's keys sorted, so that two answers can be compared by their values alone. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

interface Verification {
  workload: string;
  request: string;
  bytes: Partial<Record<GatewayKey, number>>;
  /** Per gateway other than A: "equal to A", "same shape as A" or what differs. */
  comparison: Partial<Record<GatewayKey, string>>;
  errors: Partial<Record<GatewayKey, string[]>>;
}

/**
 * One request of every kind through every gateway before measuring: all must answer 200; A must find the
 * data (real ids); B (no policy) must return exactly A's data, E (Hive, no policy) A's data in any key
 * order; a policy gateway (C, D) must return A's shape (values masked) — and none may answer with GraphQL
 * errors, unless --allow-errors.
 */
async function verify(
  workloads: readonly Workload[],
  gateways: readonly GatewayUnderTest[],
  headers: Record<string, string>,
  notes: string[],
  allowErrors: boolean,
): Promise<Verification[]> {
  const results: Verification[] = [];
  const problems: string[] = [];
  for (const workload of workloads) {
    for (const request of workload.requests) {
      const where = `${workload.name} / ${request.label}`;
      const answers = new Map<GatewayKey, Awaited<ReturnType<typeof post>>>();
      for (const gateway of gateways) {
        const answer = await post(gateway.service.url, headers, request);
        if (answer.status !== 200 || !answer.body) throw new Error(`${where}: gateway ${gateway.key} answered HTTP ${answer.status}: ${answer.text.slice(0, 500)}`);
        answers.set(gateway.key, answer);
      }
      const a = answers.get('A')!.body!;
      if (a.errors?.length) throw new Error(`${where}: the bare gateway answered with errors: ${JSON.stringify(a.errors).slice(0, 500)}`);
      const problem = implausible(a.data);
      if (problem) throw new Error(`${where}: ${problem} — are the subgraphs serving the default data set (DATA_SEED=${DEFAULT_SEED}, DATA_SCALE=1)?`);
      const result: Verification = { workload: workload.name, request: request.label, bytes: {}, comparison: {}, errors: {} };
      for (const [key, answer] of answers) {
        result.bytes[key] = answer.text.length;
        if (key === 'A') continue;
        const body = answer.body!;
        const errors = (body.errors ?? []).map((e) => `${e.extensions?.code ?? '?'}: ${e.message}`);
        if (errors.length) {
          result.errors[key] = errors;
          problems.push(`${where}: gateway ${key} answered with ${errors.length} GraphQL error(s), e.g. ${errors[0]}`);
        }
        if (GATEWAY_POLICY[key]) {
          const shape = sameShape(a.data, body.data);
          result.comparison[key] = shape ?? 'same shape as A';
          if (shape) problems.push(`${where}: gateway ${key}'s data differs in shape from A's (${shape})`);
          const order = keyOrderDiffers(a.data, body.data);
          if (order) notes.push(`verification: ${where}: gateway ${key} returns keys in another order than the query at ${order}`);
        } else {
          const equal = JSON.stringify(a.data) === JSON.stringify(body.data);
          // E (Hive) does not always keep the query's key order (licencesByDivision { edges pageInfo } comes
          // back as pageInfo, edges; legalEntity { … legalRepresentative licences } with legalRepresentative
          // last), so its JSON differs from A's in key order only. The spec asks for the query's order with a
          // "should"; the values are what this check is about, so E is compared with keys sorted, and the
          // order it uses is noted. B, the project's own gateway, stays held to A's exact bytes.
          const sameValues = !equal && ORDER_INSENSITIVE.includes(key) && JSON.stringify(sortedKeys(a.data)) === JSON.stringify(sortedKeys(body.data));
          result.comparison[key] = equal ? 'equal to A' : sameValues ? 'equal to A (keys in another order)' : 'different data';
          if (!equal && !sameValues) problems.push(`${where}: gateway ${key} returned other data than A`);
          const reordered = sameValues && `verification: ${where}: gateway ${key} returns A's data with keys in another order than the query at ${keyOrderDiffers(a.data, body.data)}`;
          if (reordered && !notes.includes(reordered)) notes.push(reordered); // once for the 4 variants of a mixed query
        }
      }
      results.push(result);
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 8).join('\n  ');
    if (!allowErrors) {
      throw new Error(
        `verification failed — measuring now would compare answers that differ:\n  ${shown}${problems.length > 8 ? `\n  … and ${problems.length - 8} more` : ''}\n` +
          '(--allow-errors measures anyway and reports these)',
      );
    }
    for (const problem of problems) notes.push(`verification: ${problem}`);
  }
  return results;
}

// ───────────────────────── other people's CPU ─────────────────────────

let waitBudgetSeconds = 0;
let waitedSeconds = 0;

/**
 * Before a run: if something outside the benchmark is using the CPUs (a test suite, a build), wait for it
 * to finish — at most 15 s per run and --max-wait seconds in all, so the benchmark stays bounded in time.
 */
async function waitForQuiet(ourPids: readonly number[]): Promise<void> {
  const perRunLimit = 15;
  let waitedHere = 0;
  for (;;) {
    const foreign = await foreignCpuPercent(ourPids, 300);
    if (foreign === undefined || foreign < CONTENDED_PERCENT) return;
    if (waitedHere >= perRunLimit || waitedSeconds >= waitBudgetSeconds) {
      console.log(`[bench]   other processes use ${foreign.toFixed(0)}% CPU; measuring anyway (waiting budget spent)`);
      return;
    }
    if (waitedHere === 0) console.log(`[bench]   other processes use ${foreign.toFixed(0)}% CPU; waiting for them…`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    waitedHere += 1.3;
    waitedSeconds += 1.3;
  }
}

// ───────────────────────── one measured run ─────────────────────────

function measure(
  gateway: GatewayUnderTest,
  workload: Workload,
  round: number,
  options: Options,
  headers: Record<string, string>,
  subgraphPids: readonly number[],
  /** The gateways not under test: counted as ours when telling what else used the machine. */
  idlePids: readonly number[],
): Promise<RunMeasurement> {
  const url = new URL(gateway.service.url);
  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let responses = 0;
  let non200 = 0;
  let bytes = 0;
  let socketErrors = 0;
  let graphqlErrorResponses = 0;
  let errorSample: string | undefined;
  const requests: autocannon.Request[] = workload.requests.map((request) => ({
    method: 'POST',
    path: url.pathname,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
    onResponse: (status, body) => {
      if (phase !== 'measure' || status !== 200 || !body.includes('"errors"')) return;
      graphqlErrorResponses++;
      errorSample ??= `${request.label}: ${body.slice(body.indexOf('"errors"'), body.indexOf('"errors"') + 300)}`;
    },
  }));
  const sampler = new ResourceSampler([gateway.service.pid, ...subgraphPids, ...idlePids]);
  let started = 0;
  let finished = 0;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  let cpuAfter: NodeJS.CpuUsage | undefined;
  let samples: ReturnType<ResourceSampler['stop']> | undefined;
  let endTimer: NodeJS.Timeout | undefined;
  let warmupTimer: NodeJS.Timeout | undefined;

  const begin = () => {
    phase = 'measure';
    started = performance.now();
    cpuBefore = process.cpuUsage();
    sampler.start();
    endTimer = setTimeout(end, options.duration * 1000);
  };
  const end = () => {
    if (phase !== 'measure') return;
    clearTimeout(endTimer);
    phase = 'done';
    finished = performance.now();
    cpuAfter = process.cpuUsage(cpuBefore);
    samples = sampler.stop();
  };

  return new Promise<RunMeasurement>((resolve, reject) => {
    const instance = autocannon(
      {
        url: gateway.service.url,
        connections: options.connections,
        // Ends shortly after our own measured window; sampleInt 100 ms makes the stop take effect quickly.
        duration: options.warmup + options.duration + 0.1,
        sampleInt: 100,
        timeout: 30,
        requests,
      },
      (error) => {
        current = undefined;
        clearTimeout(warmupTimer);
        if (error) return reject(error);
        if (phase === 'measure') end(); // autocannon stopped a little early: the window is what was measured
        if (phase !== 'done' || !samples || !cpuAfter) return reject(new Error(`${workload.name} / ${gateway.key}: the run ended before its measured window began${interrupted ? ' (interrupted)' : ''}`));
        const seconds = (finished - started) / 1000;
        const gatewaySample = samples.get(gateway.service.pid);
        const subgraphCpu = subgraphPids.map((pid) => samples!.get(pid)?.cpuPercent);
        const loadGeneratorCpuPercent = ((cpuAfter.user + cpuAfter.system) / 1e6 / seconds) * 100;
        const everyPid = [...samples.values()].map((sample) => sample.cpuPercent);
        const ours = everyPid.some((c) => c === undefined) ? undefined : everyPid.reduce((a, b) => a! + b!, 0)! + loadGeneratorCpuPercent;
        resolve({
          workload: workload.name,
          gateway: gateway.key,
          round,
          seconds,
          responses,
          rps: responses / seconds,
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
          meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
          statusCodes,
          non200,
          socketErrors,
          graphqlErrorResponses,
          errorSample,
          gatewayCpuPercent: gatewaySample?.cpuPercent,
          gatewayRssMaxMiB: gatewaySample?.rssMaxMiB,
          subgraphsCpuPercent: subgraphCpu.some((c) => c === undefined) ? undefined : subgraphCpu.reduce((a, b) => a! + b!, 0),
          loadGeneratorCpuPercent,
          machineBusyPercent: sampler.machine?.busyPercent,
          stealPercent: sampler.machine?.stealPercent,
          otherCpuPercent: sampler.machine && ours !== undefined ? Math.max(0, sampler.machine.busyPercent - ours) : undefined,
          bytesPerResponse: responses ? bytes / responses : 0,
        });
      },
    );
    current = instance;
    instance.on('response', (_client: unknown, status: number, resBytes: number, responseTime: number) => {
      if (phase !== 'measure') return;
      responses++;
      latencies.push(responseTime);
      bytes += resBytes;
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status !== 200) non200++;
    });
    instance.on('reqError', () => {
      if (phase === 'measure') socketErrors++;
    });
    instance.once('start', () => {
      if (options.warmup > 0) warmupTimer = setTimeout(begin, options.warmup * 1000);
      else begin();
    });
  });
}

// ───────────────────────── main ─────────────────────────

async function main(): Promise<void> {
  const wallStart = performance.now();
  const options = readOptions(process.argv.slice(2));
  const workloads = allWorkloads().filter((w) => !options.only || options.only.includes(w.name));
  if (workloads.length === 0) throw new Error(`--only matches no workload (have: ${allWorkloads().map((w) => w.name).join(', ')})`);
  const notes: string[] = [];
  if (options.gateways.includes('E')) {
    // Before anything starts. Asked for by name, E must install; in the default set, a failed install
    // (no registry, say) drops it and the run goes on with the others.
    try {
      ensureHiveInstalled();
    } catch (error) {
      if (options.gatewaysGiven) throw error;
      options.gateways = options.gateways.filter((k) => k !== 'E');
      notes.push(`gateway E left out: installing bench/peers/hive failed (${error instanceof Error ? error.message.split('\n')[0] : error})`);
      console.log(`[bench] note: ${notes[notes.length - 1]}`);
    }
  }
  const keys = options.gateways;
  const runCount = workloads.length * options.rounds * keys.length;
  const estimate = runCount * (options.warmup + options.duration + 0.25);
  const machine = describeMachine();
  console.log(`[bench] ${workloads.length} workloads × ${options.rounds} round(s) × ${keys.length} gateways (${keys.join(' ')}) = ${runCount} runs of ${options.warmup} s warm-up + ${options.duration} s, ${options.connections} connections; measuring ≈ ${Math.round(estimate)} s (+ ~20 s setup)`);
  console.log(`[bench] machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemGiB} GiB, Node ${machine.node}`);
  if (machine.cpus < 4) {
    notes.push(`only ${machine.cpus} CPUs: the load generator, the gateway under test and the subgraphs share them, so the figures measure a saturated machine; compare gateways by their ratios and CPU ms per request rather than by absolute req/s`);
    console.log(`[bench] note: ${notes[notes.length - 1]}`);
  }

  // Keys, grant and token of an institution operator (gateway C).
  credentials = new Credentials();
  const keysDir = credentials.keys;
  const day = 24 * 3600 * 1000;
  grantsFile = writeGrantsFile([
    {
      id: 'grant-bench',
      grantee: { kind: 'institution', id: INSTITUTION },
      scenario: SCENARIO,
      // parseGrant (directives/grants.ts) accepts a plain coordinate covered by a Type.* wildcard.
      fields: ['Person.*', 'Licence.*', 'LegalEntity.*', 'Query.*'],
      plain: ['Person.name'],
      validFrom: new Date(Date.now() - day).toISOString(),
      validUntil: new Date(Date.now() + day).toISOString(),
    },
  ]);
  const token = await credentials.token({ org: INSTITUTION, expiresIn: '4h' });
  // The same bytes go to every gateway; A and B ignore them.
  const headers = { authorization: `Bearer ${token}`, 'x-scenario-id': SCENARIO };

  // Subgraphs, once, shared by the gateways: every one the supergraph routes to. They accept unsigned
  // calls (for A) although a secret is set (for B and C).
  const setupStart = performance.now();
  const served = supergraphSubgraphs();
  const subgraphEnv: NodeJS.ProcessEnv = {
    ...CLEARED,
    DATA_SCALE: '1',
    DATA_SEED: String(DEFAULT_SEED),
    GATEWAY_SUBGRAPH_SECRET: keysDir.gatewaySubgraphSecret,
    SUBGRAPH_ALLOW_UNSIGNED: '1',
    AUDIT_SUBJECT_KEY: benchSecret,
    // The platform subgraph loads the grants (the control plane's source of truth); the others ignore it.
    GRANTS_FILE: grantsFile,
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(served.map((info) => [subgraphEnvName('PORT', info.name), '0'])),
  };
  // The durable subgraph (the platform: audit log, control plane) on PGlite in a temporary directory,
  // or with --platform-db in a schema of its own on PostgreSQL, dropped at the end.
  const platformSchemaPrefix = `bench_${process.pid}_`;
  const durableStore = (): NodeJS.ProcessEnv =>
    options.platformDb ? { DATABASE_URL: options.platformDb, DB_SCHEMA_PREFIX: platformSchemaPrefix } : { PGLITE_DIR: temporaryDir('pd-bench-pglite-') };
  if (options.platformDb) cleanups.push(() => dropSchemas(platformSchemaPrefix, options.platformDb));
  console.log(`[bench] starting the subgraphs ${served.map((s) => s.name).join(', ')} (seeding PGlite${options.platformDb ? '; the platform on PostgreSQL' : ''})…`);
  const subgraphs = await Promise.all(
    served.map((info) =>
      // A subgraph that keeps its data on disk by default (the platform's audit log) gets a temporary directory;
      // the data domains stay in memory as with npm start.
      startService(info.name, info.entry, info.durable ? { ...subgraphEnv, ...durableStore() } : subgraphEnv),
    ),
  );
  const subgraphsMs = performance.now() - setupStart;
  const urls = Object.fromEntries(served.map((info, i) => [subgraphEnvName('URL', info.name), subgraphs[i].url]));

  // Rate limits stay on (their cost is part of the product) with budgets no benchmark load reaches.
  const common: NodeJS.ProcessEnv = { ...CLEARED, ...urls, PORT: '0', LOG_LEVEL: 'warn', AUDIT_SUBJECT_KEY: benchSecret, RATE_LIMIT_POINTS: '1000000000', VERIFY_LIMIT_PER_SUBJECT: '1000000000', VERIFY_LIMIT_PER_CALLER: '1000000000' };
  console.log(`[bench] starting gateways ${keys.join(', ')}…`);
  const profileDir = path.join(ROOT, 'bench', 'results', 'profiles');
  if (options.profile) fs.rmSync(profileDir, { recursive: true, force: true });
  const profiling = (key: GatewayKey) => (options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=gateway-${key}.cpuprofile`] : []);
  const policyEnv: NodeJS.ProcessEnv = {
    POLICY: 'on',
    JWT_PUBLIC_KEY_FILE: keysDir.publicKeyFile,
    API_KEY_SECRET: keysDir.apiKeySecret,
    GATEWAY_SUBGRAPH_SECRET: keysDir.gatewaySubgraphSecret,
    MASK_HASH_KEY: keysDir.maskHashKey,
    AUDIT_SUBJECT_KEY: benchSecret,
  };
  const launch: Record<GatewayKey, () => Promise<Service>> = {
    A: () => startService('A (bare)', 'bench/bare-gateway.ts', common, profiling('A')),
    B: () => startService('B (POLICY=off)', 'gateway/main.ts', { ...common, POLICY: 'off', GATEWAY_SUBGRAPH_SECRET: keysDir.gatewaySubgraphSecret }, [...gatewayNodeArgs(), ...profiling('B')]),
    C: () => startService('C (POLICY=on)', 'gateway/main.ts', { ...common, ...policyEnv }, [...gatewayNodeArgs(), ...profiling('C')]),
    D: () => startService('D (POLICY=on, AUDIT=off)', 'gateway/main.ts', { ...common, ...policyEnv, AUDIT: 'off' }, [...gatewayNodeArgs(), ...profiling('D')]),
    // Given what A is given (the subgraph URLs, PORT, LOG_LEVEL); the rate-limit and audit settings in common are ignored.
    E: () => startService('E (Hive gateway)', 'bench/hive-gateway.ts', common, profiling('E')),
  };
  const services = await Promise.all(keys.map((key) => launch[key]()));
  const gateways: GatewayUnderTest[] = keys.map((key, i) => ({ key, service: services[i] }));
  const a = services[0];
  const gatewaysMs = performance.now() - setupStart - subgraphsMs;
  for (const g of gateways) console.log(`[bench]   ${g.key} ${GATEWAY_LABELS[g.key].padEnd(36)} ${g.service.url}  pid ${g.service.pid}`);

  // Before measuring: does the unsigned bare gateway get through? Does every request answer?
  const probe = await post(a.url, {}, { label: 'probe', query: '{ persons(idNumbers: []) { idNumber } }' });
  if (probe.status !== 200 || probe.body?.errors?.length) {
    throw new Error(`the bare gateway (unsigned subgraph calls) is refused: ${probe.text.slice(0, 400)}\nThe subgraphs must serve unsigned requests when SUBGRAPH_ALLOW_UNSIGNED=1, even with GATEWAY_SUBGRAPH_SECRET set.`);
  }
  console.log('[bench] verifying every request on every gateway…');
  const verification = await verify(workloads, gateways, headers, notes, options.allowErrors);
  const remarks = notes.filter((n) => n.startsWith('verification:'));
  const exact = keys.filter((k) => k !== 'A' && !GATEWAY_POLICY[k]);
  const masked = keys.filter((k) => GATEWAY_POLICY[k]);
  const agreed = [exact.length ? `${exact.join('/')} return${exact.length === 1 ? 's' : ''} exactly A's data` : '', masked.length ? `${masked.join('/')} the same shape (masked)` : ''].filter(Boolean).join(', ');
  console.log(remarks.length ? remarks.map((n) => `[bench]   ${n}`).join('\n') : `[bench]   all 200, no GraphQL errors${agreed ? `; ${agreed}` : ''}`);
  console.log(`[bench] setup: subgraphs ${(subgraphsMs / 1000).toFixed(1)} s, gateways ${(gatewaysMs / 1000).toFixed(1)} s`);

  waitBudgetSeconds = options.maxWait;
  const runs: RunMeasurement[] = [];
  const subgraphPids = subgraphs.map((s) => s.pid);
  for (const workload of workloads) {
    for (let round = 1; round <= options.rounds; round++) {
      for (const gateway of gateways) {
        checkRunning();
        const idle = gateways.filter((g) => g !== gateway).map((g) => g.service.pid);
        // Only look when the previous run saw someone else on the CPUs (the look costs a fraction of a second).
        const previous = runs[runs.length - 1];
        if (!previous || (previous.otherCpuPercent ?? 0) > CONTENDED_PERCENT) await waitForQuiet([...gateways.map((g) => g.service.pid), ...subgraphPids]);
        checkRunning();
        const run = await measure(gateway, workload, round, options, headers, subgraphPids, idle);
        checkRunning();
        runs.push(run);
        const errors = run.non200 + run.socketErrors + run.graphqlErrorResponses;
        console.log(
          `[${workload.name} ${round}/${options.rounds}] ${gateway.key}  ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms.toFixed(2).padStart(7)} ms  p99 ${run.p99Ms.toFixed(2).padStart(7)} ms  ` +
            `gw CPU ${(run.gatewayCpuPercent ?? NaN).toFixed(0).padStart(3)}%  RSS ${(run.gatewayRssMaxMiB ?? NaN).toFixed(0)} MiB  subgraphs CPU ${(run.subgraphsCpuPercent ?? NaN).toFixed(0)}%  ` +
            `loadgen ${run.loadGeneratorCpuPercent.toFixed(0)}%  machine ${(run.machineBusyPercent ?? NaN).toFixed(0)}% (other ${(run.otherCpuPercent ?? NaN).toFixed(0)}%${run.stealPercent ? `, steal ${run.stealPercent.toFixed(0)}%` : ''})${errors ? `  ERRORS ${errors}` : ''}${(run.otherCpuPercent ?? 0) > CONTENDED_PERCENT ? '  CONTENDED' : ''}`,
        );
      }
    }
  }

  const summaries = summarise(runs);
  for (const s of summaries) {
    if (s.non200 || s.socketErrors) notes.push(`${s.workload} / ${s.gateway}: ${s.non200} non-200 responses and ${s.socketErrors} socket errors or timeouts`);
    if (s.graphqlErrorResponses) notes.push(`${s.workload} / ${s.gateway}: ${s.graphqlErrorResponses} responses with GraphQL errors, e.g. ${s.errorSample}`);
  }
  if (!summaries.some((s) => s.non200 || s.socketErrors || s.graphqlErrorResponses)) notes.push('every measured response was HTTP 200 without GraphQL errors, on every gateway');
  const contended = runs.filter((r) => (r.otherCpuPercent ?? 0) > CONTENDED_PERCENT);
  if (contended.length) {
    notes.push(
      `${contended.length} of ${runs.length} runs were contended: processes outside the benchmark used more than ${CONTENDED_PERCENT}% of a core during them ` +
        `(${contended.map((r) => `${r.workload}/${r.gateway}#${r.round} ${r.otherCpuPercent!.toFixed(0)}%`).join(', ')}); their figures are marked * and are not trustworthy — rerun on a quiet machine`,
    );
  } else {
    notes.push(`no run was contended: processes outside the benchmark stayed under ${CONTENDED_PERCENT}% of a core`);
  }
  if (waitedSeconds > 0) notes.push(`waited ${waitedSeconds.toFixed(0)} s in all for other processes to leave the CPUs`);
  notes.push('A uses Apollo Server\'s standalone HTTP server (cors + body-parser); the project\'s gateways use its node:http front (lib/http/http-server.ts): the HTTP layer differs along with the gateway');
  if (keys.includes('E')) {
    const deduplicating = process.env.HIVE_DEDUPLICATE_INFLIGHT !== 'off';
    notes.push(
      'E is the Hive gateway runtime (graphql-yoga on @whatwg-node/server, on node:http) with its defaults, which include two savings A does not make: ' +
        'an entity batch carries each distinct representation once (A repeats it as often as the entity occurs: far fewer representations in "deep"), and ' +
        (deduplicating
          ? 'identical subgraph requests in flight at the same time share one call, across concurrent client requests too — which this benchmark, whose connections send the same few requests, rewards well beyond ordinary traffic (HIVE_DEDUPLICATE_INFLIGHT=off turns it off; see bench/README.md)'
          : 'identical subgraph requests in flight at the same time share one call — turned OFF for this run (HIVE_DEDUPLICATE_INFLIGHT=off)'),
    );
  }
  notes.push('the project\'s gateways (B, C, D) let identical subgraph reads of the same caller in flight at once share one call (SUBGRAPH_DEDUPE); all connections here are one caller, so like E they gain from it more than mixed traffic of many callers would');
  notes.push('the project\'s gateways sign every subgraph call (HMAC-SM3); the subgraphs run with SUBGRAPH_ALLOW_UNSIGNED=1 so that A is served, which also means they skip checking signatures: the subgraph-side verification cost is not in these figures for any gateway');
  if (keys.includes('C')) {
    const audit = await auditFigures(gateways.find((g) => g.key === 'C')!.service.url);
    if (audit) notes.push(`C's audit over the whole run: ${audit.commits} commits of ${audit.entries} records (${(audit.entries / audit.commits).toFixed(1)} per batch), ${audit.meanMs.toFixed(2)} ms mean from sending a batch to its commit`);
    notes.push(`C audits every request (its default with POLICY=on): each response waits for its record to be committed by the platform subgraph (${options.platformDb ? 'on PostgreSQL, --platform-db' : 'PGlite on disk, in a temporary directory'}); that work shows in "subgraphs CPU%"${keys.includes('D') ? '; D is C without the audit' : ' (--gateways A,B,C,D adds D = C with AUDIT=off)'}`);
  }
  notes.push('the load generator (autocannon) runs in the benchmark process on the same machine; its CPU is reported in latest.json (loadGeneratorCpuPercent)');

  let profiles: { gateway: GatewayKey; summary: ProfileSummary }[] = [];
  if (options.profile) {
    await stopAll(); // a profile is written when its process exits
    profiles = keys.flatMap((key) => {
      const file = path.join(profileDir, `gateway-${key}.cpuprofile`);
      if (!fs.existsSync(file)) {
        notes.push(`no CPU profile was written for gateway ${key}`);
        return [];
      }
      return [{ gateway: key, summary: summariseProfile(file, ROOT) }];
    });
    notes.push('profiles cover each gateway\'s whole life (start-up, verification, warm-ups and measured windows of every workload); files in bench/results/profiles/ open in Chrome DevTools');
  }

  const wallSeconds = (performance.now() - wallStart) / 1000;
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const table = consoleTable(summaries);
  console.log(`\n${table}\n`);
  for (const note of notes) console.log(`- ${note}`);
  for (const { gateway, summary } of profiles) console.log(`\n${formatProfile(`gateway ${gateway} (${GATEWAY_LABELS[gateway]})`, summary)}`);
  const files = writeReport(path.join(ROOT, 'bench', 'results'), {
    command,
    startedAt: new Date(Date.now() - wallSeconds * 1000).toISOString(),
    wallSeconds,
    machine,
    options: { ...options, only: options.only?.join(',') ?? 'all', gateways: keys.join(','), dataScale: 1 },
    gateways: keys,
    setup: { subgraphsStartSeconds: subgraphsMs / 1000, gatewaysStartSeconds: gatewaysMs / 1000, gateways: Object.fromEntries(gateways.map((g) => [g.key, GATEWAY_LABELS[g.key]])) },
    workloads: workloads.map((w) => ({ name: w.name, description: w.description, requests: w.requests.length })),
    verification,
    notes,
    summaries,
    runs,
    profiles: profiles.map(({ gateway, summary }) => ({ gateway, ...summary, file: path.relative(ROOT, summary.file) })),
  });
  console.log(`\n[bench] wall time ${wallSeconds.toFixed(0)} s; wrote ${path.relative(ROOT, files.json)} and ${path.relative(ROOT, files.md)}`);
}

main()
  .then(() => shutdown())
  .then(() => process.exit(0))
  .catch(async (error) => {
    if (!interrupted) console.error(`[bench] ${error instanceof Error ? error.message : error}`);
    await shutdown();
    process.exit(interrupted ? 130 : 1);
  });
