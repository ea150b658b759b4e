// The policy as callers meet it: a running channel, real tokens and API keys, grants with real
// validity windows. Each case asserts what the client sees, over HTTP.
import { graphql, type GraphQLResult } from './support/graphql';
import { Credentials, writeGrantsFile } from './support/credentials';
import { metricsUrlOf, readCounter, startStack, type Stack } from './support/stack';
import { TEST_SCALE } from './support/federation-suite';

const MINZHENG = '11530100015301017M'; // 昆明市民政局: holds grants
const SCJG = '11530100015301025G'; // 昆明市市场监督管理局: a grant for another field only
const DAY = 24 * 3600 * 1000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const GRANTS = [
  {
    id: 'g-active',
    grantee: { kind: 'institution', id: MINZHENG },
    scenario: 'social-assistance-review',
    fields: ['Person.idNumber', 'Person.name', 'Person.birthDate', 'Person.phone', 'Person.licences', 'Licence.holder', 'Licence.number', 'Query.personsByDivision'],
    plain: ['Person.name'],
    validFrom: iso(-DAY),
    validUntil: iso(DAY),
  },
  {
    id: 'g-expired',
    grantee: { kind: 'institution', id: MINZHENG },
    scenario: 'old-scenario',
    fields: ['Person.idNumber', 'Person.name'],
    validFrom: iso(-10 * DAY),
    validUntil: iso(-DAY),
  },
  {
    id: 'g-other-field',
    grantee: { kind: 'institution', id: SCJG },
    scenario: 'food-permit-inspection',
    fields: ['Person.householdAddress', 'Query.personsByDivision'],
    validFrom: iso(-DAY),
    validUntil: iso(DAY),
  },
  {
    id: 'g-developer',
    grantee: { kind: 'developer', id: 'realname-app' },
    scenario: 'realname-verification',
    fields: ['Query.verifyPersonIdentity', 'LegalEntity.licences', 'Licence.type'],
    validFrom: iso(-DAY),
    validUntil: iso(DAY),
  },
];

const codes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);
const PHONE = /"1[3-9]\d{9}"/; // a mobile number as a JSON string value

