// Division scope (数据回流) as callers meet it, over HTTP against the running channel: an institution
// whose grant is limited to one county gets, for records outside it, the record without the fields
// that needed the grant (null + OUT_OF_SCOPE at their paths), never a blank answer; the audit says
// partial. Also the internal-path and provenance parts of hole 6, and the nested-path attacks of hole 8.
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql, type GraphQLResult } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { DEFAULT_SEED, generateLegalEntities, generateLicences, generatePersons, sizeForScale } from '../subgraphs/seed/generator';
import type { LegalEntityRecord, LicenceRecord, PersonRecord } from '../subgraphs/seed/records';

const INSTITUTION = '11530100015301017M';
const ADMIN_ORG = '115300000152010080'; // 云南省数据局, a registered data authority (see gateway/fixtures/institutions.dev.json)
const SCENARIO = 'division-scope-test';
const DAY = 24 * 3600 * 1000;

const size = sizeForScale(Number(TEST_SCALE));
const persons: PersonRecord[] = [...generatePersons(DEFAULT_SEED, size.persons)].flat();
const entities: LegalEntityRecord[] = [...generateLegalEntities(DEFAULT_SEED, size)].flat();
const licences: LicenceRecord[] = [...generateLicences(DEFAULT_SEED, size)].flat();
const personById = new Map(persons.map((p) => [p.idNumber, p]));

// The scope: the county with most residents, so every path has records on both sides of it.
const counts = new Map<string, number>();
for (const p of persons) counts.set(p.divisionCode, (counts.get(p.divisionCode) ?? 0) + 1);
const SCOPE = [...counts].sort((a, b) => b[1] - a[1])[0][0];
const inScope = (division: string) => division.startsWith(SCOPE);

const inside = persons.find((p) => inScope(p.divisionCode))!;
const outside = persons.find((p) => !inScope(p.divisionCode))!;
const licenceInside = licences.find((l) => inScope(l.divisionCode))!;
const licenceOutside = licences.find((l) => !inScope(l.divisionCode))!;
const entityByCode = new Map(entities.map((e) => [e.creditCode, e]));
// A licence issued inside the scope to a legal entity whose representative is registered outside it:
// licence → holder → legalRepresentative crosses the scope. (Licences of persons are issued in their
// own county or by its prefecture, so a person holder never crosses a county scope in this data.)
const crossing = licences.find((l) => inScope(l.divisionCode) && l.holderKind === 'LEGAL_ENTITY' && !inScope(personById.get(entityByCode.get(l.holderId)!.legalRepresentativeIdNumber)!.divisionCode));
const crossingRep = crossing && personById.get(entityByCode.get(crossing.holderId)!.legalRepresentativeIdNumber)!;
const personLicenceInside = licences.find((l) => inScope(l.divisionCode) && l.holderKind === 'PERSON')!;
// A legal entity with licences issued on both sides of the scope.
const mixedEntity = entities.find((e) => {
  const own = licences.filter((l) => l.holderKind === 'LEGAL_ENTITY' && l.holderId === e.creditCode);
  return own.some((l) => inScope(l.divisionCode)) && own.some((l) => !inScope(l.divisionCode));
});
// A person outside the scope who holds licences and has a household.
const outsideWithLicences = persons.find((p) => !inScope(p.divisionCode) && licences.some((l) => l.holderKind === 'PERSON' && l.holderId === p.idNumber))!;

const GRANTS = [
  {
    id: 'g-scoped',
    grantee: { kind: 'institution', id: INSTITUTION },
    scenario: SCENARIO,
    fields: ['Person.name', 'Person.idNumber', 'Person.householdMembers', 'Person.licences', 'Licence.number', 'Licence.holder', 'Query.licence', 'Query.personsByDivision', 'Query.licencesByDivision'],
    plain: ['Person.name', 'Licence.number'],
    divisionScope: SCOPE,
    validFrom: new Date(Date.now() - DAY).toISOString(),
    validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
  },
];

const codes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);
const errorAt = (result: GraphQLResult, path: (string | number)[]) => (result.errors ?? []).find((e) => JSON.stringify(e.path) === JSON.stringify(path));

/** Every OUT_OF_SCOPE error is coded, bilingual and names its coordinate. */
function expectOutOfScopeErrors(result: GraphQLResult): void {
  for (const error of result.errors ?? []) {
    expect(error.extensions).toMatchObject({ code: 'OUT_OF_SCOPE', coordinate: expect.stringMatching(/^\w+\.\w+$/) });
    expect(error.message).toMatch(/行政区划.* \/ .*outside the administrative divisions/);
  }
}

