// Division scope (数据回流) in the policy core: the plan asks for the division of the records a scoped
// grant's fields are read on, and the response walk nulls those fields on records outside the scope
// (OUT_OF_SCOPE), keeping everything else. Also: internal fields are injected only where the caller's
// kind may read them, and the walk says which datasets' records came back (provenance).
import { parse, print, validate, specifiedRules, NoUnusedVariablesRule } from 'graphql';
import { DIVISION_ALIAS, SUBJECT_ALIAS, TYPENAME_ALIAS, type PolicyDecision } from '../../directives/analyse';
import type { Caller } from '../../directives/caller';
import { createPolicyEngine } from '../../directives/engine';
import type { Grant } from '../../directives/grants';
import { DEFAULT_MASK_SETTINGS } from '../../directives/mask';
import { applyPlan } from '../../directives/response';
import { developer, DEVELOPER_ID, grant, institution, NOW, realSchema, SCENARIO } from './fixtures';

const IN = '530102';
const OUT = '530103';

function decide(query: string, grants: readonly Grant[], caller: Caller = institution): PolicyDecision {
  const { apiSchema, catalog } = realSchema();
  const outcome = createPolicyEngine(apiSchema, catalog).decide({
    documentKey: query,
    document: parse(query),
    variables: {},
    caller,
    scenario: SCENARIO,
    grants,
    grantsVersion: 'v1',
    now: NOW,
  });
  const rules = specifiedRules.filter((rule) => rule !== NoUnusedVariablesRule);
  expect(validate(apiSchema, outcome.document, rules).map((e) => e.message)).toEqual([]);
  return outcome;
}

const walk = (data: Record<string, any>, outcome: PolicyDecision) => applyPlan(data, outcome.plan!, DEFAULT_MASK_SETTINGS);

describe('hole 2: division scope in the plan and the response walk', () => {
  const scoped = [grant(['Person.name', 'Person.licences', 'Licence.number', 'Licence.holder', 'Query.licence', 'Query.personsByDivision'], { plain: ['Person.name', 'Licence.number'], divisionScope: IN })];

  it('nulls, on a record outside the scope, only the fields that relied on the scoped grant', () => {
    const outcome = decide('{ person(idNumber: "1") { name gender divisionCode } }', scoped);
    expect(print(outcome.document)).toContain(`${DIVISION_ALIAS}: divisionCode`);
    const outside = { person: { name: '张三', gender: 'MALE', divisionCode: `${OUT}`, [DIVISION_ALIAS]: OUT, [SUBJECT_ALIAS]: 'x' } };
    const result = walk(outside, outcome);
    expect(outside).toEqual({ person: { name: null, gender: 'MALE', divisionCode: OUT } });
    expect(result.outOfScope).toEqual([{ path: ['person', 'name'], coordinate: 'Person.name' }]);
    const inside = { person: { name: '李四', gender: 'FEMALE', divisionCode: IN, [DIVISION_ALIAS]: IN, [SUBJECT_ALIAS]: 'y' } };
    expect(walk(inside, outcome).outOfScope).toEqual([]);
    expect(inside).toEqual({ person: { name: '李四', gender: 'FEMALE', divisionCode: IN } });
  });

  it('a record without its division counts as outside (fail closed)', () => {
    const outcome = decide('{ person(idNumber: "1") { name } }', scoped);
    const data = { person: { name: '张三' } };
    expect(walk(data, outcome).outOfScope).toHaveLength(1);
    expect(data.person.name).toBeNull();
  });

  it('checks every element of nested lists, at its own path', () => {
    const outcome = decide('{ persons(idNumbers: ["1"]) { gender licences { number type } } }', scoped);
    const data = {
      persons: [
        { gender: 'MALE', [DIVISION_ALIAS]: IN, licences: [{ number: 'A', type: 'X', [DIVISION_ALIAS]: IN }, { number: 'B', type: 'Y', [DIVISION_ALIAS]: OUT }] },
        { gender: 'FEMALE', [DIVISION_ALIAS]: OUT, licences: [{ number: 'C', type: 'Z', [DIVISION_ALIAS]: IN }] },
      ],
    };
    const result = walk(data, outcome);
    expect(data).toEqual({
      persons: [
        { gender: 'MALE', licences: [{ number: 'A', type: 'X' }, { number: null, type: 'Y' }] },
        { gender: 'FEMALE', licences: null },
      ],
    });
    expect(result.outOfScope).toEqual([
      { path: ['persons', 0, 'licences', 1, 'number'], coordinate: 'Licence.number' },
      { path: ['persons', 1, 'licences'], coordinate: 'Person.licences' },
    ]);
  });

  it('a root lookup relying on the scoped grant nulls the record it returns (Query.licence)', () => {
    const outcome = decide('{ licence(number: "L") { type } }', scoped);
    const data = { licence: { type: 'X', [DIVISION_ALIAS]: OUT } };
    expect(walk(data, outcome).outOfScope).toEqual([{ path: ['licence'], coordinate: 'Query.licence' }]);
    expect(data).toEqual({ licence: null });
  });

  it('checks the holder union by its runtime type, through fragments and aliases', () => {
    const outcome = decide('{ licence(number: "L") { who: holder { ...P ... on LegalEntity { name } } } } fragment P on Person { n: name gender }', scoped);
    expect(print(outcome.document)).toMatch(new RegExp(`on Person \\{\\s*${DIVISION_ALIAS}: divisionCode`));
    const data = { licence: { [DIVISION_ALIAS]: IN, who: { [TYPENAME_ALIAS]: 'Person', n: '王五', gender: 'MALE', [DIVISION_ALIAS]: OUT } } };
    expect(walk(data, outcome).outOfScope).toEqual([{ path: ['licence', 'who', 'n'], coordinate: 'Person.name' }]);
    expect(data).toEqual({ licence: { who: { n: null, gender: 'MALE' } } });
  });

  it('a listing relying on the scoped grant is filtered by its subgraph (the claim), not per record', () => {
    const outcome = decide('{ personsByDivision(divisionCode: "53") { totalCount edges { node { gender } } } }', scoped);
    expect(outcome.listingScopes).toEqual({ 'Query.personsByDivision': [IN] });
    expect(print(outcome.document)).not.toContain(DIVISION_ALIAS);
  });

  it('costs nothing when the request is unscoped, or an unscoped grant covers the field too', () => {
    const unscoped = decide('{ person(idNumber: "1") { name } personsByDivision(divisionCode: "53") { totalCount } }', [grant(['Person.name', 'Query.personsByDivision'])]);
    expect(print(unscoped.document)).not.toContain(DIVISION_ALIAS);
    expect(unscoped.listingScopes).toBeUndefined();
    const both = decide('{ person(idNumber: "1") { name } }', [...scoped, grant(['Person.name'], { plain: ['Person.name'] })]);
    expect(print(both.document)).not.toContain(DIVISION_ALIAS);
  });

  it('two scoped grants on the same field add up their divisions', () => {
    const outcome = decide('{ person(idNumber: "1") { name } }', [...scoped, grant(['Person.name'], { plain: ['Person.name'], divisionScope: '5301' })]);
    const data = { person: { name: '张三', [DIVISION_ALIAS]: '530111' } };
    expect(walk(data, outcome).outOfScope).toEqual([]);
    expect(data.person.name).toBe('张三');
  });
});

