// npm run bench [-- --rounds 3 --duration 5 --warmup 1 --connections 16 --quick --only mixed,deep --callers many|one]
//
// Compares, on loopback, on the same supergraph and the same running subgraphs:
//   A. a bare @apollo/gateway (bench/bare-gateway.ts),
//   B. this gateway with POLICY=off (gateway/main.ts),
//   C. this gateway with POLICY=on (with its default audit: every request recorded);
//   D. (--gateways A,B,C,D) the same with AUDIT=off, to tell the policy's cost from the audit's;
//   E. the Hive gateway runtime (bench/hive-gateway.ts), a peer with no policy, installed in its own folder
//      bench/peers/hive (npm ci --prefix bench/peers/hive, run here when it is missing); E0 the same
//      without its in-flight sharing of subgraph requests.
// All of them with the same Node flags (gateway/node-args.ts, heap cap included) and the same subgraph
// HTTP client (Node's fetch). Default: A B C E E0 (--gateways picks others).
// Callers (bench/callers.ts): by default every connection is its own caller — operators of several
// institutions (JWTs), developers (API keys), anonymous — each with its own scenario, grant and rotation
// of requests from its own offset in the data; --callers one keeps the old single operator.
// Before measuring, every distinct request of every connection goes through every gateway and is
// checked (bench/expectations.ts); during the measured windows every --check-every-th answer is
// compared with the verified one. For each workload the gateways are measured interleaved
// (A B C E E0, A B C E E0, …) for N rounds; each run is one autocannon instance: a warm-up, then a
// fixed measured window on the same connections. Medians over rounds of throughput, p50/p99 latency,
// gateway CPU and RSS are printed and written to bench/results/latest.{json,md}. Every child process
// is stopped on exit, error or Ctrl-C.
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Credentials, writeGrantsFile } from '../test/support/credentials';
import { assignCallers, benchGrants, describeCallers, type BenchCaller, type CallersMode } from './callers';
import { PolicyModel, referenceQuery, signature, sortedKeys, withoutRuntimeTypes, type GraphQLBody } from './expectations';
import { dropSchemas } from '../test/support/services';
import { dataSchemaPrefix, dataSetPresent } from './data-set';
import { gatewayNodeArgs } from '../gateway/node-args';
import { DEFAULT_SEED } from '../subgraphs/seed/generator';
import { SUBGRAPHS, subgraphEnvName, type SubgraphInfo } from '../subgraphs/registry';
import { ResourceSampler, ROOT, foreignCpuPercent, runLifecycle, startService, stopAll, type Service } from './processes';
import {
  CONTENDED_PERCENT, GATEWAY_KEYS, GATEWAY_LABELS, GATEWAY_POLICY, consoleTable, describeMachine, summarise, writeReport,
  type GatewayKey, type RunMeasurement,
} from './report';
import { percentile } from './stats';
import { formatProfile, mainThreadProfile, summariseProfile, type ProfileSummary } from './profile';
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
  /** PostgreSQL URL for the data subgraphs (population, legal-entity, licence); unset: PGlite in memory. */
  dataDb?: string;
  /** DATA_SCALE of the data set (1 = 20,000 persons; 50 = 1M). */
  scale: number;
  scaleGiven: boolean;
  /** many: every connection its own caller (the default); one: all connections one institution operator. */
  callers: CallersMode;
  /** Every N-th answer in a measured window is parsed and compared with the verified answer. */
  checkEvery: number;
  /** C's AUDIT_DURABILITY: journal (the default: the record on the replica's disk) or store (in the chain). */
  auditDurability: 'journal' | 'store';
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
      'data-db': { type: 'string' },
      scale: { type: 'string' },
      callers: { type: 'string' },
      'check-every': { type: 'string' },
      'audit-durability': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`npm run bench -- [--rounds N=3] [--duration S=5] [--warmup S=1] [--connections C=16] [--quick (2 s × 1 round)] [--only w1,w2] [--max-wait S=30] [--profile (gateways under --cpu-prof)] [--gateways A,B,C,D,E] [--allow-errors] [--platform-db postgres://… (audit store on PostgreSQL instead of PGlite)] [--data-db postgres://… (data subgraphs on PostgreSQL instead of PGlite)] [--scale X=1 (DATA_SCALE of the data set: 50 = 1M persons; with --data-db it is seeded once into schemas bench_data_s<X>_ and reused)] [--callers many|one (default many: every connection its own caller)] [--check-every N=10 (sampled answer checks while measuring)] [--audit-durability journal|store (C's AUDIT_DURABILITY, default journal)]
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
    dataDb: values['data-db'] || undefined,
    scale: readScale(values.scale, values['data-db']),
    scaleGiven: values.scale !== undefined,
    callers: readCallers(values.callers),
    checkEvery: positive('check-every', values['check-every'], 10, true),
    auditDurability: readAuditDurability(values['audit-durability']),
  };
}

/** --scale: a data set of 1M persons is seeded into PostgreSQL once, not into PGlite at every start. */
function readScale(raw: string | undefined, dataDb: string | undefined): number {
  if (raw === undefined) return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 500) throw new Error(`--scale must be a number in (0, 500], got "${raw}"`);
  if (scale > 2 && !dataDb) throw new Error('--scale above 2 needs --data-db postgres://… (the data set is seeded there once and reused; PGlite in memory would seed it at every start)');
  return scale;
}

/**
 * Whether an answer equals the verified one but for characters autocannon split between network chunks
 * (it appends each chunk to a string, decoding it alone): each run of U+FFFD stands for one character.
 */
function sameBarSplitCharacters(got: string, want: string): boolean {
  if (!got.includes('\uFFFD')) return false;
  let i = 0;
  let j = 0;
  while (i < got.length && j < want.length) {
    if (got[i] === '\uFFFD') {
      while (got[i] === '\uFFFD') i++;
      j++;
    } else if (got[i++] !== want[j++]) return false;
  }
  return i === got.length && j === want.length;
}

function readAuditDurability(raw: string | undefined): Options['auditDurability'] {
  if (raw === undefined || raw === 'journal' || raw === 'store') return raw ?? 'journal';
  throw new Error(`--audit-durability must be journal or store, got "${raw}"`);
}

function readCallers(raw: string | undefined): CallersMode {
  if (raw === undefined || raw === 'many') return 'many';
  if (raw === 'one') return 'one';
  throw new Error(`--callers must be "many" or "one", got "${raw}"`);
}

/** A, B, C and the Hive peer with (E) and without (E0) its in-flight sharing; E needs, once, an npm ci of its folder. */
const DEFAULT_GATEWAYS: readonly GatewayKey[] = ['A', 'B', 'C', 'E', 'E0'];

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
const run = runLifecycle('bench', () => current?.stop());
const { temporaryDir, cleanups, shutdown, checkRunning } = run;
run.cleanups.push(async () => {
  credentials?.cleanup();
  if (grantsFile) fs.rmSync(path.dirname(grantsFile), { recursive: true, force: true });
});

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
    'MASK_ID_NUMBER_KEEP', 'MASK_PHONE_KEEP', 'MASK_CREDIT_CODE_KEEP', 'JWT_PUBLIC_KEY_FILE', 'API_KEY_SECRET', 'MASK_HASH_KEY', 'GRANTS_FILE', 'INSTITUTIONS_FILE',
    'AUDIT', 'AUDIT_SUBJECT_KEY', 'AUDIT_DURABILITY', 'AUDIT_JOURNAL_DIR', 'GATEWAY_INSTANCE', 'CALENDAR_FILES',
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

/** A throw-away key for settings the benchmark does not exercise but a process insists on (AUDIT_SUBJECT_KEY). */
const benchSecret = crypto.randomBytes(32).toString('base64url');


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
const ORDER_INSENSITIVE: readonly GatewayKey[] = ['E', 'E0'];

/** One autocannon connection of a workload: its caller, the headers that say who it is, its rotation. */
interface ConnectionPlan {
  caller: BenchCaller;
  headers: Record<string, string>;
  requests: BenchRequest[];
}

/** What a gateway must answer to one request of one connection (see expectations.ts: signature). */
type Expected = Map<GatewayKey, Map<string, string>>;

function bodyOf(request: BenchRequest): string {
  return JSON.stringify({ query: request.query, variables: request.variables });
}

/** The key of an expected answer: a policy gateway's answer depends on the persona (its grants), the others' on the request only. */
function expectationKey(key: GatewayKey, caller: BenchCaller, request: BenchRequest): string {
  return GATEWAY_POLICY[key] ? `${caller.persona.name}\u0000${bodyOf(request)}` : bodyOf(request);
}

interface Verification {
  workload: string;
  /** Distinct requests (A's reference) and distinct (persona, request) pairs a policy gateway was checked on. */
  requests: number;
  personaRequests: number;
  /** Requests with a denied field, and the coordinates the policy gateways denied. */
  deniedRequests: number;
  denied: string[];
  bytes: Partial<Record<GatewayKey, number>>;
  problems: number;
}

/** Runs `tasks` with at most `limit` in flight (the verification is many small sequential-ish requests). */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

/**
 * Before measuring: every distinct request of every connection through every gateway. A's reference
 * (with runtime types) must find the data (real ids); A's own answer must be it, B's exactly A's,
 * E's / E0's A's values in any key order, and a policy gateway's (C, D) what the policy model says for
 * the connection's persona — denied fields null with their error, masked values masked, the rest
 * plain. The answers that pass become what the sampled answers during measurement must match.
 * Otherwise the benchmark stops (--allow-errors: measures anyway, listing the problems).
 */
async function verify(
  workload: Workload,
  plans: readonly ConnectionPlan[],
  gateways: readonly GatewayUnderTest[],
  model: PolicyModel,
  expected: Expected,
  notes: string[],
  allowErrors: boolean,
): Promise<Verification> {
  const a = gateways.find((g) => g.key === 'A')!;
  const problems: string[] = [];
  const references = new Map<string, unknown>();
  const distinct = new Map<string, BenchRequest>();
  for (const plan of plans) for (const request of plan.requests) distinct.set(bodyOf(request), request);
  const result: Verification = { workload: workload.name, requests: distinct.size, personaRequests: 0, deniedRequests: 0, denied: [], bytes: {}, problems: 0 };
  const bytes = new Map<GatewayKey, number[]>();
  const denied = new Set<string>();
  await pool([...distinct.entries()], 4, async ([body, request]) => {
    const where = `${workload.name} / ${request.label}`;
    const reference = await post(a.service.url, {}, { ...request, query: referenceQuery(request.query) });
    if (reference.status !== 200 || !reference.body || reference.body.errors?.length) throw new Error(`${where}: the bare gateway's reference answer: HTTP ${reference.status} ${reference.text.slice(0, 500)}`);
    const problem = implausible(withoutRuntimeTypes(reference.body.data));
    if (problem) throw new Error(`${where}: ${problem} — are the subgraphs serving the data set of DATA_SEED=${DEFAULT_SEED} and this --scale?`);
    references.set(body, reference.body.data);
  });
  // Each (gateway, expectation key) once: the first connection that sends it, with its headers.
  const tasks: { gateway: GatewayUnderTest; plan: ConnectionPlan; request: BenchRequest; key: string }[] = [];
  for (const gateway of gateways) {
    const mine = expected.get(gateway.key) ?? new Map<string, string>();
    expected.set(gateway.key, mine);
    const queued = new Set<string>();
    for (const plan of plans) {
      for (const request of plan.requests) {
        const key = expectationKey(gateway.key, plan.caller, request);
        if (queued.has(key) || mine.has(key)) continue;
        queued.add(key);
        tasks.push({ gateway, plan, request, key });
      }
    }
  }
  await pool(tasks, 4, async ({ gateway, plan, request, key }) => {
    const where = `${workload.name} / ${request.label} / ${gateway.key} as ${plan.caller.id}`;
    const answer = await post(gateway.service.url, plan.headers, request);
    if (answer.status !== 200 || !answer.body) throw new Error(`${where}: HTTP ${answer.status}: ${answer.text.slice(0, 500)}`);
    bytes.set(gateway.key, [...(bytes.get(gateway.key) ?? []), answer.text.length]);
    const reference = references.get(bodyOf(request));
    const plain = withoutRuntimeTypes(reference);
    const body = answer.body;
    let found: string[] = [];
    if (GATEWAY_POLICY[gateway.key]) {
      const check = model.check(plan.caller.persona, request.query, reference, body);
      found = check.problems;
      for (const coordinate of check.denied) denied.add(coordinate);
      if (gateway.key === 'C') {
        result.personaRequests++;
        if (request.denied) result.deniedRequests++;
      }
      if (request.denied && !check.denied.includes(request.denied)) found.push(`asked for ${request.denied}, which the persona may not see, but the model does not deny it (bench/callers.ts is wrong)`);
    } else {
      if (body.errors?.length) found.push(`GraphQL errors: ${body.errors.map((e) => `${e.extensions?.code ?? '?'}: ${e.message}`).join('; ').slice(0, 300)}`);
      const equal = JSON.stringify(plain) === JSON.stringify(body.data);
      // E (Hive) does not always keep the query's key order (licencesByDivision { edges pageInfo } comes
      // back as pageInfo, edges), so it is compared with keys sorted, and the order it uses is noted.
      // A and B stay held to the reference's exact bytes.
      const sameValues = !equal && ORDER_INSENSITIVE.includes(gateway.key) && JSON.stringify(sortedKeys(plain)) === JSON.stringify(sortedKeys(body.data));
      if (!equal && !sameValues) found.push(gateway.key === 'A' ? 'A\'s answer differs from its reference answer (the same query with __typename added)' : 'other data than A');
      const reordered = sameValues && `verification: ${workload.name} / ${request.label}: gateway ${gateway.key} returns A's data with keys in another order than the query at ${keyOrderDiffers(plain, body.data)}`;
      if (reordered && !notes.includes(reordered)) notes.push(reordered);
    }
    if (found.length) problems.push(`${where}: ${found.slice(0, 3).join('; ')}${found.length > 3 ? ` (+${found.length - 3})` : ''}`);
    expected.get(gateway.key)!.set(key, signature(body, ORDER_INSENSITIVE.includes(gateway.key)));
  });
  result.denied = [...denied].sort();
  result.bytes = Object.fromEntries([...bytes.entries()].map(([k, v]) => [k, Math.round(v.reduce((x, y) => x + y, 0) / v.length)]));
  result.problems = problems.length;
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
  return result;
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
  plans: readonly ConnectionPlan[],
  /** This gateway's verified answers (expectationKey → signature). */
  expected: ReadonlyMap<string, string>,
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
  let expectedErrorResponses = 0;
  let errorSample: string | undefined;
  let answered = 0;
  let checkedResponses = 0;
  let mismatches = 0;
  let mismatchSample: string | undefined;
  /** Answers equal to the verified one but for characters autocannon split between network chunks. */
  let splitDecoded = 0;
  const policy = GATEWAY_POLICY[gateway.key];
  const orderInsensitive = ORDER_INSENSITIVE.includes(gateway.key);
  // One rotation per connection (its caller's headers and requests), handed out as autocannon creates
  // its clients. Every --check-every-th answer in the measured window is parsed and compared with what
  // this gateway answered to the same request before measuring (same data, same denied coordinates).
  const rotations: autocannon.Request[][] = plans.map((plan) =>
    plan.requests.map((request) => {
      const key = expectationKey(gateway.key, plan.caller, request);
      const errorsExpected = policy && request.denied !== undefined;
      return {
        method: 'POST',
        path: url.pathname,
        headers: { 'content-type': 'application/json', ...plan.headers },
        body: bodyOf(request),
        onResponse: (status: number, body: string) => {
          if (phase !== 'measure' || status !== 200) return;
          if (body.includes('"errors"')) {
            if (errorsExpected) expectedErrorResponses++;
            else {
              graphqlErrorResponses++;
              errorSample ??= `${plan.caller.id} ${request.label}: ${body.slice(body.indexOf('"errors"'), body.indexOf('"errors"') + 300)}`;
            }
          }
          if (++answered % options.checkEvery !== 0) return;
          checkedResponses++;
          let got: string;
          try {
            got = signature(JSON.parse(body) as GraphQLBody, orderInsensitive);
          } catch {
            got = 'unparsable';
          }
          const want = expected.get(key) ?? '';
          if (got !== want && sameBarSplitCharacters(got, want)) splitDecoded++;
          else if (got !== want) {
            mismatches++;
            // Where the two first part, with a little on either side: enough to tell what differs.
            let at = 0;
            while (at < got.length && got[at] === want[at]) at++;
            const around = (text: string) => text.slice(Math.max(0, at - 120), at + 120);
            mismatchSample ??= `${plan.caller.id} ${request.label}: at character ${at} got …${around(got)}… verified …${around(want)}…`;
          }
        },
      };
    }),
  );
  let nextClient = 0;
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
        requests: rotations[0],
        setupClient: (client) => client.setRequests(rotations[nextClient++ % rotations.length]),
      },
      (error) => {
        current = undefined;
        clearTimeout(warmupTimer);
        if (error) return reject(error);
        if (phase === 'measure') end(); // autocannon stopped a little early: the window is what was measured
        if (phase !== 'done' || !samples || !cpuAfter) return reject(new Error(`${workload.name} / ${gateway.key}: the run ended before its measured window began${run.interrupted() ? ' (interrupted)' : ''}`));
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
          expectedErrorResponses,
          checkedResponses,
          mismatches,
          splitDecoded,
          mismatchSample,
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
  const workloads = allWorkloads(options.scale).filter((w) => !options.only || options.only.includes(w.name));
  if (workloads.length === 0) throw new Error(`--only matches no workload (have: ${allWorkloads().map((w) => w.name).join(', ')})`);
  const notes: string[] = [];
  if (options.gateways.some((k) => k === 'E' || k === 'E0')) {
    // Before anything starts. Asked for by name, E must install; in the default set, a failed install
    // (no registry, say) drops it and the run goes on with the others.
    try {
      ensureHiveInstalled();
    } catch (error) {
      if (options.gatewaysGiven) throw error;
      options.gateways = options.gateways.filter((k) => k !== 'E' && k !== 'E0');
      notes.push(`gateways E and E0 left out: installing bench/peers/hive failed (${error instanceof Error ? error.message.split('\n')[0] : error})`);
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

  // Keys, and the grants of every persona (bench/callers.ts) for the platform to load.
  credentials = new Credentials();
  const keysDir = credentials.keys;
  grantsFile = writeGrantsFile(benchGrants(options.callers, options.connections));
  // Who each connection is, per workload; the same bytes go to every gateway (A, B, E, E0 ignore them).
  const tokens = new Map<string, Promise<string>>();
  const headersOf = async (caller: BenchCaller): Promise<Record<string, string>> => {
    const persona = caller.persona;
    if (persona.kind === 'anonymous') return {};
    if (persona.kind === 'developer') return { 'x-api-key': credentials!.apiKey(caller.grantee!), 'x-scenario-id': persona.scenario! };
    if (!tokens.has(caller.id)) tokens.set(caller.id, credentials!.token({ org: caller.grantee!, sub: caller.operator, expiresIn: '4h' }));
    return { authorization: `Bearer ${await tokens.get(caller.id)!}`, 'x-scenario-id': persona.scenario! };
  };
  const plans = new Map<string, ConnectionPlan[]>();
  for (const workload of workloads) {
    const callers = assignCallers(options.callers, options.connections, workload.kinds);
    plans.set(workload.name, await Promise.all(callers.map(async (caller) => ({
      caller,
      headers: await headersOf(caller),
      requests: options.callers === 'one' ? workload.requests : workload.requestsFor(caller),
    }))));
  }
  const callersLabel = options.callers === 'one'
    ? 'ONE CALLER (--callers one): every connection is the same institution operator, with a grant of every field, sending the same rotation — identical requests in flight at once, which in-flight sharing rewards far beyond real traffic'
    : `many callers (the default): every connection its own caller — ${workloads.map((w) => `${w.name}: ${describeCallers(plans.get(w.name)!.map((p) => p.caller))}`).join('; ')}`;
  console.log(`[bench] callers: ${callersLabel}`);
  const model = PolicyModel.forProject(ROOT);

  // Subgraphs, once, shared by the gateways: every one the supergraph routes to. They accept unsigned
  // calls (for A) although a secret is set (for B and C).
  const setupStart = performance.now();
  const served = supergraphSubgraphs();
  const subgraphEnv: NodeJS.ProcessEnv = {
    ...CLEARED,
    DATA_SCALE: String(options.scale),
    DATA_SEED: String(DEFAULT_SEED),
    GATEWAY_SUBGRAPH_SECRET: keysDir.gatewaySubgraphSecret,
    SUBGRAPH_ALLOW_UNSIGNED: '1',
    AUDIT_SUBJECT_KEY: benchSecret,
    // The platform subgraph loads the grants (the control plane's source of truth); the others ignore it.
    GRANTS_FILE: grantsFile,
    // Tokens count only for registered institutions: the bench's institutions are in the development registry.
    INSTITUTIONS_FILE: 'gateway/fixtures/institutions.dev.json',
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(served.map((info) => [subgraphEnvName('PORT', info.name), '0'])),
  };
  // The durable subgraph (the platform: audit log, control plane) on PGlite in a temporary directory,
  // or with --platform-db in a schema of its own on PostgreSQL; the data subgraphs in memory (PGlite,
  // seeded at start), or with --data-db in schemas of their own on PostgreSQL (seeded at start too).
  // Schemas made here are dropped at the end.
  const schemaPrefix = `bench_${process.pid}_`;
  const durableStore = (): NodeJS.ProcessEnv =>
    options.platformDb ? { DATABASE_URL: options.platformDb, DB_SCHEMA_PREFIX: schemaPrefix } : { PGLITE_DIR: temporaryDir('pd-bench-pglite-') };
  // The data set on PostgreSQL is kept between runs under a prefix of its scale: a 1M-person set is
  // seeded once (minutes), then reused (the seeder's fingerprint says it is already there).
  const dataStore = (): NodeJS.ProcessEnv => (options.dataDb ? { DATABASE_URL: options.dataDb, DB_SCHEMA_PREFIX: dataSchemaPrefix(options.scale) } : {});
  const dataReused = options.dataDb ? await dataSetPresent(options.dataDb, dataSchemaPrefix(options.scale)) : false;
  if (options.platformDb) cleanups.push(() => dropSchemas(schemaPrefix, options.platformDb!));
  const dataStoreLabel = options.dataDb ? 'data subgraphs on PostgreSQL (--data-db)' : 'data subgraphs on PGlite in memory';
  const platformStoreLabel = options.platformDb ? 'the platform on PostgreSQL (--platform-db)' : 'the platform on PGlite on disk';
  console.log(`[bench] starting the subgraphs ${served.map((s) => s.name).join(', ')} (seeding; ${dataStoreLabel}, ${platformStoreLabel})…`);
  const subgraphs = await Promise.all(
    served.map((info) => startService(info.name, info.entry, { ...subgraphEnv, ...(info.durable ? durableStore() : dataStore()) })),
  );
  const subgraphsMs = performance.now() - setupStart;
  const urls = Object.fromEntries(served.map((info, i) => [subgraphEnvName('URL', info.name), subgraphs[i].url]));

  // Rate limits stay on (their cost is part of the product) with budgets no benchmark load reaches.
  const common: NodeJS.ProcessEnv = { ...CLEARED, ...urls, PORT: '0', LOG_LEVEL: 'warn', AUDIT_SUBJECT_KEY: benchSecret, RATE_LIMIT_POINTS: '1000000000', VERIFY_LIMIT_PER_SUBJECT: '1000000000', VERIFY_LIMIT_PER_CALLER: '1000000000', VERIFY_LIMIT_PER_CALLER_SUBJECT: '1000000000' };
  console.log(`[bench] starting gateways ${keys.join(', ')}…`);
  const profileDir = path.join(ROOT, 'bench', 'results', 'profiles');
  if (options.profile) fs.rmSync(profileDir, { recursive: true, force: true });
  // One directory per gateway and Node's own file names: every thread of a process (tsx's loader-hooks
  // worker, for one) writes a profile, and a fixed name let the last one to exit overwrite the main thread's.
  const profiling = (key: GatewayKey) => (options.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, `gateway-${key}`)}`] : []);
  const policyEnv: NodeJS.ProcessEnv = {
    POLICY: 'on',
    JWT_PUBLIC_KEY_FILE: keysDir.publicKeyFile,
    API_KEY_SECRET: keysDir.apiKeySecret,
    GATEWAY_SUBGRAPH_SECRET: keysDir.gatewaySubgraphSecret,
    MASK_HASH_KEY: keysDir.maskHashKey,
    AUDIT_SUBJECT_KEY: benchSecret,
  };
  // Every gateway gets the same Node flags (the project's gateway's, heap cap included), so that none
  // is measured with more memory to spend than another.
  const nodeArgs = gatewayNodeArgs();
  const launch: Record<GatewayKey, () => Promise<Service>> = {
    A: () => startService('A (bare)', 'bench/bare-gateway.ts', common, [...nodeArgs, ...profiling('A')]),
    B: () => startService('B (POLICY=off)', 'gateway/main.ts', { ...common, POLICY: 'off', GATEWAY_SUBGRAPH_SECRET: keysDir.gatewaySubgraphSecret }, [...gatewayNodeArgs(), ...profiling('B')]),
    C: () => startService('C (POLICY=on)', 'gateway/main.ts', { ...common, ...policyEnv, AUDIT_DURABILITY: options.auditDurability }, [...gatewayNodeArgs(), ...profiling('C')]),
    D: () => startService('D (POLICY=on, AUDIT=off)', 'gateway/main.ts', { ...common, ...policyEnv, AUDIT: 'off' }, [...gatewayNodeArgs(), ...profiling('D')]),
    // Given what A is given (the subgraph URLs, PORT, LOG_LEVEL); the rate-limit and audit settings in common are ignored.
    E: () => startService('E (Hive gateway)', 'bench/hive-gateway.ts', { ...common, HIVE_DEDUPLICATE_INFLIGHT: 'on' }, [...nodeArgs, ...profiling('E')]),
    E0: () => startService('E0 (Hive gateway, no in-flight sharing)', 'bench/hive-gateway.ts', { ...common, HIVE_DEDUPLICATE_INFLIGHT: 'off' }, [...nodeArgs, ...profiling('E0')]),
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
  console.log('[bench] verifying every request of every connection on every gateway…');
  const expected: Expected = new Map();
  const verification: Verification[] = [];
  for (const workload of workloads) {
    const started = performance.now();
    const result = await verify(workload, plans.get(workload.name)!, gateways, model, expected, notes, options.allowErrors);
    verification.push(result);
    console.log(
      `[bench]   ${workload.name}: ${result.requests} distinct requests${keys.some((k) => GATEWAY_POLICY[k]) ? `, ${result.personaRequests} (persona, request) pairs on the policy gateways, ${result.deniedRequests} with a denied field (${result.denied.join(', ') || 'none'})` : ''}` +
        `${result.problems ? `, ${result.problems} PROBLEMS` : ', all as expected'} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  const remarks = notes.filter((n) => n.startsWith('verification:'));
  const exact = keys.filter((k) => k !== 'A' && !GATEWAY_POLICY[k]);
  const masked = keys.filter((k) => GATEWAY_POLICY[k]);
  const agreed = [exact.length ? `${exact.join('/')} return${exact.length === 1 ? 's' : ''} A's data` : '', masked.length ? `${masked.join('/')} what the policy model says for each caller (denied fields null with their error, masks where due)` : ''].filter(Boolean).join(', ');
  console.log(remarks.length ? remarks.map((n) => `[bench]   ${n}`).join('\n') : `[bench]   all 200${agreed ? `; ${agreed}` : ''}`);
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
        const run = await measure(gateway, workload, round, options, plans.get(workload.name)!, expected.get(gateway.key)!, subgraphPids, idle);
        checkRunning();
        runs.push(run);
        const errors = run.non200 + run.socketErrors + run.graphqlErrorResponses + run.mismatches;
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
    if (s.graphqlErrorResponses) notes.push(`${s.workload} / ${s.gateway}: ${s.graphqlErrorResponses} responses with GraphQL errors where none was expected, e.g. ${s.errorSample}`);
    if (s.mismatches) notes.push(`${s.workload} / ${s.gateway}: ${s.mismatches} of ${s.checkedResponses} sampled answers differed from the verified answer to the same request, e.g. ${s.mismatchSample}`);
  }
  if (!summaries.some((s) => s.non200 || s.socketErrors || s.graphqlErrorResponses)) notes.push('every measured response was HTTP 200, with GraphQL errors only where a denied field was asked for (policy gateways), on every gateway');
  // A window in which a heavy request barely completes says nothing: say so rather than print a ratio.
  for (const s of summaries.filter((x) => x.responses < 20)) {
    notes.push(`${s.workload} / ${s.gateway}: only ${s.responses} responses in its measured window${s.rounds > 1 ? 's' : ''} — too few for its figures to mean anything; a longer --duration is needed`);
  }
  const checked = summaries.reduce((n, s) => n + s.checkedResponses, 0);
  const bad = summaries.reduce((n, s) => n + s.mismatches, 0);
  const split = summaries.reduce((n, s) => n + s.splitDecoded, 0);
  notes.push(`answers checked during the measured windows (every ${options.checkEvery}th, parsed and compared with the same gateway's verified answer to the same request — same data, same denied coordinates): ${checked}, of which ${bad} differed${split ? `; ${split} more were equal but for characters the load generator had split: autocannon decodes each network chunk of a large answer on its own, so a Chinese character cut by a chunk boundary arrives as U+FFFD — counted as equal only when every such run stands for exactly one character of the verified answer` : ''}`);
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
  if (keys.includes('E') || keys.includes('E0')) {
    notes.push(
      'E and E0 are the Hive gateway runtime (graphql-yoga on @whatwg-node/server, on node:http) with its defaults, subgraph calls through Node\'s fetch like A and ours; ' +
        'two savings A does not make: an entity batch carries each distinct representation once (A repeats it as often as the entity occurs: far fewer representations in "deep"), and ' +
        'identical subgraph requests in flight at the same time share one call, across concurrent client requests and callers — on in E, off in E0 (HIVE_DEDUPLICATE_INFLIGHT)',
    );
  }
  const subgraphDedupe = process.env.SUBGRAPH_DEDUPE?.trim() || 'on';
  notes.push(
    options.callers === 'one'
      ? `ONE-CALLER MODE (--callers one): every connection is the same operator sending the same rotation, so identical requests are in flight at once; the project's gateways (B, C, D) share identical subgraph reads of the same caller (SUBGRAPH_DEDUPE=${subgraphDedupe}) and E shares across everyone: both gain far more than real traffic of many callers would give them`
      : `many callers: each connection its own caller with its own rotation from its own offset, so in-flight sharing only happens where real traffic would produce it — the project's gateways (SUBGRAPH_DEDUPE=${subgraphDedupe}) share only within one caller, E across callers, E0 not at all`,
  );
  notes.push('the project\'s gateways sign every subgraph call (HMAC-SM3); the subgraphs run with SUBGRAPH_ALLOW_UNSIGNED=1 so that A is served, which also means they skip checking signatures: the subgraph-side verification cost is not in these figures for any gateway');
  if (keys.includes('C')) {
    const audit = await auditFigures(gateways.find((g) => g.key === 'C')!.service.url);
    if (audit) notes.push(`C's audit over the whole run: ${audit.commits} commits of ${audit.entries} records (${(audit.entries / audit.commits).toFixed(1)} per batch), ${audit.meanMs.toFixed(2)} ms mean from sending a batch to its commit`);
    notes.push(`C audits every request (its default with POLICY=on): ${options.auditDurability === 'journal' ? 'each response waits for its record to be fsynced in the replica\'s local audit journal (a temporary directory; group fsync), and the journal is shipped in batches to the platform subgraph\'s chain in the background (AUDIT_DURABILITY=journal, the default)' : 'each response waits for its record to be committed in the platform subgraph\'s chain (AUDIT_DURABILITY=store, --audit-durability store)'} (${options.platformDb ? 'on PostgreSQL, --platform-db' : 'PGlite on disk, in a temporary directory'}); the platform's work shows in "subgraphs CPU%"${keys.includes('D') ? '; D is C without the audit' : ' (--gateways A,B,C,D adds D = C with AUDIT=off)'}`);
  }
  notes.push('the load generator (autocannon) runs in the benchmark process on the same machine; its CPU is reported in latest.json (loadGeneratorCpuPercent)');

  let profiles: { gateway: GatewayKey; summary: ProfileSummary }[] = [];
  if (options.profile) {
    await stopAll(); // a profile is written when its process exits
    profiles = keys.flatMap((key) => {
      const file = mainThreadProfile(path.join(profileDir, `gateway-${key}`));
      if (!file) {
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
    options: {
      ...options,
      only: options.only?.join(',') ?? 'all',
      gateways: keys.join(','),
      dataScale: options.scale,
      scaleGiven: options.scaleGiven,
      dataSetup: options.dataDb
        ? `${dataReused ? 'reused' : 'seeded'} data set ${dataSchemaPrefix(options.scale)}*; subgraphs ready in ${(subgraphsMs / 1000).toFixed(1)} s`
        : `seeded in memory at start; subgraphs ready in ${(subgraphsMs / 1000).toFixed(1)} s`,
      // Database URLs may carry credentials: only which store was used.
      platformDb: options.platformDb ? 'postgresql' : 'pglite',
      dataDb: options.dataDb ? 'postgresql' : 'pglite',
      sharing: {
        subgraphDedupe: `${subgraphDedupe} (B, C, D: identical reads of the same caller in flight at once)`,
        hiveInflightDedupe: { E: 'on', E0: 'off' },
        entityDedupeWithinBatch: { A: 'no', 'B/C/D': 'yes (gateway/subgraph-client.ts)', 'E/E0': 'yes (Hive default)' },
      },
      nodeFlags: Object.fromEntries(keys.map((k) => [k, [...nodeArgs, ...profiling(k)].join(' ') || '(none)'])),
      heapCapMB: /--max-old-space-size=(\d+)/.exec(nodeArgs.join(' '))?.[1] ?? 'none (GATEWAY_HEAP_MB=0)',
      subgraphHttpClient: {
        A: 'Node fetch (undici, keep-alive) as RemoteGraphQLDataSource fetcher',
        'B/C/D': 'Node fetch (undici, keep-alive), signed',
        'E/E0': process.env.HIVE_SUBGRAPH_FETCH === 'whatwg' ? 'Hive default @whatwg-node/fetch (HIVE_SUBGRAPH_FETCH=whatwg)' : 'Node fetch (undici, keep-alive) through useCustomFetch',
      },
    },
    callers: callersLabel,
    dataStore: `${dataStoreLabel}, ${platformStoreLabel}`,
    gateways: keys,
    setup: { subgraphsStartSeconds: subgraphsMs / 1000, gatewaysStartSeconds: gatewaysMs / 1000, gateways: Object.fromEntries(gateways.map((g) => [g.key, GATEWAY_LABELS[g.key]])) },
    workloads: workloads.map((w) => ({ name: w.name, description: w.description, requests: new Set(plans.get(w.name)!.flatMap((p) => p.requests.map(bodyOf))).size })),
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
    if (!run.interrupted()) console.error(`[bench] ${error instanceof Error ? error.message : error}`);
    await shutdown();
    process.exit(run.interrupted() ? 130 : 1);
  });
