// Abuse-and-fault suite: seeded fuzzing (fast-check) of documents, bodies, tokens and arguments against
// a running stack, mostly valid and granted queries (test/abuse/query-generator.ts) from every kind of
// caller (test/abuse/callers.ts), every answer checked by the exact leak oracle (test/abuse/oracle.ts),
// liveness probes, and (optionally) faults under load: a SIGKILLed replica, a replica cut off from the
// audit store, a paused platform.
import { recordedRequestIds } from '../support/audit-log';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { maskValue } from '../../directives/mask';
import { creditCodeAt, DEFAULT_SEED, licenceAt, personIdAt, sizeForScale } from '../../subgraphs/seed/generator';
import type { Credentials } from '../support/credentials';
import { writeGrantsFile } from '../support/credentials';
import { replicaEnv, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import type { Stack } from '../support/stack';
import { ABUSE_INSTITUTION, ABUSE_SCENARIO, ADMIN_ORG, abuseGrants, callerHeaders, generatorKind, ORACLE_CALLERS, scopeDivision, suspendCaller, type CallerLabel } from './callers';
import { buildTruth, checkResponse, createOracleContext, expectedMask, maskSettingsFor, type OracleContext, type Truth } from './oracle';
import { SCHEMA, validQuery, type Pools } from './query-generator';

export { ABUSE_INSTITUTION, ABUSE_SCENARIO, abuseGrants };

/** Environment for startStack so the fuzzer is not throttled by the (separately tested) rate limits. */
export function abuseStackEnv(credentials: Credentials, grantsFile: string): NodeJS.ProcessEnv {
  return { DATA_SCALE: String(ABUSE_SCALE), GRANTS_FILE: grantsFile, RATE_LIMIT_POINTS: '1000000', VERIFY_LIMIT_PER_CALLER: '1000000', VERIFY_LIMIT_PER_SUBJECT: '1000000', VERIFY_LIMIT_PER_CALLER_SUBJECT: '1000000', ...credentials.env() };
}

export const ABUSE_SCALE = 0.05;

export interface AbuseSummary {
  inputsTried: number;
  faultsInjected: number;
  requestsAnswered: number;
  /** Answers carrying at least one data value (not only __typename): the oracle had something to check. */
  answersWithData: number;
  /** Values the caller may not receive at their coordinate (or at all): the exact oracle's leaks. */
  dataLeaked: number;
  /** Values withheld without an error saying why (not leaks, but not what the catalog says either). */
  mismatched: number;
  auditRecordsLost: number;
  crashes: number;
  /** HTTP 5xx other than the documented 503s (not crashes unless the gateway then stopped answering). */
  unexpected5xx: number;
  /** Answers with data per caller label, to show every kind of caller was exercised. */
  dataByCaller: Record<string, number>;
  /** Values the oracle compared with what was due: plain, masked, nothing (null with its error). */
  valuesChecked: { plain: number; masked: number; nothing: number };
  findings: string[];
  skipped: string[];
}

export function dataShare(s: AbuseSummary): number {
  return s.inputsTried ? Math.round((1000 * s.answersWithData) / s.inputsTried) / 10 : 0;
}

export function formatSummary(s: AbuseSummary): string {
  return `abuse: inputs ${s.inputsTried}, faults ${s.faultsInjected}, answered ${s.requestsAnswered}, with data ${s.answersWithData} (${dataShare(s)}%), leaked ${s.dataLeaked}, mismatched ${s.mismatched}, audit lost ${s.auditRecordsLost}, crashes ${s.crashes}`;
}

// ───────────────────────────── the oracle ─────────────────────────────

/** The oracle for a stack started with abuseGrants() and these credentials. */
export function abuseOracle(credentials: Credentials, truth?: Truth): OracleContext {
  return createOracleContext(abuseGrants(), { truth: truth ?? buildTruth(ABUSE_SCALE), hashKey: credentials.keys.maskHashKey });
}

/**
 * The oracle checks itself before it is trusted: each kind of leak it must catch, fed as a response
 * it must flag, and the right answer, which it must not.
 */
export function selfCheckOracle(ctx: OracleContext): void {
  const t = ctx.truth;
  const scope = scopeDivision(ABUSE_SCALE);
  const inside = t.personList.find((p) => p.divisionCode.startsWith(scope))!;
  const outside = t.personList.find((p) => !p.divisionCode.startsWith(scope))!;
  const body = (id: string) => JSON.stringify({ query: 'query($id: ID!) { person(idNumber: $id) { idNumber name gender } }', variables: { id } });
  const answer = (person: Record<string, unknown> | null, errors?: unknown[]) => JSON.stringify({ data: { person }, ...(errors ? { errors } : {}) });
  const granted = ORACLE_CALLERS['inst-granted'];
  const narrowed = maskSettingsFor(ctx, granted).idNumber;
  if (narrowed.start + narrowed.end >= 10) throw new Error(`oracle: inference control should narrow the identity-number mask for ${granted.label} (birth date plain), got ${JSON.stringify(narrowed)}`);
  const right = { idNumber: expectedMask(ctx, granted, 'ID_NUMBER', inside.idNumber), name: expectedMask(ctx, granted, 'NAME', inside.name), gender: inside.gender };
  const denied = (path: string) => ({ message: 'x', path: ['person', path], extensions: { code: 'GRANT_REQUIRED' } });
  const cases: { label: string; caller: CallerLabel; id: string; response: string; leaks: boolean }[] = [
    { label: 'the right answer', caller: 'inst-granted', id: inside.idNumber, response: answer(right), leaks: false },
    { label: 'a plain identity number where a mask is due', caller: 'inst-granted', id: inside.idNumber, response: answer({ ...right, idNumber: inside.idNumber }), leaks: true },
    { label: 'an over-kept mask (the configured 6,4 where inference control narrows it)', caller: 'inst-granted', id: inside.idNumber, response: answer({ ...right, idNumber: maskValue('ID_NUMBER', inside.idNumber, ctx.baseMasks) }), leaks: true },
    { label: 'another person\'s value', caller: 'inst-granted', id: inside.idNumber, response: answer({ ...right, name: expectedMask(ctx, granted, 'NAME', outside.name) }), leaks: outside.name[0] !== inside.name[0] },
    { label: 'the right answer to a non-grantee', caller: 'inst-nogrant', id: inside.idNumber, response: answer({ idNumber: null, name: null, gender: inside.gender }, [denied('idNumber'), denied('name')]), leaks: false },
    { label: 'a granted field returned to a non-grantee', caller: 'inst-nogrant', id: inside.idNumber, response: answer({ idNumber: null, name: right.name, gender: inside.gender }, [denied('idNumber')]), leaks: true },
    { label: 'a granted field returned on an expired grant', caller: 'inst-expired-grant', id: inside.idNumber, response: answer({ idNumber: null, name: right.name, gender: inside.gender }, [denied('idNumber')]), leaks: true },
    { label: 'an out-of-scope value', caller: 'inst-scoped', id: outside.idNumber, response: answer({ idNumber: null, name: outside.name, gender: outside.gender }, [denied('idNumber')]), leaks: true },
    { label: 'data to a suspended caller', caller: 'inst-suspended', id: inside.idNumber, response: answer({ idNumber: null, name: null, gender: inside.gender }), leaks: true },
    { label: 'a value in an error message', caller: 'anonymous', id: '1', response: JSON.stringify({ errors: [{ message: `no such person ${inside.idNumber}` }] }), leaks: true },
    { label: 'a phone number in a header', caller: 'anonymous', id: '1', response: '{"data":null}', leaks: true },
  ];
  for (const c of cases) {
    const headers: Record<string, string> = c.label.includes('header') ? { 'x-debug': t.personList.find((p) => p.phone)!.phone! } : {};
    const verdict = checkResponse(ctx, ORACLE_CALLERS[c.caller], body(c.id), c.response, headers);
    const leaks = verdict.problems.filter((p) => p.kind === 'leak');
    if ((leaks.length > 0) !== c.leaks) throw new Error(`oracle self-check failed on ${c.label}: ${JSON.stringify(verdict.problems)}`);
  }
}

// ───────────────────────────── inputs ─────────────────────────────

const ALIASES = ['__proto__', 'constructor', '_policyTypename', 'toString', 'hasOwnProperty', 'valueOf', '__typename', 'name', 'phone', 'idNumber', 'a', 'data', 'errors', 'x'];
const GARBAGE_FIELDS = ['passwd', 'phoneNumber', '__schema', '__type', '_entities', '_service', 'idnumber', 'PHONE', 'é', '__proto__'];

export const INJECTIONS: unknown[] = [
  "' OR 1=1 --", "'; DROP TABLE person; --", '" OR ""="', '1; SELECT pg_sleep(5)', "530102' UNION SELECT phone FROM person --",
  '{"$gt":""}', '{"$ne":null}', '$where: "1==1"', '__proto__', 'constructor.prototype',
  '../../../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'file:///etc/passwd',
  '\u0000', '\u202e530102', '５３０１０２', '530102\u200b', '𝟓𝟑𝟎𝟏𝟎𝟐', 'Ａ', '\ud800', '🙂'.repeat(50), '\r\n\r\nHTTP/1.1 200 OK',
  'x'.repeat(10_000), '5'.repeat(10_000), '<script>alert(1)</script>', '${7*7}', '{{7*7}}',
  -1, 0, 2147483648, -2147483649, 1e308, Number.MAX_SAFE_INTEGER, 99999999999999999999, 1.5, -0, true, null, [], {}, ['x'], { $gt: '' },
];

const ROOT_ARGS: Record<string, string[]> = {
  person: ['idNumber'], persons: ['idNumbers'], personsByDivision: ['divisionCode', 'first', 'after'], verifyPersonIdentity: ['idNumber', 'name'],
  legalEntity: ['creditCode'], legalEntities: ['creditCodes'], legalEntitiesByDivision: ['divisionCode', 'first', 'after'],
  licence: ['number'], licencesByDivision: ['divisionCode', 'first', 'after'],
};

/** Real identifiers from the ground truth: persons with licences and legal entities among them, the scoped division's persons. */
export function buildPools(truth: Truth = buildTruth(ABUSE_SCALE)): Pools {
  const size = sizeForScale(ABUSE_SCALE);
  const scope = scopeDivision(ABUSE_SCALE);
  const linked = truth.personList.filter((p) => truth.entitiesOf.has(p.idNumber) || truth.licencesOf.has(p.idNumber)).slice(0, 30).map((p) => p.idNumber);
  const idNumbers = [...Array.from({ length: 40 }, (_, i) => personIdAt(DEFAULT_SEED, (i * 37) % size.persons)), ...linked];
  const scopedIdNumbers = truth.personList.filter((p) => p.divisionCode === scope).slice(0, 30).map((p) => p.idNumber);
  const names = new Map([...idNumbers, ...scopedIdNumbers].map((id) => [id, truth.persons.get(id)!.name]));
  const counties = [...new Set(truth.personList.slice(0, 200).map((p) => p.divisionCode))].slice(0, 8);
  const divisions = ['530000', '530100', scope, scope, '520100', '513300', ...counties];
  const creditCodes = Array.from({ length: 20 }, (_, i) => creditCodeAt(DEFAULT_SEED, (i * 11) % size.legalEntities));
  const licences = [...Array.from({ length: 20 }, (_, i) => licenceAt(DEFAULT_SEED, size, (i * 101) % size.licences).number), ...truth.licenceList.filter((l) => l.divisionCode.startsWith(scope)).slice(0, 10).map((l) => l.number)];
  return { idNumbers, scopedIdNumbers, names, divisions, creditCodes, licences };
}

export interface AbuseInput {
  kind: 'valid' | 'document' | 'deep' | 'wide' | 'aliasBomb' | 'hugeVariables' | 'malformedBody' | 'injection';
  caller: CallerLabel;
  garbageAuth: string;
  body: string;
  contentType: string;
}

const gqlString = (v: unknown) => JSON.stringify(v);

function valueArb(pools: Pools, arg: string): fc.Arbitrary<unknown> {
  const valid: Record<string, fc.Arbitrary<unknown>> = {
    idNumber: fc.constantFrom(...pools.idNumbers), idNumbers: fc.array(fc.constantFrom(...pools.idNumbers), { maxLength: 5 }),
    divisionCode: fc.constantFrom(...pools.divisions), first: fc.integer({ min: 0, max: 200 }), after: fc.constant(null),
    creditCode: fc.constantFrom(...pools.creditCodes), creditCodes: fc.array(fc.constantFrom(...pools.creditCodes), { maxLength: 5 }),
    number: fc.constantFrom(...pools.licences), name: fc.constantFrom('张三', '李四'), provider: fc.constant(null),
  };
  return fc.oneof(
    { weight: 8, arbitrary: valid[arg] ?? fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer() },
  );
}

/** A selection set on `type`, `depth` levels deep at most. */
function selectionArb(type: string, depth: number): fc.Arbitrary<string> {
  const fields = Object.keys(SCHEMA[type] ?? { __typename: null });
  const one: fc.Arbitrary<string> = fc.tuple(
    fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: fc.constantFrom(...GARBAGE_FIELDS) }),
    fc.option(fc.constantFrom(...ALIASES), { freq: 3 }),
    fc.option(fc.constantFrom('@skip(if: true)', '@skip(if: false)', '@include(if: true)', '@include(if: false)', '@include(if: $flag)', '@skip(if: $flag)'), { freq: 4 }),
    depth > 0 ? fc.constant(true) : fc.constant(false),
  ).chain(([field, alias, directive, deeper]) => {
    const target = SCHEMA[type]?.[field];
    const head = `${alias ? `${alias}: ` : ''}${field}${directive ? ` ${directive}` : ''}`;
    if (target && deeper) return selectionArb(target, depth - 1).map((sub) => `${head} { ${sub} }`);
    if (target) return fc.constant(`${head} { __typename }`);
    return fc.constant(head);
  });
  const inline: fc.Arbitrary<string> = depth > 0
    ? fc.tuple(type === 'LicenceHolder' ? fc.constantFrom('Person', 'LegalEntity') : fc.constant(type), fc.option(fc.constantFrom('@skip(if: false)', '@include(if: $flag)'), { freq: 3 }))
      .chain(([on, dir]) => selectionArb(on, depth - 1).map((sub) => `... on ${on}${dir ? ` ${dir}` : ''} { ${sub} }`))
    : fc.constant('__typename');
  const fragment = fc.constant(type === 'Person' ? '...P' : '...L');
  const parts = (type === 'Person' || type === 'LegalEntity') && depth > 0
    ? fc.array(fc.oneof({ weight: 6, arbitrary: one }, { weight: 1, arbitrary: inline }, { weight: 1, arbitrary: fragment }), { minLength: 1, maxLength: 5 })
    : fc.array(fc.oneof({ weight: 6, arbitrary: one }, { weight: 1, arbitrary: inline }), { minLength: 1, maxLength: 5 });
  return parts.map((p) => p.join(' '));
}

