// Division listings paged by (division_code, key) (issue 19), on the embedded store: the prefix ranges
// a listing walks under a division-scoped grant (pure), and through the gateway, a caller whose two
// grants are scoped to two counties walks the province page by page and gets exactly the persons of
// those counties, in (division, id) byte order, with a totalCount that matches; a county outside both
// scopes lists nothing. The PostgreSQL side (plans, counts through writes) is test/query-plans.test.ts.
import { listingPrefixes } from '../subgraphs/common/division-scope';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { DEFAULT_SEED, generatePersons, sizeForScale } from '../subgraphs/seed/generator';
import type { PersonRecord } from '../subgraphs/seed/records';

describe('listingPrefixes: the index ranges of a division listing under a scope', () => {
  it('is the listing prefix when unscoped', () => expect(listingPrefixes('53', undefined)).toEqual(['53']));
  it('narrows to the scoped divisions inside the listing, sorted', () => expect(listingPrefixes('53', ['530103', '530102', '520102'])).toEqual(['530102', '530103']));
  it('keeps the listing prefix when a scoped division contains it', () => expect(listingPrefixes('530102', ['5301'])).toEqual(['530102']));
  it('drops a prefix another one covers', () => expect(listingPrefixes('53', ['5301', '530102'])).toEqual(['5301']));
  it('is empty when nothing intersects, and ignores what is not a division code (fail closed)', () => {
    expect(listingPrefixes('530102', ['530103'])).toEqual([]);
    expect(listingPrefixes('53', ['%', '53_1', ''])).toEqual([]);
  });
});

const INSTITUTION = '11530100015301017M';
const SCENARIO = 'division-listing-test';
const DAY = 24 * 3600 * 1000;
const persons: PersonRecord[] = [...generatePersons(DEFAULT_SEED, sizeForScale(Number(TEST_SCALE)).persons)].flat();
const byCounty = new Map<string, PersonRecord[]>();
for (const p of persons) byCounty.set(p.divisionCode, [...(byCounty.get(p.divisionCode) ?? []), p]);
// Two Yunnan counties with residents, and a third outside both scopes.
const [A, B, C] = [...byCounty.keys()].filter((code) => code.startsWith('53') && byCounty.get(code)!.length >= 10).sort();
const grant = (id: string, scope: string) => ({
  id,
  grantee: { kind: 'institution', id: INSTITUTION },
  scenario: SCENARIO,
  fields: ['Person.name', 'Person.divisionCode', 'Query.personsByDivision'],
  plain: ['Person.name', 'Person.divisionCode'],
  divisionScope: scope,
  validFrom: new Date(Date.now() - DAY).toISOString(),
  validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
});

describe('a listing under grants scoped to two counties, through the gateway', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let headers: Record<string, string>;

  beforeAll(async () => {
    expect(C).toBeDefined();
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile([grant('g-county-a', A), grant('g-county-b', B)]), ...credentials.env() });
    headers = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-listing' })}`, 'x-scenario-id': SCENARIO };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('walks the province in pages of 7 and gets exactly both counties, in (division, id) order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    const totals = new Set<number>();
    for (let page = 0; page < 1000; page += 1) {
      const answer: any = await graphql(
        stack.gatewayUrl,
        'query($after: String) { personsByDivision(divisionCode: "530000", first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name divisionCode } } } }',
        { after },
        headers,
      );
      expect(answer.errors).toBeUndefined();
      const connection = answer.data.personsByDivision;
      totals.add(connection.totalCount);
      seen.push(...connection.edges.map((e: any) => `${e.node.divisionCode} ${e.node.name}`));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    const expected = [...byCounty.get(A)!, ...byCounty.get(B)!]
      .sort((x, y) => (x.divisionCode + x.idNumber < y.divisionCode + y.idNumber ? -1 : 1))
      .map((p) => `${p.divisionCode} ${p.name}`);
    expect(seen).toEqual(expected);
    expect([...totals]).toEqual([expected.length]);
  });

  it('lists nothing, with totalCount 0, in a county outside both scopes', async () => {
    const answer: any = await graphql(stack.gatewayUrl, `{ personsByDivision(divisionCode: "${C}", first: 20) { totalCount edges { node { name } } } }`, undefined, headers);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.personsByDivision).toEqual({ totalCount: 0, edges: [] });
  });
});
