// Hole 8: attacks through the request's envelope rather than its selection — GET, automatic persisted
// queries, prototype-named variables, several operations in one document, two credentials at once.
// Each asserts that nothing leaks (no phone — never shared —, no address or plain name the caller's
// grant does not give) and nothing changes (a privileged grant still works afterwards).
import crypto from 'node:crypto';
import { Credentials, writeGrantsFile } from './support/credentials';
import { graphql, type GraphQLResult } from './support/graphql';
import { TEST_SCALE } from './support/federation-suite';
import { startStack, type Stack } from './support/stack';
import { DEFAULT_SEED, personAt, personIdAt } from '../subgraphs/seed/generator';

const PRIVILEGED = '11530100015301017M'; // may see the household address, plain
const LESSER = '11530100015301025G'; // name only, masked
const ADMIN = '115300000152010080'; // 云南省数据局, a registered data authority (see gateway/fixtures/institutions.dev.json)
const SCENARIO = 'attack';
const DAY = 24 * 3600 * 1000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const codes = (result: { errors?: { extensions?: Record<string, any> }[] }) => (result.errors ?? []).map((e) => e.extensions?.code);
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** A seeded person with a phone number (never shared) and an address (granted to PRIVILEGED only). */
const WITH_PHONE = [...Array(50).keys()].find((i) => personAt(DEFAULT_SEED, i).phone !== null)!;
const ID = personIdAt(DEFAULT_SEED, WITH_PHONE);
const PHONE = personAt(DEFAULT_SEED, WITH_PHONE).phone!;
const NAME = personAt(DEFAULT_SEED, WITH_PHONE).name;
const ADDRESS = personAt(DEFAULT_SEED, WITH_PHONE).householdAddress;