const FRAGMENTS = ['fragment P on Person { __proto__: name constructor: phone idNumber householdAddress _policyTypename: phone }', 'fragment L on LegalEntity { name legalRepresentative { name phone idNumber } }'];

function documentArb(pools: Pools): fc.Arbitrary<{ query: string; variables: Record<string, unknown> }> {
  const root = fc.constantFrom(...Object.keys(ROOT_ARGS), '__typename').chain((field) => {
    const args = ROOT_ARGS[field] ?? [];
    return fc.tuple(
      fc.tuple(...args.map((a) => fc.tuple(fc.constant(a), valueArb(pools, a), fc.boolean()))),
      fc.option(fc.constantFrom(...ALIASES), { freq: 3 }),
      SCHEMA.Query[field] ? selectionArb(SCHEMA.Query[field]!, 3) : fc.constant(''),
    ).map(([argVals, alias, sel]) => {
      const variables: Record<string, unknown> = {};
      const decls: string[] = [];
      const argText = argVals.map(([a, v, asVar]) => {
        if (asVar) {
          variables[a] = v;
          decls.push(`$${a}: ${a === 'idNumbers' || a === 'creditCodes' ? '[ID!]!' : a === 'first' ? 'Int' : a === 'idNumber' || a === 'creditCode' || a === 'number' ? 'ID!' : a === 'divisionCode' || a === 'name' ? 'String!' : 'String'}`);
          return `${a}: $${a}`;
        }
        return `${a}: ${typeof v === 'object' && v !== null ? '"obj"' : gqlString(v)}`;
      });
      return { text: `${alias ? `${alias}: ` : ''}${field}${argText.length ? `(${argText.join(', ')})` : ''}${sel ? ` { ${sel} }` : ''}`, variables, decls };
    });
  });
  return fc.tuple(fc.array(root, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([roots, flag]) => {
    const variables: Record<string, unknown> = { flag };
    const decls = new Set<string>(['$flag: Boolean!']);
    const texts = roots.map((r, i) => {
      let t = r.text;
      for (const [k, v] of Object.entries(r.variables)) {
        t = t.replace(`$${k}`, `$${k}${i}`);
        variables[`${k}${i}`] = v;
      }
      for (const d of r.decls) decls.add(d.replace(/^\$(\w+)/, `$$$1${i}`));
      return t;
    });
    // Only what the document uses: an unused variable or fragment fails validation of the whole document.
    const body = texts.join(' ');
    if (!body.includes('$flag')) {
      decls.delete('$flag: Boolean!');
      delete variables.flag;
    }
    const fragments = FRAGMENTS.filter((f) => body.includes(`...${f.slice(9, 10)}`)).join(' ');
    return { query: `query Q${decls.size ? `(${[...decls].join(', ')})` : ''} { ${body} } ${fragments}`, variables };
  });
}

const ALL_CALLERS = Object.keys(ORACLE_CALLERS) as CallerLabel[];
// Valid queries mostly come from callers that hold grants, so that most answers carry data to check;
// every kind of caller is among them (garbage credentials and scenarios come with the fuzzed inputs).
const VALID_CALLERS: CallerLabel[] = [
  ...Array<CallerLabel>(10).fill('inst-granted'), ...Array<CallerLabel>(4).fill('inst-scoped'), 'inst-granted-b', 'inst-nogrant', 'inst-nogrant', 'inst-expired-grant',
  'inst-no-scenario', 'inst-suspended', ...Array<CallerLabel>(6).fill('dev-granted'), 'dev-nogrant', ...Array<CallerLabel>(6).fill('anonymous'), 'forged', 'expired-token',
];

function inputArb(pools: Pools): fc.Arbitrary<AbuseInput> {
  const caller = fc.constantFrom<CallerLabel>(...ALL_CALLERS);
  const garbageAuth = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('Bearer ', 'Bearer null', 'Bearer eyJhbGciOiJub25lIn0.eyJvcmciOiIxMTUzMDEwMDAxNTMwMTAxN00ifQ.', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(9000)}`));
  const json = (o: unknown) => JSON.stringify(o);
  const bodies: fc.Arbitrary<[AbuseInput['kind'], string, string]> = fc.oneof(
    { weight: 4, arbitrary: documentArb(pools).map((d) => ['document', json(d), 'application/json'] as [AbuseInput['kind'], string, string]) },
    { weight: 1, arbitrary: fc.integer({ min: 5, max: 60 }).map((n) => ['deep', json({ query: `{ person(idNumber: "${pools.idNumbers[0]}") { ${'householdMembers { '.repeat(n)}name phone${' }'.repeat(n)} } }` }), 'application/json'] as [AbuseInput['kind'], string, string]) },
    { weight: 1, arbitrary: fc.integer({ min: 10, max: 400 }).map((n) => ['wide', json({ query: `{ personsByDivision(divisionCode: "530000", first: 100) { edges { node { ${Array.from({ length: n }, (_, i) => ['name', 'idNumber', 'phone', 'gender'][i % 4]).join(' ')} } } } }` }), 'application/json'] as [AbuseInput['kind'], string, string]) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.constantFrom('name', 'phone', 'idNumber', 'householdAddress')).map(([n, f]) => ['aliasBomb', json({ query: `{ person(idNumber: "${pools.idNumbers[1]}") { ${Array.from({ length: n }, (_, i) => `a${i}: ${f}`).join(' ')} } }` }), 'application/json'] as [AbuseInput['kind'], string, string]) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1000, max: 150_000 }), fc.boolean()).map(([n, arr]) => ['hugeVariables', json({ query: 'query($ids: [ID!]!) { persons(idNumbers: $ids) { name idNumber phone } }', variables: { ids: arr ? Array.from({ length: Math.floor(n / 20) }, (_, i) => pools.idNumbers[i % pools.idNumbers.length]) : ['x'.repeat(n)] } }), 'application/json'] as [AbuseInput['kind'], string, string]) },
    { weight: 1, arbitrary: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{', '{"query":', '{"query": 1}', '{"query": null}', '[]', '[{"query":"{ __typename }"}]', 'null', '"x"', '{"query":"{ person(idNumber: \\"1\\") { name } }","variables":"{"}',
        '{"query":"{ __typename }","variables":{"__proto__":{"admin":true}}}', '{"__proto__":{"query":"{ person(idNumber: \\"x\\") { phone } }"}}', '{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}',
        '{"query":"query { __schema { types { name } } }"}', '{"query":"{ __typename }", "operationName": {"$gt": ""}}'),
    ).chain((b) => fc.constantFrom('application/json', 'text/plain', 'application/graphql', 'application/x-www-form-urlencoded').map((ct) => ['malformedBody', b, ct] as [AbuseInput['kind'], string, string])) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(ROOT_ARGS).filter((f) => f !== 'catalog')), fc.constantFrom(...INJECTIONS)).map(([field, v]) => {
      const arg = ROOT_ARGS[field][0];
      const sel = SCHEMA.Query[field] === 'Person' ? '{ name idNumber phone }' : SCHEMA.Query[field]?.endsWith('Connection') ? '{ totalCount edges { cursor node { __typename } } }' : SCHEMA.Query[field] ? '{ __typename }' : '';
      const others = field.endsWith('ByDivision') ? ', first: $f, after: $a' : field === 'verifyPersonIdentity' ? ', name: $a' : '';
      const decl = field.endsWith('ByDivision') ? ', $f: Int, $a: String' : field === 'verifyPersonIdentity' ? ', $a: String!' : '';
      return ['injection', json({ query: `query($v: ${arg.endsWith('s') ? '[ID!]!' : arg === 'divisionCode' ? 'String!' : 'ID!'}${decl}) { ${field}(${arg}: $v${others}) ${sel} }`, variables: { v: v, f: typeof v === 'number' ? v : 5, a: typeof v === 'string' ? v : null } }), 'application/json'] as [AbuseInput['kind'], string, string];
    }) },
  );
  const fuzzed = fc.tuple(bodies, caller, garbageAuth).map(([[kind, body, contentType], c, g]): AbuseInput => ({ kind, caller: c, garbageAuth: g, body, contentType }));
  const valid = fc.tuple(fc.integer(), fc.constantFrom(...VALID_CALLERS), garbageAuth).map(([seed, c, g]): AbuseInput => (
    { kind: 'valid', caller: c, garbageAuth: g, body: json(validQuery(seed, generatorKind(c), pools, c === 'inst-scoped')), contentType: 'application/json' }));
  return fc.oneof({ weight: 48, arbitrary: valid }, { weight: 8, arbitrary: fuzzed });
}

export function sampleInputs(count: number, seed: number, pools = buildPools()): AbuseInput[] {
  return fc.sample(inputArb(pools), { seed, numRuns: count });
}

// ───────────────────────────── running ─────────────────────────────

export interface RunOptions {
  stack: Stack;
  credentials: Credentials;
  budget: { inputs: number; seconds: number };
  faults: boolean;
  /** Cheap fault only: a replica whose platform (audit store) is unreachable. Default: !faults. */
  cheapFault?: boolean;
  seed?: number;
  concurrency?: number;
  /** The exact oracle (built from the ground truth when not given). */
  oracle?: OracleContext;
  log?: (line: string) => void;
}

export interface Post { status: number; text: string; headers: Headers }
/** A raw POST: the answer's text as received (the leak oracle reads it), status and headers. */
export async function post(url: string, body: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<Post> {
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function alive(url: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const r = await post(url, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json' }, 5000);
      if (r.status === 200 && JSON.parse(r.text).data?.__typename === 'Query') return true;
    } catch { /* retry */ }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

const hasData = (text: string): boolean => {
  try {
    const d = JSON.parse(text).data;
    return !!d && Object.values(d).some((v) => v !== null);
  } catch {
    return false;
  }
};

export async function runAbuseSuite(options: RunOptions): Promise<AbuseSummary> {
  const { stack, credentials, budget, faults } = options;
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 20261125;
  const started = Date.now();
  const deadline = started + budget.seconds * 1000;
  const summary: AbuseSummary = { inputsTried: 0, faultsInjected: 0, requestsAnswered: 0, answersWithData: 0, dataLeaked: 0, mismatched: 0, auditRecordsLost: 0, crashes: 0, unexpected5xx: 0, dataByCaller: {}, valuesChecked: { plain: 0, masked: 0, nothing: 0 }, findings: [], skipped: [] };
  const finding = (s: string) => {
    if (summary.findings.length < 50) summary.findings.push(s);
    log(`FINDING: ${s}`);
  };

  const oracle = options.oracle ?? abuseOracle(credentials);
  selfCheckOracle(oracle);
  const pools = buildPools(oracle.truth);
  const inputs = sampleInputs(budget.inputs, seed, pools);
  const auth = await callerHeaders(credentials);
  await suspendCaller(stack.gatewayUrl, credentials);

  // Faults run beside the fuzzing (the long version) or once, cheaply, first.
  const faultWork = faults
    ? runFaults(options, summary, finding, log, deadline)
    : (options.cheapFault ?? true) ? cutOffReplica(options, summary, finding) : Promise.resolve();

  let next = 0;
  let dead = false;
  const worker = async () => {
    while (!dead && next < inputs.length && Date.now() < deadline) {
      const index = next++;
      const input = inputs[index];
      let headers: Record<string, string>;
      try {
        headers = { 'content-type': input.contentType, ...auth(input.caller, input.garbageAuth) };
        for (const [k, v] of Object.entries(headers)) if (/[^\t\x20-\x7e]/.test(v)) headers[k] = encodeURIComponent(v);
      } catch {
        headers = { 'content-type': input.contentType };
      }
      summary.inputsTried++;
      try {
        const r = await post(stack.gatewayUrl, input.body, headers);
        summary.requestsAnswered++;
        const verdict = checkResponse(oracle, ORACLE_CALLERS[input.caller], input.body, r.text, r.headers);
        for (const k of ['plain', 'masked', 'nothing'] as const) summary.valuesChecked[k] += verdict.checked[k];
        if (verdict.hasData) {
          summary.answersWithData++;
          summary.dataByCaller[input.caller] = (summary.dataByCaller[input.caller] ?? 0) + 1;
        }
        const leaks = verdict.problems.filter((p) => p.kind === 'leak');
        const mismatches = verdict.problems.filter((p) => p.kind === 'mismatch');
        if (leaks.length) {
          summary.dataLeaked++;
          finding(`leak #${index} (${input.kind}, ${input.caller}, HTTP ${r.status}): ${leaks.slice(0, 6).map((p) => `${p.path}: ${p.message}`).join('; ')}; request ${input.body.slice(0, 400)}`);
        }
        if (mismatches.length) {
          summary.mismatched++;
          finding(`mismatch #${index} (${input.kind}, ${input.caller}, HTTP ${r.status}): ${mismatches.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}; request ${input.body.slice(0, 300)}`);
        }
        if (r.status >= 500 && r.status !== 503) {
          summary.unexpected5xx++;
          finding(`HTTP ${r.status} #${index} (${input.kind}, ${input.caller}): ${r.text.slice(0, 200)}; request ${input.body.slice(0, 200)}`);
        }
        if (r.status === 503 && !/AUDIT_UNAVAILABLE|POLICY_STATE_UNAVAILABLE|RATE_LIMIT_UNAVAILABLE|NOT_READY|UNAVAILABLE/.test(r.text)) {
          finding(`undocumented 503 #${index}: ${r.text.slice(0, 200)}`);
        }
      } catch (error) {
        finding(`no answer #${index} (${input.kind}): ${(error as Error).message}`);
      }
      if (summary.inputsTried % 100 === 0) {
        if (!(await alive(stack.gatewayUrl))) {
          dead = true;
          summary.crashes++;
          finding(`gateway stopped answering after input #${index} (${input.kind}): ${input.body.slice(0, 300)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  if (!dead && !(await alive(stack.gatewayUrl))) {
    summary.crashes++;
    finding('gateway not answering at the end of the run');
  }
  await faultWork;
  log(`fuzzing done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return summary;
}

// ───────────────────────────── faults ─────────────────────────────

type Finding = (s: string) => void;

async function institutionHeaders(credentials: Credentials): Promise<Record<string, string>> {
  return { 'content-type': 'application/json', authorization: `Bearer ${await credentials.token({ org: ABUSE_INSTITUTION, sub: 'op-load' })}`, 'x-scenario-id': ABUSE_SCENARIO };
}

/** (b) a replica whose platform URL is dead must withhold data (503 AUDIT_UNAVAILABLE). */
async function cutOffReplica(options: RunOptions, summary: AbuseSummary, finding: Finding): Promise<void> {
  const grantsFile = writeGrantsFile(abuseGrants());
  const env = { ...replicaEnv(options.stack.subgraphUrls, options.credentials, grantsFile), SUBGRAPH_URL_PLATFORM: 'http://127.0.0.1:9/graphql' };
  const replica = await startGatewayProcess(env);
  summary.faultsInjected++;
  try {
    const headers = await institutionHeaders(options.credentials);
    const ids = buildPools().idNumbers;
    for (let i = 0; i < 5; i++) {
      const r = await post(replica.url, JSON.stringify({ query: 'query($id: ID!) { person(idNumber: $id) { name idNumber gender } }', variables: { id: ids[i] } }), headers);
      const body = JSON.parse(r.text);
      const codes = (body.errors ?? []).map((e: any) => e.extensions?.code);
      if (r.status !== 503 || body.data || !codes.includes('AUDIT_UNAVAILABLE')) {
        // Data delivered without a durable audit record: count it as a lost record.
        if (hasData(r.text)) summary.auditRecordsLost++;
        finding(`cut-off replica answered ${r.status} ${r.text.slice(0, 200)} instead of 503 AUDIT_UNAVAILABLE`);
      }
    }
  } finally {
    await replica.stop();
  }
}

function childPids(pid: number): { pid: number; args: string }[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter(Boolean).map((l) => ({ pid: Number(l.split(/\s+/)[0]), args: l.replace(/^\d+\s+/, '') }));
  } catch {
    return [];
  }
}

async function runFaults(options: RunOptions, summary: AbuseSummary, finding: Finding, log: (s: string) => void, deadline: number): Promise<void> {
  const { stack, credentials } = options;
  const grantsFile = writeGrantsFile(abuseGrants());
  // One journal directory for the replica across its SIGKILL and restart: what it had fsynced but not
  // shipped reaches the chain when it starts again.
  const env = { ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), AUDIT_JOURNAL_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'abuse-replica-journal-')) };
  const headers = await institutionHeaders(credentials);
  const ids = buildPools().idNumbers;
  const received: string[] = [];
  let replica: GatewayProcess | null = await startGatewayProcess(env);
  let stop = false;
  const load = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const target = replica;
      if (!target) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      try {
        const r = await post(target.url, JSON.stringify({ query: 'query($id: ID!) { person(idNumber: $id) { name idNumber gender } }', variables: { id: ids[(n * 7 + i) % ids.length] } }), headers, 10_000);
        if (r.status === 200 && hasData(r.text)) received.push(r.headers.get('x-request-id')!);
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // the replica is gone or paused
      }
    }
  };
  const loadDone = Promise.all([0, 1, 2, 3].map(load));
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    // (a) SIGKILL under load, then restart.
    const before = Date.now();
    while (received.length < 30 && Date.now() - before < 30_000) await wait(20);
    const victim = replica!;
    replica = null;
    await victim.stop('SIGKILL');
    summary.faultsInjected++;
    log(`fault: replica SIGKILLed after ${received.length} answers`);
    replica = await startGatewayProcess(env);
    await wait(2000);

    // (b) a replica cut off from the audit store.
    await cutOffReplica(options, summary, finding);
    log('fault: replica with dead platform URL checked');

    // (c) pause the platform subgraph for 2 s.
    const platform = childPids(stack.process.pid!).find((c) => c.args.includes('subgraphs/platform/'));
    if (platform && Date.now() < deadline) {
      process.kill(platform.pid, 'SIGSTOP');
      summary.faultsInjected++;
      log(`fault: platform pid ${platform.pid} SIGSTOPped for 2 s`);
      await wait(2000);
      process.kill(platform.pid, 'SIGCONT');
      await wait(2000);
    } else {
      summary.skipped.push(platform ? 'SIGSTOP of the platform: out of time' : 'SIGSTOP of the platform: pid not found');
    }
  } finally {
    stop = true;
    await loadDone;
    await replica?.stop();
  }

  // Audit records lost: every request id of a 200-with-data answer must be in the log.
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${await credentials.token({ org: ADMIN_ORG, roles: ['admin'], div: '530000' })}` };
  const recorded = await recordedRequestIds(stack.gatewayUrl, admin);
  const missing = received.filter((id) => !recorded.has(id));
  summary.auditRecordsLost += missing.length;
  log(`audit: ${received.length} answers with data from replicas, ${missing.length} without a record`);
  if (missing.length) finding(`audit records missing for request ids ${missing.slice(0, 10).join(', ')}`);
  if (received.length < 30) finding(`fault load produced only ${received.length} answers`);
}
