// Abuse-and-fault suite: seeded fuzzing (fast-check) of documents, bodies, tokens and arguments against
// a running stack, with an exact leak oracle built from the seeded data, liveness probes, and (optionally)
// faults under load: a SIGKILLed replica, a replica cut off from the audit store, a paused platform.
import { recordedRequestIds } from '../support/audit-log';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  creditCodeAt, DEFAULT_SEED, generatePersons, licenceAt, personIdAt, sizeForScale,
} from '../../subgraphs/seed/generator';
import type { Credentials } from '../support/credentials';
import { writeGrantsFile } from '../support/credentials';
import { replicaEnv, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import type { Stack } from '../support/stack';

export const ABUSE_INSTITUTION = '11530100015301017M';
export const ABUSE_SCENARIO = 'abuse';
const ADMIN_ORG = '11530000015200013A';
const DAY = 24 * 3600 * 1000;

/** The grant the stack must be started with (GRANTS_FILE): names and id numbers always masked. */
export function abuseGrants(): unknown[] {
  return [{
    id: 'abuse',
    grantee: { kind: 'institution', id: ABUSE_INSTITUTION },
    scenario: ABUSE_SCENARIO,
    fields: ['Person.name', 'Person.idNumber', 'Query.personsByDivision'],
    plain: [],
    validFrom: new Date(Date.now() - DAY).toISOString(),
    validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
  }];
}

/** Environment for startStack so the fuzzer is not throttled by the (separately tested) rate limits. */
export function abuseStackEnv(credentials: Credentials, grantsFile: string): NodeJS.ProcessEnv {
  return { DATA_SCALE: '0.05', GRANTS_FILE: grantsFile, RATE_LIMIT_POINTS: '1000000', VERIFY_LIMIT_PER_CALLER: '1000000', VERIFY_LIMIT_PER_SUBJECT: '1000000', ...credentials.env() };
}

export interface AbuseSummary {
  inputsTried: number;
  faultsInjected: number;
  requestsAnswered: number;
  dataLeaked: number;
  auditRecordsLost: number;
  crashes: number;
  /** Responses that carried (masked) person data: proves the oracle had something to look at. */
  maskedDataSeen: number;
  /** HTTP 5xx other than the documented 503s (not crashes unless the gateway then stopped answering). */
  unexpected5xx: number;
  findings: string[];
  skipped: string[];
}

export function formatSummary(s: AbuseSummary): string {
  return `abuse: inputs ${s.inputsTried}, faults ${s.faultsInjected}, answered ${s.requestsAnswered}, leaked ${s.dataLeaked}, audit lost ${s.auditRecordsLost}, crashes ${s.crashes}`;
}

// ───────────────────────────── the oracle ─────────────────────────────

export interface Secrets { names: Set<string>; idNumbers: Set<string>; phones: Set<string> }

export function buildSecrets(scale = 0.05): Secrets {
  const s: Secrets = { names: new Set(), idNumbers: new Set(), phones: new Set() };
  for (const chunk of generatePersons(DEFAULT_SEED, sizeForScale(scale).persons)) {
    for (const p of chunk) {
      s.names.add(p.name);
      s.idNumbers.add(p.idNumber);
      if (p.phone) s.phones.add(p.phone);
    }
  }
  return s;
}

const PHONE = /"1[3-9]\d{9}"/;
const FILE_PATH = /(?:\/[\w.@-]+){2,}\.(?:ts|js|mjs|cjs)\b|node_modules|[A-Za-z]:\\[\w\\]+/;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      out.push(k);
      strings((value as Record<string, unknown>)[k], out);
    }
  }
  return out;
}

/**
 * Why a response leaks, or null. `requestText` is what the client itself sent: an error message that
 * merely echoes the caller's own input is not a leak, but anything in `data`/`extensions` always is.
 */