describe('hole 8: attack tests', () => {
  const credentials = new Credentials();
  const grants = [
    { id: 'g-privileged', grantee: { kind: 'institution', id: PRIVILEGED }, scenario: SCENARIO, fields: ['Person.name', 'Person.householdAddress'], plain: ['Person.name', 'Person.householdAddress'], validFrom: iso(-DAY), validUntil: iso(DAY) },
    { id: 'g-lesser', grantee: { kind: 'institution', id: LESSER }, scenario: SCENARIO, fields: ['Person.name'], validFrom: iso(-DAY), validUntil: iso(DAY) },
  ];
  let stack: Stack;
  let privileged: Record<string, string>;
  let lesser: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile(grants), ...credentials.env() });
    privileged = { authorization: `Bearer ${await credentials.token({ org: PRIVILEGED })}`, 'x-scenario-id': SCENARIO };
    lesser = { authorization: `Bearer ${await credentials.token({ org: LESSER })}`, 'x-scenario-id': SCENARIO };
    admin = { authorization: `Bearer ${await credentials.token({ org: ADMIN, roles: ['admin'], div: '530000', sub: 'admin-1' })}` };
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  /** Raw POST of a body written by hand (JSON.stringify cannot write a "__proto__" key). */
  async function postRaw(body: string, headers: Record<string, string>): Promise<GraphQLResult> {
    const response = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, headers: response.headers, ...(await response.json()) };
  }
  async function get(params: Record<string, string>, headers: Record<string, string>): Promise<GraphQLResult> {
    const response = await fetch(`${stack.gatewayUrl}?${new URLSearchParams(params)}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
    return { status: response.status, headers: response.headers, ...(await response.json()) };
  }
  /** Nothing changed: the privileged grant still gives the plain address. */
  async function privilegedStillWorks() {
    const check = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { householdAddress } }', { id: ID }, privileged);
    expect(check.errors).toBeUndefined();
    expect(check.data?.person.householdAddress).toBe(ADDRESS);
  }
  const noLeak = (result: unknown) => {
    expect(JSON.stringify(result)).not.toContain(PHONE);
    expect(JSON.stringify(result)).not.toContain(ADDRESS);
    expect(JSON.stringify(result)).not.toContain(`"${NAME}"`); // the lesser grant gives the name masked only
  };

  it('hole 8: GET selecting denied fields gets the same policy as POST', async () => {
    const query = 'query($id: ID!) { person(idNumber: $id) { name householdAddress phone } }';
    const viaGet = await get({ query, variables: JSON.stringify({ id: ID }) }, lesser);
    const viaPost = await graphql(stack.gatewayUrl, query, { id: ID }, lesser);
    noLeak(viaGet);
    expect(viaGet.data?.person.phone).toBeNull();
    expect(viaGet.data?.person.householdAddress).toBeNull();
    expect(viaGet.data?.person.name).toMatch(/\*/);
    expect(codes(viaGet).length).toBeGreaterThan(0);
    expect({ data: viaGet.data, codes: codes(viaGet) }).toEqual({ data: viaPost.data, codes: codes(viaPost) });
    // Without a credential, GET gets what anonymous gets: no personal data.
    const anonymous = await get({ query, variables: JSON.stringify({ id: ID }) }, {});
    noLeak(anonymous);
    expect(anonymous.data?.person?.householdAddress ?? null).toBeNull();
  });

  it('hole 8: mutations over GET are refused (405) and change nothing, even for an admin', async () => {
    const suspend = 'mutation { suspend(target: GRANT, id: "g-privileged", reason: "via GET") { id } }';
    const refused = await get({ query: suspend }, admin);
    expect(refused.status).toBe(405);
    expect(refused.data ?? null).toBeNull();
    // A document holding a query and a mutation, the mutation chosen by operationName: refused too.
    const mixed = await get({ query: `query Q { __typename } ${suspend.replace('mutation', 'mutation M')}`, operationName: 'M' }, admin);
    expect(mixed.status).toBe(405);
    // GET without a preflight-forcing header (a cross-site link or image) is refused before anything runs.
    const simple = await fetch(`${stack.gatewayUrl}?${new URLSearchParams({ query: '{ __typename }' })}`, { headers: admin });
    expect(simple.status).toBe(400);
    await privilegedStillWorks();
  });

  it('hole 8: a persisted query registered by a privileged caller serves a lesser one only its own policy', async () => {
    const query = 'query Address($id: ID!) { person(idNumber: $id) { name householdAddress } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    // Registered (automatic persisted queries, the default mode) by the privileged caller, who sees it all …
    const registering = await postRaw(JSON.stringify({ query, variables: { id: ID }, extensions }), privileged);
    expect(registering.errors).toBeUndefined();
    expect(registering.data?.person.householdAddress).toBe(ADDRESS);
    // … then sent by hash alone, over POST and GET, by a lesser caller, a developer and nobody.
    const developer = { 'x-api-key': credentials.apiKey('attack-app'), 'x-scenario-id': SCENARIO };
    for (const headers of [lesser, developer, {}]) {
      for (const result of [
        await postRaw(JSON.stringify({ variables: { id: ID }, extensions }), headers),
        await get({ variables: JSON.stringify({ id: ID }), extensions: JSON.stringify(extensions) }, headers),
      ]) {
        noLeak(result);
        // Either the hash is not served to it, or the policy nulls what it may not see.
        if (codes(result).includes('PERSISTED_QUERY_NOT_FOUND')) continue;
        expect(result.data?.person?.householdAddress ?? null).toBeNull();
        expect(codes(result).length).toBeGreaterThan(0);
      }
    }
    await privilegedStillWorks();
  });

  it('hole 8: variables named __proto__ and constructor, and "__proto__" keys in JSON, are plain names', async () => {
    const query = 'query($__proto__: ID!, $constructor: ID!) { a: person(idNumber: $__proto__) { name householdAddress phone } b: person(idNumber: $constructor) { name } }';
    const body = `{"query":${JSON.stringify(query)},"variables":{"__proto__":${JSON.stringify(ID)},"constructor":${JSON.stringify(ID)}}}`;
    const result = await postRaw(body, lesser);
    noLeak(result);
    expect(result.data?.a.name).toMatch(/\*/);
    expect(result.data?.a.phone).toBeNull();
    expect(result.data?.a.householdAddress).toBeNull();
    expect(result.data?.b.name).toEqual(result.data?.a.name);
    // A "__proto__" object in the variables does not lend anything to the request (nor to later ones).
    const polluting = `{"query":"query($id: ID!) { person(idNumber: $id) { name householdAddress } }","variables":{"id":${JSON.stringify(ID)},"__proto__":{"plain":["Person.householdAddress"],"fields":["Person.householdAddress"],"roles":["admin"],"kind":"institution"}}}`;
    const polluted = await postRaw(polluting, lesser);
    noLeak(polluted);
    expect(polluted.data?.person.householdAddress).toBeNull();
    const later = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { name householdAddress phone } }', { id: ID }, lesser);
    noLeak(later);
    // The verification budget counts a subject named through $__proto__ like any other (4 per caller).
    const verify = 'query($__proto__: ID!) { verifyPersonIdentity(idNumber: $__proto__, name: "x") }';
    const verifyBody = `{"query":${JSON.stringify(verify)},"variables":{"__proto__":${JSON.stringify(personIdAt(DEFAULT_SEED, 30))}}}`;
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await postRaw(verifyBody, privileged));
    expect(answers.slice(0, 4).map((a) => a.data?.verifyPersonIdentity)).toEqual(['NO_MATCH', 'NO_MATCH', 'NO_MATCH', 'NO_MATCH']);
    expect(answers[4].errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-pair' });
    const direct = await graphql(stack.gatewayUrl, 'query($id: ID!) { verifyPersonIdentity(idNumber: $id, name: "x") }', { id: personIdAt(DEFAULT_SEED, 30) }, privileged);
    expect(direct.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'verify-pair' });
    await privilegedStillWorks();
  });

  it('hole 8: a denied field aliased __proto__ comes back as a null key with its error, not as a vanished key', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...lesser },
      body: JSON.stringify({ query: 'query($id: ID!) { person(idNumber: $id) { __proto__: householdAddress constructor: phone name } }', variables: { id: ID } }),
    });
    const text = await response.text();
    expect(text).not.toContain(ADDRESS);
    expect(text).not.toContain(PHONE);
    const person = JSON.parse(text).data.person;
    expect(Object.keys(person).sort()).toEqual(['__proto__', 'constructor', 'name']);
    expect(Object.getOwnPropertyDescriptor(person, '__proto__')?.value).toBeNull();
    expect(person.constructor).toBeNull();
    expect(JSON.parse(text).errors.map((e: any) => e.path.at(-1)).sort()).toEqual(['__proto__', 'constructor']);
    // The same at the root: without a scenario the lookup itself is denied.
    const { authorization } = lesser;
    const root = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: 'query($id: ID!) { __proto__: person(idNumber: $id) { name } }', variables: { id: ID } }),
    });
    const rootBody = JSON.parse(await root.text());
    expect(Object.keys(rootBody.data)).toEqual(['__proto__']);
    expect(rootBody.errors[0].extensions.code).toBe('SCENARIO_REQUIRED');
  });

  it('hole 8: several operations in one document: operationName selects one, the policy applies to that one', async () => {
    const document = 'query Safe($id: ID!) { person(idNumber: $id) { name } } query Leak($id: ID!) { person(idNumber: $id) { name householdAddress phone } }';
    const send = (operationName?: string) => postRaw(JSON.stringify({ query: document, variables: { id: ID }, ...(operationName ? { operationName } : {}) }), lesser);
    const safe = await send('Safe');
    expect(safe.errors).toBeUndefined();
    expect(safe.data?.person.name).toMatch(/\*/);
    const leak = await send('Leak');
    noLeak(leak);
    expect(leak.data?.person.householdAddress).toBeNull();
    expect(codes(leak).length).toBeGreaterThan(0);
    // The privileged caller choosing Leak gets its own policy's answer from the same document.
    const allowed = await postRaw(JSON.stringify({ query: document, variables: { id: ID }, operationName: 'Leak' }), privileged);
    expect(allowed.data?.person.householdAddress).toBe(ADDRESS);
    // No operationName, or one the document does not hold: a coded, bilingual 400 and no data.
    for (const [result, code] of [[await send(), 'OPERATION_NAME_REQUIRED'], [await send('Missing'), 'OPERATION_NOT_FOUND']] as const) {
      noLeak(result);
      expect(result.data ?? null).toBeNull();
      expect(result.status).toBe(400);
      expect(codes(result)).toEqual([code]);
      expect(result.errors?.[0].message).toMatch(/操作.* \/ .*operation/);
    }
  });

  it('hole 8: a token and an API key together are refused (401 UNAUTHENTICATED, AMBIGUOUS), bilingual', async () => {
    const both = { ...lesser, 'x-api-key': credentials.apiKey('attack-app') };
    const result = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { name householdAddress phone } }', { id: ID }, both);
    expect(result.status).toBe(401);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'AMBIGUOUS' });
    expect(result.errors?.[0].message).toMatch(/凭证 \/ .*token or an API key/);
    expect(result.data ?? null).toBeNull();
    noLeak(result);
    // Also with the privileged token (the key cannot be used to pick a policy), and over GET.
    const privilegedBoth = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { householdAddress } }', { id: ID }, { ...privileged, 'x-api-key': credentials.apiKey('attack-app') });
    expect(privilegedBoth.status).toBe(401);
    noLeak(privilegedBoth);
    const viaGet = await get({ query: `{ person(idNumber: "${ID}") { name householdAddress } }` }, both);
    expect(viaGet.status).toBe(401);
    noLeak(viaGet);
  });
});
