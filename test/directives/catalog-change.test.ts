// The pure side of the managed catalog: entries applied over the declared catalog, what a change of
// facts does (widens, narrows), its effect on grants and uses, and the coordinates a document selects.
import { readCatalog } from '../../directives/catalog';
import { applyEntries, fieldFactsOf, initialEntries, type FieldFacts } from '../../directives/catalog-entries';
import { directionOf, effectOnGrant, effectOnUse, fieldChanges, problemsOf, touchedCoordinates, widensFromNone } from '../../directives/catalog-change';
import { coordinatesOf } from '../../directives/document-coordinates';
import { decideCoordinate } from '../../directives/decide';
import { POLICY_VOCABULARY_SDL } from '../support/policy-vocabulary';

const declared = readCatalog(`${POLICY_VOCABULARY_SDL}
  type Query {
    thing(id: ID!): Thing @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
  }
  type Thing @dataset(code: "T-1", name: "样例", provider: "p", providerCode: "c", updateFrequency: "每日", resourceKind: "基础", level: L2) {
    id: ID! @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
    owner: String @share(attribute: CONDITIONAL, condition: "经批准") @open(attribute: NONE) @mask(strategy: NAME)
    secret: String @share(attribute: NONE, legalBasis: "某法第一条") @open(attribute: NONE)
    parts: [Part!]! @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
  }
  type Part { label: String @share(attribute: UNCONDITIONAL) @open(attribute: NONE) }
`);
const initial = initialEntries(declared, '2026-11-28');
const facts = (coordinate: string): FieldFacts => initial.fields[coordinate];

describe('catalog entries over the declared catalog', () => {
  it('starts from the SDL, then the entries are the truth; a withdrawn dataset withdraws its fields and root fields', () => {
    expect(facts('Thing.owner')).toEqual({ share: { attribute: 'CONDITIONAL', condition: '经批准' }, open: { attribute: 'NONE' }, mask: 'NAME', level: null, withdrawn: false });
    expect(Object.keys(initial.fields)).not.toContain('Query.__typename');
    const changed = applyEntries(declared, { ...initial, fields: { ...initial.fields, 'Thing.owner': { ...facts('Thing.owner'), share: { attribute: 'UNCONDITIONAL' }, mask: null } } });
    expect(changed.fields.get('Thing.owner')).toMatchObject({ share: { attribute: 'UNCONDITIONAL' }, mask: undefined, level: 'L2' });
    expect(fieldFactsOf(changed.fields.get('Thing.owner')!).mask).toBeNull();
    const withdrawn = applyEntries(declared, { ...initial, datasets: { 'T-1': { ...initial.datasets['T-1'], withdrawn: true } } });
    expect(withdrawn.fields.get('Thing.id')!.withdrawn).toBe(true);
    expect(withdrawn.fields.get('Query.thing')!.withdrawn).toBe(true);
    expect(withdrawn.fields.get('Part.label')!.withdrawn).toBe(false); // not the dataset's (reached only through Thing.parts, withdrawn)
    const caller = { kind: 'institution', operator: 'o', institution: 'i', division: '530100', roles: [] } as const;
    expect(decideCoordinate(withdrawn, 'Thing.id', { caller, scenario: 's', lookup: () => undefined })).toEqual({ allowed: false, code: 'WITHDRAWN' });
  });
});

describe('what a change does', () => {
  it('classifies each fact: wider attribute or removed mask widens, narrower or added mask narrows, conditions are neutral', () => {
    const before = facts('Thing.owner');
    const wider = fieldChanges('Thing.owner', before, { ...before, share: { attribute: 'UNCONDITIONAL' }, mask: null });
    expect(wider.map((c) => [c.fact, c.direction])).toEqual([['share', 'WIDENS'], ['shareCondition', 'NEUTRAL'], ['mask', 'WIDENS']]);
    expect(directionOf(wider)).toBe('WIDENS');
    const mixed = fieldChanges('Thing.owner', before, { ...before, level: 'L4', mask: null });
    expect(directionOf(mixed)).toBe('MIXED');
    expect(directionOf(fieldChanges('Thing.owner', before, { ...before, withdrawn: true }))).toBe('NARROWS');
    // Ganzi Art.16 ¶2: not shared → shared is the widening that needs a ground.
    expect(widensFromNone(fieldChanges('Thing.secret', facts('Thing.secret'), { ...facts('Thing.secret'), share: { attribute: 'CONDITIONAL', condition: 'x' } }))).toBe(true);
    expect(widensFromNone(wider)).toBe(false);
  });

  it('tells a grant holder and a caller seen in the audit what the change does to them', () => {
    const before = declared.fields.get('Thing.owner')!;
    const none = { ...before, share: { attribute: 'NONE' as const, legalBasis: 'x' } };
    const open = { ...before, share: { attribute: 'UNCONDITIONAL' as const } };
    const unmasked = { ...before, mask: undefined };
    expect(effectOnGrant(before, none, 'share', false)).toBe('BREAKS');
    expect(effectOnGrant(before, open, 'share', false)).toBe('WIDENS');
    expect(effectOnGrant(before, unmasked, 'share', false)).toBe('WIDENS');
    expect(effectOnGrant(before, unmasked, 'share', true)).toBe('UNCHANGED'); // the grant gave it plain already
    expect(effectOnGrant(before, before, 'open', false)).toBe('UNCHANGED');
    expect(effectOnUse(open, before, 'share', true)).toBe('NARROWS'); // a grant needed now
    expect(effectOnUse(before, none, 'share', true)).toBe('BREAKS');
    expect(effectOnUse(before, open, 'share', false)).toBe('WIDENS'); // refused before, answered after
  });

  it('finds the rules a change would break, and widenings past the subgraph\'s deployed boundary', () => {
    const next = applyEntries(declared, { ...initial, fields: { ...initial.fields, 'Thing.secret': { ...facts('Thing.secret'), share: { attribute: 'CONDITIONAL' } } } });
    expect(problemsOf(declared, next, new Set(['Thing.secret'])).map((p) => p.code)).toEqual(['SHARE_CONDITION_MISSING', 'REACH_BEYOND_SUBGRAPH']);
    expect(touchedCoordinates(declared, { dataset: 'T-1' })).toEqual(new Set(['Query.thing', 'Thing.id', 'Thing.owner', 'Thing.secret', 'Thing.parts']));
  });
});

describe('coordinates a document selects', () => {
  it('follows fields, inline fragments and named fragments through the catalog\'s types', () => {
    const found = coordinatesOf('query Q($id: ID!) { thing(id: $id) { id ...F parts { ... on Part { label } } } } fragment F on Thing { owner __typename }', declared);
    expect([...found].sort()).toEqual(['Part.label', 'Query.thing', 'Thing.id', 'Thing.owner', 'Thing.parts']);
  });
});
