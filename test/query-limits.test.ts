// Query-shape limits (gateway/limits/query-limits.ts) on a gateway-mode Apollo Server 5: the real
// supergraph, so armor's validation rules run against the gateway's API schema exactly as in
// production. Subgraph calls go to an in-process stub that counts them: a refused query must never
// reach a subgraph, an accepted one must.
import fs from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { getIntrospectionQuery } from 'graphql';
import { createQueryLimits, DEFAULT_QUERY_LIMITS, queryLimitMessage, readQueryLimitSettings } from '../gateway/limits/query-limits';

const SUPERGRAPH = fs.readFileSync(path.resolve(__dirname, '../schema/supergraph.graphql'), 'utf8');
const ID = '530102199001011234';

interface Answer {
  status: number | undefined;
  data?: Record<string, unknown> | null;
  errors: { message: string; extensions?: Record<string, any> }[];
}

describe('query limits on a gateway-mode Apollo Server 5', () => {
  let server: ApolloServer;
  let subgraphCalls = 0;

  beforeAll(async () => {
    const gateway = new ApolloGateway({
      supergraphSdl: SUPERGRAPH,
      buildService: () => ({
        process: async () => {
          subgraphCalls += 1;
          return { data: null, errors: [{ message: 'stub subgraph' }] } as never;
        },
      }),
    });
    const limits = createQueryLimits(DEFAULT_QUERY_LIMITS);
    // Deliberately without hideSchemaDetailsFromClientErrors: the limits must hide suggestions themselves.
    server = new ApolloServer({ gateway: gateway as never, ...limits, includeStacktraceInErrorResponses: false });
    await server.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function run(query: string, variables?: Record<string, unknown>): Promise<Answer & { reachedSubgraph: boolean }> {
    const before = subgraphCalls;
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const { data, errors } = response.body.singleResult;
    return { status: response.http.status, data, errors: (errors ?? []) as Answer['errors'], reachedSubgraph: subgraphCalls > before };
  }

  const limitErrors = (answer: Answer) => answer.errors.filter((e) => e.extensions?.limit);
  const bilingual = (message: string) => expect(message).toMatch(/[\u4e00-\u9fff].* \/ [a-z]/);

  // person → legalEntities → legalRepresentative → legalEntities → … : `levels` fields deep.
  const chain = (levels: number) => {
    let inner = 'name';
    for (let depth = levels - 1; depth > 1; depth -= 1) inner = depth % 2 === 0 ? `legalEntities { ${inner} }` : `legalRepresentative { ${inner} }`;
    return `query($id: ID!) { person(idNumber: $id) { ${inner} } }`;
  };

  it('refuses a query deeper than 15 before any subgraph is called, with a coded bilingual error', async () => {
    const answer = await run(chain(16), { id: ID });
    expect(answer.status).toBe(400);
    expect(answer.reachedSubgraph).toBe(false);
    expect(answer.data).toBeUndefined();
    const [error] = limitErrors(answer);
    expect(error.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DEPTH', max: 15, found: 16 });
    expect(error.message).toBe(queryLimitMessage('MAX_DEPTH', 15, 16));
    bilingual(error.message);
    expect(error.message).not.toMatch(/Syntax Error/);
  });

  it('accepts the deepest legitimate query of the graph, and fragments add no depth', async () => {
    const atTheLimit = await run(chain(15), { id: ID });
    expect(limitErrors(atTheLimit)).toEqual([]);
    expect(atTheLimit.reachedSubgraph).toBe(true);

    // person → licences → holder → legalRepresentative → licences → holder → legalRepresentative → legalEntities → name
    const deep = `query Deep($id: ID!) { person(idNumber: $id) { name gender birthDate
      licences { number type validUntil holder {
        ... on Person { name }
        ... on LegalEntity { ...Entity legalRepresentative { name idNumber
          licences { number type holder { ...Holder } } } } } }
      legalEntities { name status legalRepresentative { name licences { type validUntil holder { ... on Person { name } } } } licences { type validUntil } } } }
      fragment Entity on LegalEntity { name creditCode }
      fragment Holder on LicenceHolder { ... on LegalEntity { name legalRepresentative { name legalEntities { name creditCode } } } }`;
    const answer = await run(deep, { id: ID });
    expect(answer.errors.map((e) => e.extensions?.code)).not.toContain('GRAPHQL_VALIDATION_FAILED');
    expect(answer.reachedSubgraph).toBe(true);
  });

  it('refuses an alias bomb (more than 30 aliases), __typename aliases aside', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: name`).join(' ');
    const bomb = await run(`query($id: ID!) { person(idNumber: $id) { ${aliases(31)} } }`, { id: ID });
    expect(bomb.status).toBe(400);
    expect(bomb.reachedSubgraph).toBe(false);
    expect(limitErrors(bomb)[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_ALIASES', max: 30, found: 31 });
    bilingual(limitErrors(bomb)[0].message);

    const thirty = await run(`query($id: ID!) { person(idNumber: $id) { ${aliases(30)} } }`, { id: ID });
    expect(limitErrors(thirty)).toEqual([]);
    const typenames = Array.from({ length: 40 }, (_, i) => `t${i}: __typename`).join(' ');
    expect(limitErrors(await run(`query($id: ID!) { person(idNumber: $id) { name ${typenames} } }`, { id: ID }))).toEqual([]);
  });

  it('refuses a token bomb while parsing (400 GRAPHQL_PARSE_FAILED, not a 500), and keeps serving', async () => {
    const bomb = `query($id: ID!) { person(idNumber: $id) { ${'name '.repeat(5000)} } }`;
    const answer = await run(bomb, { id: ID });
    expect(answer.status).toBe(400);
    expect(answer.reachedSubgraph).toBe(false);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED', limit: 'MAX_TOKENS', max: 5000 });
    expect(answer.errors[0].message).toBe(queryLimitMessage('MAX_TOKENS', 5000));

    // Over HTTP, as a client sees it.
    const http = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: bomb, variables: { id: ID } } },
      context: async () => ({}),
    });
    expect(http.status).toBe(400);
    expect(http.body.kind === 'complete' && JSON.parse(http.body.string).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');

    const after = await run(chain(3), { id: ID });
    expect(after.reachedSubgraph).toBe(true);
  });

  it('refuses a directive bomb (more than 20 directives)', async () => {
    const directives = (n: number) => Array.from({ length: n }, () => '__typename @skip(if: false)').join(' ');
    const answer = await run(`query($id: ID!) { person(idNumber: $id) { name ${directives(21)} } }`, { id: ID });
    expect(answer.status).toBe(400);
    expect(answer.reachedSubgraph).toBe(false);
    expect(limitErrors(answer)[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DIRECTIVES', max: 20, found: 21 });
    expect(limitErrors(await run(`query($id: ID!) { person(idNumber: $id) { name ${directives(20)} } }`, { id: ID }))).toEqual([]);
  });

  it('refuses a query whose estimated cost exceeds 50000 (a literal page size multiplies it)', async () => {
    const page = (first: number, fields: string) =>
      `{ personsByDivision(divisionCode: "530100", first: ${first}) { edges { node { ${fields} householdMembers { ${fields} licences { number type } } } } pageInfo { endCursor hasNextPage } } }`;
    const costly = await run(page(1000, 'idNumber name gender birthDate ethnicity status'));
    expect(costly.status).toBe(400);
    expect(costly.reachedSubgraph).toBe(false);
    const [error] = limitErrors(costly);
    expect(error.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_COST', max: 50000 });
    expect(error.extensions!.found).toBeGreaterThan(50000);
    bilingual(error.message);
    expect(limitErrors(await run(page(100, 'idNumber name')))).toEqual([]);
  });

  it('gives no "Did you mean" suggestions for fields, arguments or enum values', async () => {
    const field = await run(`query($id: ID!) { person(idNumber: $id) { nam } }`, { id: ID });
    expect(field.errors.map((e) => e.message)).toEqual(['Cannot query field "nam" on type "Person".']);
    const argument = await run(`{ legalEntitiesByDivision(divisionCode: "530100", frist: 5) { edges { node { name } } } }`);
    const enumValue = await run(`{ licencesByDivision(divisionCode: "530100", type: BUSINESS_LICENC) { edges { node { number } } } }`);
    const enumVariable = await run(`query($t: LicenceType) { licencesByDivision(divisionCode: "530100", type: $t) { edges { node { number } } } }`, { t: "BUSINESS_LICENC" });
    for (const answer of [field, argument, enumValue, enumVariable]) {
      expect(answer.errors.length).toBeGreaterThan(0);
      for (const error of answer.errors) {
        expect(error.message).not.toMatch(/Did you mean|Suggestion hidden|\?$/);
        expect(error.message).not.toMatch(/"(name|first|BUSINESS_LICENCE)"/);
      }
    }
  });

  it('lets the full GraphiQL introspection query through', async () => {
    const answer = await run(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    expect(answer.errors).toEqual([]);
    expect((answer.data as any).__schema.queryType.name).toBe('Query');
  });

  it('refuses batched HTTP requests (every limit would multiply by the batch size)', async () => {
    const http = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: [{ query: '{ __typename }' }, { query: '{ __typename }' }] },
      context: async () => ({}),
    });
    expect(http.status).toBe(400);
  });
});

describe('readQueryLimitSettings', () => {
  it('has the documented defaults', () => {
    expect(readQueryLimitSettings({})).toEqual({ maxDepth: 15, maxAliases: 30, maxTokens: 5000, maxDirectives: 20, maxCost: 50000 });
  });

  it('reads MAX_DEPTH, MAX_ALIASES, MAX_TOKENS, MAX_DIRECTIVES, MAX_COST', () => {
    expect(readQueryLimitSettings({ MAX_DEPTH: '12', MAX_ALIASES: '0', MAX_TOKENS: '2000', MAX_DIRECTIVES: '5', MAX_COST: ' 8000 ' })).toEqual({
      maxDepth: 12,
      maxAliases: 0,
      maxTokens: 2000,
      maxDirectives: 5,
      maxCost: 8000,
    });
  });

  it.each([
    ['MAX_DEPTH', '0'],
    ['MAX_DEPTH', 'ten'],
    ['MAX_ALIASES', '-1'],
    ['MAX_TOKENS', '1.5'],
    ['MAX_COST', '1e4'],
    ['MAX_DIRECTIVES', '99999999999999999999'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => readQueryLimitSettings({ [name]: value })).toThrow(name);
  });
});
