// The federated graph's behaviour, asserted over HTTP on a running channel. Defined once and run
// against each storage engine (PGlite by default, the real PostgreSQL when DATABASE_URL is set).
import { Credentials, writeGrantsFile } from './credentials';
import { graphql as request } from './graphql';
import { metricsUrlOf, readCounter, startStack, type Stack } from './stack';

/** Test data size: 1,000 persons, 250 legal entities, 2,000 licences — enough for N = 500. */
export const TEST_SCALE = '0.05';

const INSTITUTION = '11530100015301017M';

/** A grant to `institution` of every field the domains share, plain, so a test sees the data as stored. */
export function fullGrant(id: string, scenario: string, institution = INSTITUTION) {
  return {
    id,
    grantee: { kind: 'institution', id: institution },
    scenario,
    fields: ['Person.*', 'LegalEntity.*', 'Licence.*', 'Query.*'],
    plain: ['Person.*', 'LegalEntity.*', 'Licence.*', 'Query.*'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2100-01-01T00:00:00Z',
  };
}

const FULL_GRANT = fullGrant('federation-test-all-fields', 'federation-test');

export function federationSuite(env: () => NodeJS.ProcessEnv): void {
  const credentials = new Credentials();
  let stack: Stack;
  let url: string;
  let headers: Record<string, string>;
  const graphql = (target: string, query: string, variables?: Record<string, unknown>) => request(target, query, variables, headers);

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile([FULL_GRANT]), ...credentials.env(), ...env() });
    url = stack.gatewayUrl;
    headers = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION })}`, 'x-scenario-id': 'federation-test' };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  async function someIds(count: number): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    while (ids.length < count) {
      const page: any = await graphql(url, `query($after: String) { personsByDivision(divisionCode: "530000", first: 500, after: $after) { edges { node { idNumber } } pageInfo { hasNextPage endCursor } } }`, { after });
      ids.push(...page.data.personsByDivision.edges.map((e: any) => e.node.idNumber));
      if (!page.data.personsByDivision.pageInfo.hasNextPage) break;
      after = page.data.personsByDivision.pageInfo.endCursor;
    }
    if (ids.length < count) throw new Error(`only ${ids.length} persons in Yunnan`);
    return ids.slice(0, count);
  }

  it('answers { __typename } and reports health and readiness', async () => {
    const result = await graphql(url, '{ __typename }');
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ __typename: 'Query' });
    const base = url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, subgraphs: { population: 'up', 'legal-entity': 'up', licence: 'up', platform: 'up' } });
  });

  it('serves a GraphQL IDE from its own files to a browser', async () => {
    const base = url.replace(/\/graphql$/, '');
    const page = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    const scripts = [...html.matchAll(/(?:src|href)="(\/ide\/[^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBe(4);
    for (const asset of scripts) {
      const response = await fetch(`${base}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/); // no CDN
  });

  it('joins a person to their licences and legal entities and back, consistently across all three subgraphs', async () => {
    // Find a person who represents a legal entity.
    const entities: any = await graphql(url, `{ legalEntitiesByDivision(divisionCode: "530100", first: 5) { edges { node { creditCode legalRepresentative { idNumber } } } } }`);
    const entity = entities.data.legalEntitiesByDivision.edges[0].node;
    const idNumber = entity.legalRepresentative.idNumber;
    const result: any = await graphql(
      url,
      `query($id: ID!) { person(idNumber: $id) {
          idNumber name birthDate gender divisionCode
          householdMembers { idNumber householdNumber }
          householdNumber
          licences { number type holder { __typename ... on Person { idNumber name } } }
          legalEntities { creditCode name legalRepresentative { idNumber name }
            licences { number holder { __typename ... on LegalEntity { creditCode } } } }
        } }`,
      { id: idNumber },
    );
    expect(result.errors).toBeUndefined();
    const person = result.data.person;
    expect(person.idNumber).toBe(idNumber);
    expect(person.birthDate.replace(/-/g, '')).toBe(idNumber.slice(6, 14));
    expect(person.householdMembers.map((m: any) => m.idNumber)).toContain(idNumber);
    for (const member of person.householdMembers) expect(member.householdNumber).toBe(person.householdNumber);
    for (const licence of person.licences) {
      expect(licence.holder).toEqual({ __typename: 'Person', idNumber, name: person.name });
    }
    expect(person.legalEntities.map((e: any) => e.creditCode)).toContain(entity.creditCode);
    for (const legalEntity of person.legalEntities) {
      expect(legalEntity.legalRepresentative).toEqual({ idNumber, name: person.name });
      for (const licence of legalEntity.licences) {
        expect(licence.holder).toEqual({ __typename: 'LegalEntity', creditCode: legalEntity.creditCode });
      }
    }
  });

  it('rejects malformed identifiers with a coded bilingual error and answers null for unknown ones', async () => {
    const wrongCheck: any = await graphql(url, '{ person(idNumber: "530102199001011230") { name } }');
    const wrongLength: any = await graphql(url, '{ person(idNumber: "53010219900101123") { name } }');
    const badCode: any = await graphql(url, '{ legalEntity(creditCode: "91530100MA6K00000A") { name } }');
    for (const result of [wrongCheck, wrongLength, badCode]) {
      expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(result.errors[0].message).toMatch(/[\u4e00-\u9fff]/); // Chinese
      expect(result.errors[0].message).toMatch(/[a-z]{4}/); // English
    }
    expect(wrongCheck.errors[0].message).toMatch(/check/i);
    expect(wrongLength.errors[0].message).toMatch(/18/);
    // Well-formed (valid check digit) but not registered: null, no error.
    const unknown: any = await graphql(url, '{ person(idNumber: "11010519491231002X") { name } }');
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data.person).toBeNull();
  });

  it('returns several persons in the order asked, null for unknown ones', async () => {
    const ids = await someIds(3);
    const result: any = await graphql(url, 'query($ids: [ID!]!) { persons(idNumbers: $ids) { idNumber } }', {
      ids: [ids[2], '11010519491231002X', ids[0]],
    });
    expect(result.data.persons).toEqual([{ idNumber: ids[2] }, null, { idNumber: ids[0] }]);
  });

  it('pages through a division with cursors, without gaps or repeats, and totals agree', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let total = -1;
    for (;;) {
      const page: any = await graphql(url, `query($after: String) { personsByDivision(divisionCode: "530102", first: 7, after: $after) { totalCount edges { cursor node { idNumber divisionCode } } pageInfo { hasNextPage endCursor } } }`, { after });
      const connection = page.data.personsByDivision;
      total = connection.totalCount;
      for (const edge of connection.edges) {
        expect(edge.node.divisionCode).toBe('530102');
        expect(seen.has(edge.node.idNumber)).toBe(false);
        seen.add(edge.node.idNumber);
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(7);
    expect(seen.size).toBe(total);
    const bad: any = await graphql(url, '{ personsByDivision(divisionCode: "530102", after: "bm9wZQ") { totalCount } }');
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // A literal page that large is refused by the cost limit before planning; through a variable it
    // reaches the subgraph, which refuses it by its own bound.
    const tooCostly: any = await graphql(url, '{ personsByDivision(divisionCode: "530102", first: 100000) { totalCount edges { node { idNumber } } } }');
    expect(tooCostly.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_COST' });
    const tooMany: any = await graphql(url, 'query($first: Int) { personsByDivision(divisionCode: "530102", first: $first) { totalCount } }', { first: 100000 });
    expect(tooMany.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const licences: any = await graphql(url, '{ licencesByDivision(divisionCode: "520100", type: BUSINESS_LICENCE, first: 3) { totalCount edges { node { type divisionCode } } } }');
    for (const edge of licences.data.licencesByDivision.edges) {
      expect(edge.node.type).toBe('BUSINESS_LICENCE');
      expect(edge.node.divisionCode.startsWith('5201')).toBe(true);
    }
  });

  it('sends each distinct entity once to a subgraph, however often the plan repeats it', async () => {
    const [a, b] = await someIds(2);
    const licenceMetrics = metricsUrlOf(stack.subgraphUrls.licence);
    const before = await readCounter(licenceMetrics, 'subgraph_entity_representations_total');
    const result: any = await graphql(url, 'query($ids: [ID!]!) { persons(idNumbers: $ids) { idNumber licences { number } } }', { ids: [a, a, a, b, a] });
    expect(result.errors).toBeUndefined();
    expect(result.data.persons.map((p: any) => p.idNumber)).toEqual([a, a, a, b, a]);
    expect(result.data.persons[1].licences).toEqual(result.data.persons[0].licences);
    expect((await readCounter(licenceMetrics, 'subgraph_entity_representations_total')) - before).toBe(2);
  });

  it('makes the same number of subgraph requests and SQL statements for 1, 10 and 500 persons', async () => {
    // Every batch starts with a person who has licences and represents a legal entity, so each
    // stage of the query plan runs for every N; the rest are whoever the division listing gives.
    const reps: any = await graphql(url, `{ legalEntitiesByDivision(divisionCode: "530000", first: 50) { edges { node { legalRepresentative { idNumber licences { number } } } } } }`);
    const rich = reps.data.legalEntitiesByDivision.edges.map((e: any) => e.node.legalRepresentative).find((p: any) => p.licences.length > 0);
    expect(rich).toBeDefined();
    const ids = [rich.idNumber, ...(await someIds(600)).filter((id) => id !== rich.idNumber)].slice(0, 500);
    const query = `query($ids: [ID!]!) { persons(idNumbers: $ids) {
      idNumber name
      licences { number type holder { __typename ... on Person { idNumber } ... on LegalEntity { creditCode name } } }
      legalEntities { creditCode name legalRepresentative { name } licences { number } }
    } }`;
    const counters = async () => {
      const totals = { requests: 0, statements: 0 };
      // The data subgraphs only: the platform's audit commits and policy reads run beside any query.
      for (const [name, subgraphUrl] of Object.entries(stack.subgraphUrls)) {
        if (name === 'platform') continue;
        totals.requests += await readCounter(metricsUrlOf(subgraphUrl), 'subgraph_requests_total');
        totals.statements += await readCounter(metricsUrlOf(subgraphUrl), 'subgraph_sql_statements_total');
      }
      return totals;
    };
    const costs: { n: number; requests: number; statements: number }[] = [];
    for (const n of [1, 10, 500]) {
      const before = await counters();
      const result: any = await graphql(url, query, { ids: ids.slice(0, n) });
      expect(result.errors).toBeUndefined();
      expect(result.data.persons).toHaveLength(n);
      const after = await counters();
      costs.push({ n, requests: after.requests - before.requests, statements: after.statements - before.statements });
    }
    expect(costs[0].requests).toBeGreaterThan(1);
    expect(costs[1]).toEqual({ ...costs[0], n: 10 });
    expect(costs[2]).toEqual({ ...costs[0], n: 500 });
  });
}