describe('hole 2: a scope that cannot be checked is not relied on (fail closed)', () => {
  it("a developer's scoped grant on licence fields: Licence.divisionCode is not open, so the fields are withheld with OUT_OF_SCOPE", () => {
    const dev = [grant(['LegalEntity.licences', 'Licence.type'], { grantee: { kind: 'developer', id: DEVELOPER_ID }, divisionScope: IN })];
    const outcome = decide('{ legalEntity(creditCode: "X") { name licences { type } } }', dev, developer);
    expect(outcome.denials).toEqual([{ path: ['legalEntity', 'licences'], coordinate: 'Licence.type', code: 'OUT_OF_SCOPE' }]);
    expect(print(outcome.document)).not.toMatch(/licences/);
  });
});

describe('hole 6: internal fields only where the caller may read them', () => {
  it("a developer's legalRepresentative { __typename } asks for no identity number", () => {
    const outcome = decide('{ legalEntity(creditCode: "X") { name legalRepresentative { __typename } } }', [], developer);
    const text = print(outcome.document);
    expect(text).not.toMatch(/_policySubject: idNumber/);
    expect(text).toContain(`${SUBJECT_ALIAS}: creditCode`); // open to developers: the audit still knows the entity
    expect(outcome.denials).toEqual([]);
  });

  it('an institution still records the person behind the reference', () => {
    const outcome = decide('{ legalEntity(creditCode: "X") { legalRepresentative { gender } } }', []);
    expect(print(outcome.document)).toContain(`${SUBJECT_ALIAS}: idNumber`);
  });
});

describe('hole 6: provenance cites the datasets whose records came back', () => {
  it('records walked, not records that could have been', () => {
    const outcome = decide('{ licence(number: "L") { type holder { ... on Person { gender } ... on LegalEntity { name } } } }', [grant(['Query.licence', 'Licence.holder'])]);
    const data = { licence: { type: 'X', holder: { [TYPENAME_ALIAS]: 'LegalEntity', name: 'Y', [SUBJECT_ALIAS]: 'c' } } };
    expect([...walk(data, outcome).datasets].sort()).toEqual(['530000-SJ-0001', '530000-ZW-0001']);
    expect(walk({ licence: null }, outcome).datasets.size).toBe(0);
  });

  it('a verification that answered cites the person dataset', () => {
    const outcome = decide('{ verifyPersonIdentity(idNumber: "1", name: "x") }', []);
    expect([...walk({ verifyPersonIdentity: 'NO_MATCH' }, outcome).datasets]).toEqual(['530000-GA-0001']);
  });
});