describe('policy at query time', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let url: string;
  let ids: string[];
  let minzheng: string;
  let scjg: string;

  const asInstitution = (token: string, scenario?: string) => ({
    authorization: `Bearer ${token}`,
    ...(scenario ? { 'x-scenario-id': scenario } : {}),
  });

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile(GRANTS), ...credentials.env() });
    url = stack.gatewayUrl;
    minzheng = await credentials.token({ org: MINZHENG, sub: 'op-mz-01' });
    scjg = await credentials.token({ org: SCJG, sub: 'op-sc-01' });
    // Identity numbers come back masked to every caller here; the data is deterministic, so the
    // test reads real ones from the generator the subgraphs seeded from.
    const { personIdAt, DEFAULT_SEED } = await import('../subgraphs/seed/generator');
    ids = [0, 1, 2, 3].map((i) => personIdAt(DEFAULT_SEED, i));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  describe('institution operators', () => {
    it('get unconditional fields with a scenario, plain; without a scenario everything is SCENARIO_REQUIRED', async () => {
      const query = 'query($id: ID!) { person(idNumber: $id) { gender status divisionCode } }';
      const withScenario: any = await graphql(url, query, { id: ids[0] }, asInstitution(scjg, 'food-permit-inspection'));
      expect(withScenario.errors).toBeUndefined();
      expect(withScenario.data.person.gender).toMatch(/^(MALE|FEMALE)$/);
      const without: any = await graphql(url, query, { id: ids[0] }, asInstitution(scjg));
      expect(without.data.person).toBeNull();
      expect(codes(without)).toEqual(['SCENARIO_REQUIRED']);
    });

    it('get conditional fields only under an active grant for their own scenario, masked unless the grant says plain', async () => {
      const query = 'query($id: ID!) { person(idNumber: $id) { idNumber name birthDate gender } }';
      const granted: any = await graphql(url, query, { id: ids[0] }, asInstitution(minzheng, 'social-assistance-review'));
      expect(granted.errors).toBeUndefined();
      const person = granted.data.person;
      // The birth date's year is visible too, so one more character is hidden (inference control: first
      // 6 + last 4 with the year would leave fewer than 100 candidates; see test/mask-inference.test.ts).
      expect(person.idNumber).toBe(`${ids[0].slice(0, 6)}*********${ids[0].slice(15)}`);
      expect(person.birthDate).toMatch(/^\d{4}-\*\*-\*\*$/); // granted, but not plain: masked to the year
      expect(person.name).not.toContain('*'); // plain by grant
      // The plain name is the real one: the verification service agrees.
      const check: any = await graphql(url, 'query($id: ID!, $name: String!) { verifyPersonIdentity(idNumber: $id, name: $name) }', { id: ids[0], name: person.name }, asInstitution(minzheng, 'social-assistance-review'));
      expect(check.data.verifyPersonIdentity).toBe('MATCH');

      const expired: any = await graphql(url, query, { id: ids[0] }, asInstitution(minzheng, 'old-scenario'));
      expect(expired.data.person.gender).toMatch(/^(MALE|FEMALE)$/);
      expect(expired.data.person.idNumber).toBeNull();
      expect(codes(expired).sort()).toEqual(['GRANT_EXPIRED', 'GRANT_EXPIRED', 'GRANT_REQUIRED']);

      // Another institution's scenario name gives nothing: grants bind institution AND scenario.
      const foreign: any = await graphql(url, query, { id: ids[0] }, asInstitution(scjg, 'social-assistance-review'));
      expect(foreign.data.person.name).toBeNull();
      expect(codes(foreign)).toEqual(['GRANT_REQUIRED', 'GRANT_REQUIRED', 'GRANT_REQUIRED']);

      // A grant for another field of the same type does not cover this one.
      const otherField: any = await graphql(url, query, { id: ids[0] }, asInstitution(scjg, 'food-permit-inspection'));
      expect(otherField.data.person.idNumber).toBeNull();
      expect(otherField.data.person.name).toBeNull();
      expect(codes(otherField)).toContain('GRANT_REQUIRED');
    });

    it('never get NOT_SHARED fields, even when a grant lists them', async () => {
      const result: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { name phone } }', { id: ids[0] }, asInstitution(minzheng, 'social-assistance-review'));
      expect(result.data.person.phone).toBeNull();
      expect(result.errors).toEqual([
        expect.objectContaining({ path: ['person', 'phone'], extensions: expect.objectContaining({ code: 'NOT_SHARED', coordinate: 'Person.phone' }) }),
      ]);
      expect(result.errors[0].message).toMatch(/不予共享.*not shared/);
    });

    it('are refused outright with a forged, expired, wrong-issuer or wrong-audience token', async () => {
      const tokens = {
        SIGNATURE: await credentials.forgedToken({ org: MINZHENG }),
        EXPIRED: await credentials.token({ org: MINZHENG, expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
        ISSUER: await credentials.token({ org: MINZHENG, issuer: 'https://evil.example/issuer' }),
        AUDIENCE: await credentials.token({ org: MINZHENG, audience: 'someone-else' }),
        CLAIMS: await credentials.token({ org: '91530100MA6K00000A' }),
      };
      for (const [reason, token] of Object.entries(tokens)) {
        const result: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { gender } }', { id: ids[0] }, asInstitution(token, 'social-assistance-review'));
        expect(result.status).toBe(401);
        expect(result.data ?? null).toBeNull();
        expect(result.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
      }
      const malformed: any = await graphql(url, '{ __typename }', undefined, { authorization: 'Bearer not-a-jwt' });
      expect(malformed.status).toBe(401);
    });
  });

  describe('app developers and the public', () => {
    it('get unconditionally open data, with or without a key', async () => {
      const query = '{ legalEntitiesByDivision(divisionCode: "530100", first: 3) { totalCount edges { node { creditCode name status } } } }';
      for (const headers of [{}, { 'x-api-key': credentials.apiKey('someone') }] as Record<string, string>[]) {
        const result: any = await graphql(url, query, undefined, headers);
        expect(result.errors).toBeUndefined();
        expect(result.data.legalEntitiesByDivision.edges).toHaveLength(3);
        expect(result.extensions.provenance.sources).toEqual([expect.objectContaining({ dataset: '法人基础信息', provider: '云南省市场监督管理局' })]);
      }
    });

    it('get conditionally open data only with a developer grant for the scenario; the public never', async () => {
      const query = '{ legalEntitiesByDivision(divisionCode: "530100", first: 5) { edges { node { name licences { type } } } } }';
      const granted: any = await graphql(url, query, undefined, { 'x-api-key': credentials.apiKey('realname-app'), 'x-scenario-id': 'realname-verification' });
      expect(granted.errors).toBeUndefined();
      expect(granted.data.legalEntitiesByDivision.edges.some((e: any) => e.node.licences.length > 0)).toBe(true);
      const ungranted: any = await graphql(url, query, undefined, { 'x-api-key': credentials.apiKey('other-app'), 'x-scenario-id': 'realname-verification' });
      expect(codes(ungranted)).toEqual(['GRANT_REQUIRED']);
      expect(ungranted.data.legalEntitiesByDivision.edges[0].node.licences).toBeNull();
      const anonymous: any = await graphql(url, query);
      expect(codes(anonymous)).toEqual(['NOT_OPEN']);
    });

    it('cannot read personal data, and an invalid API key is refused', async () => {
      const result: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { name } }', { id: ids[0] }, { 'x-api-key': credentials.apiKey('realname-app'), 'x-scenario-id': 'realname-verification' });
      expect(result.data.person).toBeNull();
      expect(codes(result)).toEqual(['NOT_OPEN']);
      const forged: any = await graphql(url, '{ __typename }', undefined, { 'x-api-key': 'pdk.realname-app.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      expect(forged.status).toBe(401);
    });

    it('verify identity with a grant and learn nothing but MATCH or NO_MATCH', async () => {
      const headers = { 'x-api-key': credentials.apiKey('realname-app'), 'x-scenario-id': 'realname-verification' };
      const query = 'query($id: ID!, $name: String!) { verifyPersonIdentity(idNumber: $id, name: $name) }';
      const wrong: any = await graphql(url, query, { id: ids[1], name: '不是这个人' }, headers);
      expect(wrong.data.verifyPersonIdentity).toBe('NO_MATCH');
      const anonymous: any = await graphql(url, query, { id: ids[1], name: '不是这个人' });
      expect(codes(anonymous)).toEqual(['NOT_OPEN']);
    });
  });

  describe('bypass attempts', () => {
    const granted = () => asInstitution(minzheng, 'social-assistance-review');

    it('aliases, named fragments, nested and inline fragments and union members of a denied field are each denied', async () => {
      const query = `query($id: ID!) {
        person(idNumber: $id) {
          a: phone
          b: phone
          ...PhoneFragment
          ... on Person { c: phone ... { d: phone } }
          licences { holder { ... on Person { e: phone } ... on LegalEntity { name } } }
        }
      }
      fragment PhoneFragment on Person { f: phone ...Nested }
      fragment Nested on Person { g: phone }`;
      const result: any = await graphql(url, query, { id: ids[0] }, granted());
      const body = JSON.stringify(result);
      expect(body).not.toMatch(PHONE);
      const paths = result.errors.map((e: any) => e.path.join('.')).sort();
      expect(paths).toEqual(['person.a', 'person.b', 'person.c', 'person.d', 'person.f', 'person.g', 'person.licences.@.holder.e'].sort());
      for (const key of ['a', 'b', 'c', 'd', 'f', 'g']) expect(result.data.person[key]).toBeNull();
      for (const licence of result.data.person.licences) expect(licence.holder.e ?? null).toBeNull();
      expect(new Set(codes(result))).toEqual(new Set(['NOT_SHARED']));
    });

    it('@skip / @include follow the variables: a skipped denied field costs nothing, an included one is denied', async () => {
      const query = 'query($id: ID!, $show: Boolean!) { person(idNumber: $id) { gender phone @include(if: $show) } }';
      const hidden: any = await graphql(url, query, { id: ids[0], show: false }, granted());
      expect(hidden.errors).toBeUndefined();
      const shown: any = await graphql(url, query, { id: ids[0], show: true }, granted());
      expect(codes(shown)).toEqual(['NOT_SHARED']);
    });

    it('_entities and _service are not reachable through the gateway', async () => {
      const entities: any = await graphql(url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { phone } } }', { r: [{ __typename: 'Person', idNumber: ids[0] }] }, granted());
      expect(entities.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(entities)).not.toMatch(PHONE);
      const service: any = await graphql(url, '{ _service { sdl } }', undefined, granted());
      expect(service.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('a direct subgraph call without the gateway signature is refused', async () => {
      const direct = await graphql(stack.subgraphUrls.population, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { phone } } }', { r: [{ __typename: 'Person', idNumber: ids[0] }] });
      expect(direct.status).toBe(401);
      expect(direct.errors?.[0].extensions?.code).toBe('UNSIGNED_REQUEST');
      expect(JSON.stringify(direct)).not.toMatch(PHONE);
      const forged = await graphql(stack.subgraphUrls.population, '{ _service { sdl } }', undefined, {
        'x-pd-timestamp': String(Date.now()),
        'x-pd-caller': 'institution:x',
        'x-pd-signature': 'forged',
      });
      expect(forged.status).toBe(401);
    });

    it('introspection shows each audience only what it could be granted, and cannot be mixed with data', async () => {
      const typeQuery = '{ __type(name: "Person") { fields { name } } }';
      const anonymous: any = await graphql(url, typeQuery);
      expect(anonymous.data.__type).toBeNull();
      const institution: any = await graphql(url, typeQuery, undefined, granted());
      const fields = institution.data.__type.fields.map((f: any) => f.name);
      expect(fields).toContain('name');
      expect(fields).not.toContain('phone');
      const mixed: any = await graphql(url, 'query($id: ID!) { __schema { types { name } } person(idNumber: $id) { gender } }', { id: ids[0] }, granted());
      expect(mixed.data.__schema).toBeNull();
      expect(codes(mixed)).toEqual(['INTROSPECTION_MIXED']);
      expect(mixed.data.person.gender).toMatch(/^(MALE|FEMALE)$/);
    });

    it('validation errors suggest no field names', async () => {
      const result: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { phon } }', { id: ids[0] }, granted());
      expect(result.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean|phone/);
    });

    it('a malformed scenario header is a coded 400', async () => {
      const result = await graphql(url, '{ __typename }', undefined, { 'x-scenario-id': 'bad scenario with spaces' });
      expect(result.status).toBe(400);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    });
  });

  describe('identical requests in flight', () => {
    const query = 'query($id: ID!) { person(idNumber: $id) { idNumber name gender } }';
    const populationCalls = () => readCounter(metricsUrlOf(stack.subgraphUrls.population), 'subgraph_requests_total');

    it('share one subgraph call for the same caller, each answer complete and its own', async () => {
      const before = await populationCalls();
      const headers = asInstitution(minzheng, 'social-assistance-review');
      const answers: any[] = await Promise.all(Array.from({ length: 12 }, () => graphql(url, query, { id: ids[1] }, headers)));
      const calls = (await populationCalls()) - before;
      for (const answer of answers) {
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual(answers[0].data);
      }
      expect(answers[0].data.person.idNumber).toBe(`${ids[1].slice(0, 6)}*********${ids[1].slice(15)}`);
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(calls).toBeLessThan(12);
    });

    it('never share a call between callers: another operator is another caller', async () => {
      const tokens = await Promise.all(Array.from({ length: 12 }, (_, i) => credentials.token({ org: MINZHENG, sub: `op-mz-${100 + i}` })));
      const before = await populationCalls();
      const answers: any[] = await Promise.all(tokens.map((token) => graphql(url, query, { id: ids[2] }, asInstitution(token, 'social-assistance-review'))));
      expect((await populationCalls()) - before).toBe(12);
      for (const answer of answers) expect(answer.data).toEqual(answers[0].data);
    });
  });
});