describe('division scope (数据回流) through the gateway', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let url: string;
  let scoped: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    expect(crossing).toBeDefined();
    expect(mixedEntity).toBeDefined();
    stack = await startStack({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile(GRANTS), ...credentials.env() }, 300_000);
    url = stack.gatewayUrl;
    scoped = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION, sub: 'op-scope' })}`, 'x-scenario-id': SCENARIO };
    admin = { authorization: `Bearer ${await credentials.token({ org: ADMIN_ORG, roles: ['admin'], div: '530000' })}` };
  }, 360_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  /** The audit record of a response (committed before the response was sent). */
  async function auditOf(result: GraphQLResult): Promise<{ decision: string; fieldsDenied: string[]; errorCodes: string[] }> {
    const requestId = result.headers.get('x-request-id');
    const page: any = await graphql(url, 'query($f: AuditFilter) { auditRecords(filter: $f, first: 200) { records { requestId decision fieldsDenied errorCodes } } }', { f: { institution: INSTITUTION, scenario: SCENARIO } }, admin);
    const record = page.data.auditRecords.records.find((r: any) => r.requestId === requestId);
    expect(record).toBeDefined();
    return record;
  }

  describe('hole 2: division scope blanks whole answers', () => {
    it('a person outside the scope reached through legalEntitiesByDivision keeps its open fields; name is null with OUT_OF_SCOPE; the audit says partial', async () => {
      const query = '{ legalEntitiesByDivision(divisionCode: "530000", first: 100) { edges { node { creditCode legalRepresentative { name gender divisionCode } } } } }';
      const result: any = await graphql(url, query, undefined, scoped);
      expect(result.status).toBe(200);
      expect(result.data).not.toBeNull();
      const edges = result.data.legalEntitiesByDivision.edges;
      expect(edges.length).toBeGreaterThan(0);
      let insideSeen = 0;
      let outsideSeen = 0;
      edges.forEach((edge: any, i: number) => {
        const rep = edge.node.legalRepresentative;
        expect(rep.gender).toMatch(/^(MALE|FEMALE)$/); // unconditional: returned whatever the scope
        const real = personById.get(entities.find((e) => e.creditCode === edge.node.creditCode)!.legalRepresentativeIdNumber)!;
        expect(rep.divisionCode).toBe(real.divisionCode);
        const path = ['legalEntitiesByDivision', 'edges', i, 'node', 'legalRepresentative', 'name'];
        if (inScope(real.divisionCode)) {
          insideSeen += 1;
          expect(rep.name).toBe(real.name);
          expect(errorAt(result, path)).toBeUndefined();
        } else {
          outsideSeen += 1;
          expect(rep.name).toBeNull();
          expect(errorAt(result, path)?.extensions).toEqual({ code: 'OUT_OF_SCOPE', coordinate: 'Person.name' });
        }
      });
      expect(insideSeen).toBeGreaterThan(0);
      expect(outsideSeen).toBeGreaterThan(0);
      expect(result.errors).toHaveLength(outsideSeen);
      expectOutOfScopeErrors(result);
      expect(JSON.stringify(result)).not.toContain('_policy');

      const audit = await auditOf(result);
      expect(audit.decision).toBe('partial');
      expect(audit.fieldsDenied).toContain('Person.name');
      expect(audit.errorCodes).toContain('OUT_OF_SCOPE');
    });

    it('root listings with the scoped grant list only rows inside the scope (personsByDivision, licencesByDivision)', async () => {
      const people: any = await graphql(url, '{ personsByDivision(divisionCode: "530000", first: 1000) { totalCount edges { node { divisionCode name } } } }', undefined, scoped);
      expect(people.errors).toBeUndefined();
      const expected = persons.filter((p) => p.divisionCode.startsWith('53') && inScope(p.divisionCode));
      expect(people.data.personsByDivision.totalCount).toBe(expected.length);
      expect(people.data.personsByDivision.edges.map((e: any) => e.node.name).sort()).toEqual(expected.map((p) => p.name).sort());

      const issued: any = await graphql(url, '{ licencesByDivision(divisionCode: "530000", first: 1000) { totalCount edges { node { number divisionCode } } } }', undefined, scoped);
      expect(issued.errors).toBeUndefined();
      const expectedLicences = licences.filter((l) => l.divisionCode.startsWith('53') && inScope(l.divisionCode));
      expect(expectedLicences.length).toBeGreaterThan(0);
      expect(issued.data.licencesByDivision.totalCount).toBe(expectedLicences.length);
      for (const edge of issued.data.licencesByDivision.edges) expect(inScope(edge.node.divisionCode)).toBe(true);
    });

    it('lookups: person(idNumber), persons, licence(number) come back without the scoped fields outside the scope', async () => {
      const one: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { name gender status } }', { id: outside.idNumber }, scoped);
      expect(one.data.person).toEqual({ name: null, gender: outside.gender, status: outside.status });
      expect(codes(one)).toEqual(['OUT_OF_SCOPE']);
      expect(one.errors[0].path).toEqual(['person', 'name']);

      const many: any = await graphql(url, 'query($ids: [ID!]!) { persons(idNumbers: $ids) { name gender } }', { ids: [inside.idNumber, outside.idNumber] }, scoped);
      expect(many.data.persons).toEqual([{ name: inside.name, gender: inside.gender }, { name: null, gender: outside.gender }]);
      expect(many.errors.map((e: any) => e.path)).toEqual([['persons', 1, 'name']]);
      expectOutOfScopeErrors(many);

      const licenceQuery = 'query($n: ID!) { licence(number: $n) { number type } }';
      const within: any = await graphql(url, licenceQuery, { n: licenceInside.number }, scoped);
      expect(within.errors).toBeUndefined();
      expect(within.data.licence).toEqual({ number: licenceInside.number, type: licenceInside.type });
      const beyond: any = await graphql(url, licenceQuery, { n: licenceOutside.number }, scoped);
      expect(beyond.data).toEqual({ licence: null });
      expect(beyond.errors).toHaveLength(1);
      expect(beyond.errors[0]).toMatchObject({ path: ['licence'], extensions: { code: 'OUT_OF_SCOPE', coordinate: 'Query.licence' } });
      expect((await auditOf(beyond)).decision).toBe('denied');
    });

    it('entity references from licences (holder) and legal entities (legalRepresentative) cross the scope field by field', async () => {
      const query = 'query($n: ID!) { licence(number: $n) { number holder { ... on Person { name gender } ... on LegalEntity { name legalRepresentative { name gender } } } } }';
      const result: any = await graphql(url, query, { n: crossing!.number }, scoped);
      const entity = entityByCode.get(crossing!.holderId)!;
      expect(result.data.licence).toEqual({ number: crossing!.number, holder: { name: entity.name, legalRepresentative: { name: null, gender: crossingRep!.gender } } });
      expect(result.errors.map((e: any) => [e.path, e.extensions.code])).toEqual([[['licence', 'holder', 'legalRepresentative', 'name'], 'OUT_OF_SCOPE']]);

      const own: any = await graphql(url, query, { n: personLicenceInside.number }, scoped);
      expect(own.errors).toBeUndefined();
      expect(own.data.licence.holder.name).toBe(personById.get(personLicenceInside.holderId)!.name);
    });

    it('nested lists: householdMembers and Person.licences of a person outside, LegalEntity.licences issued outside', async () => {
      const person: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { gender householdMembers { gender } licences { type } } }', { id: outsideWithLicences.idNumber }, scoped);
      expect(person.data.person).toEqual({ gender: outsideWithLicences.gender, householdMembers: null, licences: null });
      expect(person.errors.map((e: any) => [e.path, e.extensions.coordinate]).sort()).toEqual([
        [['person', 'householdMembers'], 'Person.householdMembers'],
        [['person', 'licences'], 'Person.licences'],
      ]);

      const members: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { householdMembers { name divisionCode } } }', { id: inside.idNumber }, scoped);
      expect(members.errors).toBeUndefined();
      const household = persons.filter((p) => p.householdNumber === inside.householdNumber);
      expect(members.data.person.householdMembers.map((m: any) => m.name).sort()).toEqual(household.map((p) => p.name).sort());

      const entity: any = await graphql(url, 'query($c: ID!) { legalEntity(creditCode: $c) { name licences { number type divisionCode } } }', { c: mixedEntity!.creditCode }, scoped);
      expect(entity.data.legalEntity.name).toBe(mixedEntity!.name);
      const list = entity.data.legalEntity.licences;
      expect(list.length).toBeGreaterThan(1);
      list.forEach((licence: any, i: number) => {
        expect(licence.type).toBeTruthy();
        if (inScope(licence.divisionCode)) expect(licence.number).not.toBeNull();
        else {
          expect(licence.number).toBeNull();
          expect(errorAt(entity, ['legalEntity', 'licences', i, 'number'])?.extensions?.code).toBe('OUT_OF_SCOPE');
        }
      });
    });
  });

  describe('hole 8: division scope through nested paths (attacks)', () => {
    it('fragments, aliases and inline fragments on the holder union do not carry a field past the scope', async () => {
      const query = `query($n: ID!, $m: ID!) {
        a: licence(number: $n) { ...L }
        b: licence(number: $m) { ...L }
      }
      fragment L on Licence { no: number h: holder { __typename ...P ... on LegalEntity { name rep: legalRepresentative { ...P } } } }
      fragment P on Person { nm: name alsoName: name id: idNumber ... on Person { g: gender } }`;
      const result: any = await graphql(url, query, { n: crossing!.number, m: licenceOutside.number }, scoped);
      const entity = entityByCode.get(crossing!.holderId)!;
      expect(result.data.a).toEqual({ no: crossing!.number, h: { __typename: 'LegalEntity', name: entity.name, rep: { nm: null, alsoName: null, id: null, g: crossingRep!.gender } } });
      expect(result.data.b).toBeNull();
      expect(result.errors.map((e: any) => e.path.join('.')).sort()).toEqual(['a.h.rep.alsoName', 'a.h.rep.id', 'a.h.rep.nm', 'b']);
      expectOutOfScopeErrors(result);
    });

    it('a client cannot supply the division the gateway checks (_policyDivision is reserved)', async () => {
      const result: any = await graphql(url, 'query($id: ID!) { person(idNumber: $id) { _policyDivision: divisionCode name } }', { id: outside.idNumber }, scoped);
      expect(result.data.person.name).toBeNull();
      expect(codes(result).sort()).toEqual(['OUT_OF_SCOPE', 'RESERVED_ALIAS']);
    });

    it('a person outside the scope reached through a listing inside it, a licence holder and householdMembers stays without scoped fields', async () => {
      const query = '{ licencesByDivision(divisionCode: "530000", first: 200) { edges { node { number holder { ... on LegalEntity { legalRepresentative { name householdMembers { name } } } } } } } }';
      const result: any = await graphql(url, query, undefined, scoped);
      expect(result.status).toBe(200);
      expect(result.data).not.toBeNull();
      const edges = result.data.licencesByDivision.edges;
      const index = edges.findIndex((e: any) => e.node.number === crossing!.number);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(edges[index].node.holder).toEqual({ legalRepresentative: { name: null, householdMembers: null } });
      const base = ['licencesByDivision', 'edges', index, 'node', 'holder', 'legalRepresentative'];
      expect(errorAt(result, [...base, 'name'])?.extensions?.code).toBe('OUT_OF_SCOPE');
      expect(errorAt(result, [...base, 'householdMembers'])?.extensions?.code).toBe('OUT_OF_SCOPE');
      expectOutOfScopeErrors(result);
    });
  });

  describe('hole 6: internal path and provenance', () => {
    it("a developer's legalRepresentative { __typename } answers the open fields, with no internal path in any error", async () => {
      const developer = { 'x-api-key': credentials.apiKey('scope-test-app') };
      const result: any = await graphql(url, '{ legalEntitiesByDivision(divisionCode: "530000", first: 5) { edges { node { name legalRepresentative { __typename } } } } }', undefined, developer);
      expect(result.errors).toBeUndefined();
      expect(result.data.legalEntitiesByDivision.edges).toHaveLength(5);
      for (const edge of result.data.legalEntitiesByDivision.edges) expect(edge.node).toEqual({ name: expect.any(String), legalRepresentative: { __typename: 'Person' } });
      expect(JSON.stringify(result)).not.toContain('_policy');
    });

    it('provenance lists the datasets whose records came back, and the person dataset for a verification', async () => {
      const result: any = await graphql(url, 'query($n: ID!) { legalEntitiesByDivision(divisionCode: "530000", first: 2) { edges { node { name } } } licence(number: $n) { type } }', { n: 'NO-SUCH-LICENCE-1' }, scoped);
      expect(result.errors).toBeUndefined();
      expect(result.data.licence).toBeNull();
      expect(result.extensions.provenance.sources.map((s: any) => s.code)).toEqual(['530000-SJ-0001']);

      const verified: any = await graphql(url, 'query($id: ID!, $name: String!) { verifyPersonIdentity(idNumber: $id, name: $name) }', { id: inside.idNumber, name: inside.name }, scoped);
      expect(verified.data.verifyPersonIdentity).toBe('MATCH');
      expect(verified.extensions.provenance.sources).toEqual([expect.objectContaining({ code: '530000-GA-0001', dataset: '人口基础信息' })]);
    });
  });
});