export function leakReason(secrets: Secrets, responseText: string, requestText: string): string | null {
  if (responseText.includes('    at ')) return 'stack trace in response';
  let body: any;
  try {
    body = JSON.parse(responseText);
  } catch {
    // Non-JSON answers (e.g. to malformed bodies) are checked as text.
    for (const set of [secrets.names, secrets.idNumbers, secrets.phones]) {
      for (const v of set) if (responseText.includes(v) && !requestText.includes(v)) return `secret ${v} in non-JSON body`;
    }
    if (FILE_PATH.test(responseText)) return 'file path in non-JSON body';
    return null;
  }
  const check = (part: unknown, where: string, allowEcho: boolean): string | null => {
    for (const s of strings(part)) {
      const echoed = allowEcho && requestText.includes(s);
      if (!echoed && (secrets.names.has(s) || secrets.idNumbers.has(s) || secrets.phones.has(s))) return `unmasked secret "${s}" in ${where}`;
    }
    const text = JSON.stringify(part ?? null);
    const m = text.match(PHONE);
    if (m && !(allowEcho && requestText.includes(m[0].slice(1, -1)))) return `phone-like ${m[0]} in ${where}`;
    return null;
  };
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const { errors, ...rest } = body;
    const r = check(rest, 'data/extensions', false) ?? check(errors, 'errors', true);
    if (r) return r;
    for (const e of Array.isArray(errors) ? errors : []) {
      const msg = `${e?.message ?? ''} ${JSON.stringify(e?.extensions ?? {})}`;
      if (FILE_PATH.test(msg)) return `file path in error (${e?.extensions?.code}): ${String(e?.message).slice(0, 160)}`;
    }
    return null;
  }
  return check(body, 'body', true);
}

// ───────────────────────────── inputs ─────────────────────────────

interface Schema { [type: string]: Record<string, string | null> } // field → object type (null = leaf)
const SCHEMA: Schema = {
  Query: { person: 'Person', persons: 'Person', personsByDivision: 'PersonConnection', verifyPersonIdentity: null, legalEntity: 'LegalEntity', legalEntities: 'LegalEntity', legalEntitiesByDivision: 'LegalEntityConnection', licence: 'Licence', licencesByDivision: 'LicenceConnection', __typename: null },
  Person: { idNumber: null, name: null, gender: null, birthDate: null, ethnicity: null, householdAddress: null, divisionCode: null, phone: null, status: null, householdNumber: null, householdMembers: 'Person', legalEntities: 'LegalEntity', licences: 'Licence', __typename: null },
  LegalEntity: { creditCode: null, name: null, kind: null, legalRepresentative: 'Person', registeredCapital: null, establishedDate: null, status: null, address: null, divisionCode: null, businessScope: null, registrationAuthority: null, licences: 'Licence', __typename: null },
  Licence: { number: null, type: null, holder: 'LicenceHolder', issuingAuthority: null, issuedOn: null, validUntil: null, status: null, divisionCode: null, __typename: null },
  LicenceHolder: { __typename: null },
  PersonConnection: { edges: 'PersonEdge', totalCount: null, pageInfo: 'PageInfo' },
  PersonEdge: { node: 'Person', cursor: null },
  LegalEntityConnection: { edges: 'LegalEntityEdge', totalCount: null, pageInfo: 'PageInfo' },
  LegalEntityEdge: { node: 'LegalEntity', cursor: null },
  LicenceConnection: { edges: 'LicenceEdge', totalCount: null, pageInfo: 'PageInfo' },
  LicenceEdge: { node: 'Licence', cursor: null },
  PageInfo: { hasNextPage: null, endCursor: null },
};
const ROOT_ARGS: Record<string, string[]> = {
  person: ['idNumber'], persons: ['idNumbers'], personsByDivision: ['divisionCode', 'first', 'after'], verifyPersonIdentity: ['idNumber', 'name'],
  legalEntity: ['creditCode'], legalEntities: ['creditCodes'], legalEntitiesByDivision: ['divisionCode', 'first', 'after'],
  licence: ['number'], licencesByDivision: ['divisionCode', 'first', 'after'],
};
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

export interface Pools { idNumbers: string[]; divisions: string[]; creditCodes: string[]; licences: string[] }