describe('hardening: known bypasses', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let headers: Record<string, string>;
  const id = () => require('../subgraphs/seed/generator').personIdAt(require('../subgraphs/seed/generator').DEFAULT_SEED, 0) as string;

  beforeAll(async () => {
    const grant = { id: 'h', grantee: { kind: 'institution', id: MINZHENG }, scenario: 'h', fields: ['Person.name', 'Person.idNumber'], validFrom: iso(-DAY), validUntil: iso(DAY) };
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile([grant]), ...credentials.env() });
    headers = { authorization: `Bearer ${await credentials.token({ org: MINZHENG })}`, 'x-scenario-id': 'h' };
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('aliases named __proto__ and constructor are masked and denied like any other key', async () => {
    const result: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { __proto__: name constructor: phone toString: idNumber } }', { id: id() }, headers);
    const body = JSON.stringify(result);
    expect(body).not.toMatch(PHONE);
    const person = result.data.person;
    expect(Object.prototype.hasOwnProperty.call(person, '__proto__')).toBe(true);
    expect(person['__proto__']).toMatch(/^\p{Script=Han}\*+$/u); // masked name
    expect(person.constructor).toBeNull();
    expect(person.toString).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(codes(result)).toEqual(['NOT_SHARED']);
  });

  it('refuses batched (array) requests, GET mutations and cross-site simple requests', async () => {
    const batched = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) });
    expect(batched.status).toBe(400);
    const getMutation = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('mutation { liftSuspension(id: "x") { id } }')}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
    expect(getMutation.status).toBe(405);
    // A form post a browser could send cross-site without preflight is refused (CSRF prevention).
    const simple = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: 'mutation { liftSuspension(id: "x") { id } }' }) });
    expect(simple.status).toBe(400);
  });

  it('answers oversized integers and huge strings in arguments with coded errors, and stays up', async () => {
    const huge: any = await graphql(stack.gatewayUrl, '{ personsByDivision(divisionCode: "530102", first: 99999999999999999999) { totalCount } }', undefined, headers);
    expect(huge.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const long: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { name } }', { id: 'x'.repeat(90_000) }, headers);
    expect(long.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const tooBig = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }', variables: { x: 'y'.repeat(200_000) } }) });
    expect(tooBig.status).toBe(413);
    const alive: any = await graphql(stack.gatewayUrl, '{ __typename }');
    expect(alive.data).toEqual({ __typename: 'Query' });
  });
});