export function buildPools(scale = 0.05): Pools {
  const size = sizeForScale(scale);
  const idNumbers = Array.from({ length: 40 }, (_, i) => personIdAt(DEFAULT_SEED, (i * 37) % size.persons));
  const divisions = ['530000', '530100', '530102', '520100', '513300', ...idNumbers.slice(0, 10).map((id) => id.slice(0, 6))];
  const creditCodes = Array.from({ length: 20 }, (_, i) => creditCodeAt(DEFAULT_SEED, (i * 11) % size.legalEntities));
  const licences = Array.from({ length: 20 }, (_, i) => licenceAt(DEFAULT_SEED, size, (i * 101) % size.licences).number);
  return { idNumbers, divisions, creditCodes, licences };
}

type Caller = 'institution' | 'anonymous' | 'developer' | 'forged' | 'expired' | 'garbage' | 'wrong-scenario' | 'bad-apikey';
export interface AbuseInput {
  kind: 'document' | 'deep' | 'wide' | 'aliasBomb' | 'hugeVariables' | 'malformedBody' | 'injection';
  caller: Caller;
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

function inputArb(pools: Pools): fc.Arbitrary<AbuseInput> {
  const caller = fc.constantFrom<Caller>('institution', 'institution', 'institution', 'anonymous', 'developer', 'forged', 'expired', 'garbage', 'wrong-scenario', 'bad-apikey');
  const garbageAuth = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('Bearer ', 'Bearer null', 'Bearer eyJhbGciOiJub25lIn0.eyJvcmciOiIxMTUzMDEwMDAxNTMwMTAxN00ifQ.', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(9000)}`));
  const json = (o: unknown) => JSON.stringify(o);
  const bodies: fc.Arbitrary<[AbuseInput['kind'], string, string]> = fc.oneof(
    { weight: 8, arbitrary: documentArb(pools).map((d) => ['document', json(d), 'application/json'] as [AbuseInput['kind'], string, string]) },
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
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(ROOT_ARGS).filter((f) => f !== 'catalog')), fc.constantFrom(...INJECTIONS)).map(([field, v]) => {
      const arg = ROOT_ARGS[field][0];
      const sel = SCHEMA.Query[field] === 'Person' ? '{ name idNumber phone }' : SCHEMA.Query[field]?.endsWith('Connection') ? '{ totalCount edges { cursor node { __typename } } }' : SCHEMA.Query[field] ? '{ __typename }' : '';
      const others = field.endsWith('ByDivision') ? ', first: $f, after: $a' : field === 'verifyPersonIdentity' ? ', name: $a' : '';
      const decl = field.endsWith('ByDivision') ? ', $f: Int, $a: String' : field === 'verifyPersonIdentity' ? ', $a: String!' : '';
      return ['injection', json({ query: `query($v: ${arg.endsWith('s') ? '[ID!]!' : arg === 'divisionCode' ? 'String!' : 'ID!'}${decl}) { ${field}(${arg}: $v${others}) ${sel} }`, variables: { v: v, f: typeof v === 'number' ? v : 5, a: typeof v === 'string' ? v : null } }), 'application/json'] as [AbuseInput['kind'], string, string];
    }) },
  );
  return fc.tuple(bodies, caller, garbageAuth).map(([[kind, body, contentType], c, g]) => ({ kind, caller: c, garbageAuth: g, body, contentType }));
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
  const summary: AbuseSummary = { inputsTried: 0, faultsInjected: 0, requestsAnswered: 0, dataLeaked: 0, auditRecordsLost: 0, crashes: 0, maskedDataSeen: 0, unexpected5xx: 0, findings: [], skipped: [] };
  const finding = (s: string) => {
    if (summary.findings.length < 50) summary.findings.push(s);
    log(`FINDING: ${s}`);
  };

  const secrets = buildSecrets();
  if (secrets.names.size < 100 || secrets.idNumbers.size < 1000 || secrets.phones.size < 100) throw new Error('leak oracle: secret set too small');
  // The oracle must not pass vacuously: it flags each kind of secret, and a masked value is not one.
  const [aName] = secrets.names; const [anId] = secrets.idNumbers; const [aPhone] = secrets.phones;
  for (const probe of [{ data: { x: aName } }, { data: { [anId]: 1 } }, { data: { p: aPhone } }, { errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR', m: 'at /work/main/gateway/x.ts:1' } }] }, { errors: [{ message: 'boom\n    at f (x)' }] }]) {
    if (!leakReason(secrets, JSON.stringify(probe), '')) throw new Error(`leak oracle misses ${JSON.stringify(probe)}`);
  }
  if (leakReason(secrets, JSON.stringify({ data: { name: `${aName[0]}*`, idNumber: `${anId.slice(0, 6)}********${anId.slice(14)}` } }), '')) throw new Error('leak oracle flags masked values');

  const pools = buildPools();
  const inputs = sampleInputs(budget.inputs, seed, pools);
  const past = Math.floor(Date.now() / 1000) - 3600;
  const auth: Record<Caller, (g: string) => Record<string, string>> = await (async () => {
    const inst = `Bearer ${await credentials.token({ org: ABUSE_INSTITUTION, sub: 'op-abuse' })}`;
    const forged = `Bearer ${await credentials.forgedToken({ org: ABUSE_INSTITUTION, roles: ['institution', 'admin'], div: '530000' })}`;
    const expired = `Bearer ${await credentials.token({ org: ABUSE_INSTITUTION, expiresIn: past })}`;
    const key = credentials.apiKey('x');
    return {
      institution: () => ({ authorization: inst, 'x-scenario-id': ABUSE_SCENARIO }),
      'wrong-scenario': () => ({ authorization: inst, 'x-scenario-id': "abuse' OR 1=1 --" }),
      anonymous: () => ({}),
      developer: () => ({ 'x-api-key': key, 'x-scenario-id': ABUSE_SCENARIO }),
      forged: () => ({ authorization: forged, 'x-scenario-id': ABUSE_SCENARIO }),
      expired: () => ({ authorization: expired, 'x-scenario-id': ABUSE_SCENARIO }),
      garbage: (g) => ({ authorization: g.startsWith('Bearer') || g.startsWith('Basic') ? g : `Bearer ${g}`, 'x-scenario-id': ABUSE_SCENARIO }),
      'bad-apikey': (g) => ({ 'x-api-key': `${key.slice(0, -2)}${g.slice(0, 2) || 'zz'}`, 'x-scenario-id': ABUSE_SCENARIO }),
    };
  })();

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
        headers = { 'content-type': input.contentType, ...auth[input.caller](input.garbageAuth) };
        for (const [k, v] of Object.entries(headers)) if (/[^\t\x20-\x7e]/.test(v)) headers[k] = encodeURIComponent(v);
      } catch {
        headers = { 'content-type': input.contentType };
      }
      summary.inputsTried++;
      try {
        const r = await post(stack.gatewayUrl, input.body, headers);
        summary.requestsAnswered++;
        const reason = leakReason(secrets, r.text, input.body);
        if (reason) {
          summary.dataLeaked++;
          finding(`leak #${index} (${input.kind}, ${input.caller}, HTTP ${r.status}): ${reason}; request ${input.body.slice(0, 300)}`);
        }
        if (r.status >= 500 && r.status !== 503) {
          summary.unexpected5xx++;
          finding(`HTTP ${r.status} #${index} (${input.kind}, ${input.caller}): ${r.text.slice(0, 200)}; request ${input.body.slice(0, 200)}`);
        }
        if (r.status === 503 && !/AUDIT_UNAVAILABLE|POLICY_STATE_UNAVAILABLE|RATE_LIMIT_UNAVAILABLE|NOT_READY|UNAVAILABLE/.test(r.text)) {
          finding(`undocumented 503 #${index}: ${r.text.slice(0, 200)}`);
        }
        if (r.status === 200 && /\p{Script=Han}\*+"|\d{6}\*{8}[\dX]{4}/u.test(r.text)) summary.maskedDataSeen++;
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
  const env = replicaEnv(stack.subgraphUrls, credentials, grantsFile);
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
