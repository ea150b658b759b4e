// The decision matrix of decideCoordinate / decideShare / decideOpen / grantLookup: caller kind ×
// share and open attribute × mask × scenario × grant state. Expectations come from an oracle written
// from the regulations' rules (below), not from the code under test.
import type { Caller } from '../../directives/caller';
import { readCatalog } from '../../directives/catalog';
import { decideCoordinate } from '../../directives/decide';
import { grantLookup, type Grant } from '../../directives/grants';
import { decideOpen } from '../../directives/open';
import { decideShare } from '../../directives/share';
import type { Verdict } from '../../directives/verdict';
import type { OpenAttribute, ShareAttribute } from '../../directives/vocabulary';
import { anonymous, DEVELOPER_ID, developer, INSTITUTION_ID, institution, NOW, realSchema, SCENARIO, YEAR_AGO, YEAR_AHEAD } from './fixtures';

const ATTRIBUTES = ['UNCONDITIONAL', 'CONDITIONAL', 'NONE'] as const;

function fieldName(share: ShareAttribute, open: OpenAttribute, masked: boolean): string {
  return `s_${share}_o_${open}_${masked ? 'masked' : 'plain'}`;
}

/** A catalogued type with one field per share × open × mask combination, plus navigation cases. */
const SDL = `
  directive @share(attribute: ShareAttribute!, condition: String, legalBasis: String) on FIELD_DEFINITION
  directive @open(attribute: OpenAttribute!, condition: String) on FIELD_DEFINITION
  directive @mask(strategy: MaskStrategy!) on FIELD_DEFINITION
  directive @dataset(code: String!, name: String!, provider: String!, providerCode: String!, updateFrequency: String!, resourceKind: String!, level: DataLevel!) on OBJECT
  enum ShareAttribute { UNCONDITIONAL CONDITIONAL NONE }
  enum OpenAttribute { UNCONDITIONAL CONDITIONAL NONE }
  enum MaskStrategy { ID_NUMBER NAME PHONE ADDRESS DATE_TO_YEAR CREDIT_CODE HASH REDACT }
  enum DataLevel { L1 L2 L3 L4 IMPORTANT CORE }

  type Sample @dataset(code: "X-1", name: "样例", provider: "p", providerCode: "c", updateFrequency: "每日", resourceKind: "基础", level: L2) {
    ${ATTRIBUTES.flatMap((s) =>
      ATTRIBUTES.flatMap((o) => [
        `${fieldName(s, o, false)}: String @share(attribute: ${s}, condition: "c", legalBasis: "l") @open(attribute: ${o}, condition: "c")`,
        `${fieldName(s, o, true)}: String @share(attribute: ${s}, condition: "c", legalBasis: "l") @open(attribute: ${o}, condition: "c") @mask(strategy: NAME)`,
      ]),
    ).join('\n    ')}
    "Composite but in a catalogued type and undeclared: not navigation."
    sibling: Sample
  }
  type Other @dataset(code: "X-2", name: "其他", provider: "p", providerCode: "c", updateFrequency: "每日", resourceKind: "基础", level: L1) {
    value: String @share(attribute: CONDITIONAL, condition: "c") @open(attribute: CONDITIONAL, condition: "c")
  }
  type SampleEdge {
    node: Sample
    undeclaredLeaf: String
  }
  type Query {
    edges: [SampleEdge]
    sample: Sample @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL)
  }
  type Mutation {
    touch: SampleEdge
  }
`;
const catalog = readCatalog(SDL);

type GrantState =
  | 'none'
  | 'active'
  | 'expired'
  | 'notYetValid'
  | 'suspended'
  | 'revoked'
  | 'otherScenario'
  | 'otherGrantee'
  | 'otherGranteeKind'
  | 'otherFieldSameType'
  | 'typeWildcard'
  | 'otherTypeWildcard';
const GRANT_STATES: GrantState[] = [
  'none',
  'active',
  'expired',
  'notYetValid',
  'suspended',
  'revoked',
  'otherScenario',
  'otherGrantee',
  'otherGranteeKind',
  'otherFieldSameType',
  'typeWildcard',
  'otherTypeWildcard',
];
/** States in which an active grant of this grantee and scenario covers the coordinate. */
const COVERING: GrantState[] = ['active', 'typeWildcard'];
/** States in which only an inactive-by-time grant covers it (reported as expired). */
// Grants that exist for the field but do not hold now: out of their window, suspended or revoked.
const TIME_INACTIVE: GrantState[] = ['expired', 'notYetValid', 'suspended', 'revoked'];

function grantsFor(state: GrantState, caller: Caller, coordinate: string, plain: boolean): Grant[] {
  if (state === 'none' || (caller.kind !== 'institution' && caller.kind !== 'developer')) return [];
  const kind = caller.kind;
  const id = kind === 'institution' ? INSTITUTION_ID : DEVELOPER_ID;
  const typeName = coordinate.slice(0, coordinate.indexOf('.'));
  let fields = [coordinate];
  if (state === 'otherFieldSameType') fields = [`${typeName}.${coordinate.endsWith('plain') ? 'sibling' : 's_NONE_o_NONE_plain'}`];
  if (state === 'typeWildcard') fields = [`${typeName}.*`];
  if (state === 'otherTypeWildcard') fields = ['Other.*'];
  const base: Grant = {
    id: `grant-${state}`,
    grantee: { kind, id },
    scenario: SCENARIO,
    fields,
    plain: plain ? fields : undefined,
    validFrom: YEAR_AGO,
    validUntil: YEAR_AHEAD,
  };
  switch (state) {
    case 'expired':
      return [{ ...base, validFrom: '2024-01-01T00:00:00Z', validUntil: NOW.toISOString() }];
    case 'notYetValid':
      return [{ ...base, validFrom: new Date(NOW.getTime() + 1).toISOString() }];
    case 'suspended':
      return [{ ...base, status: 'suspended' }];
    case 'revoked':
      return [{ ...base, status: 'revoked' }];
    case 'otherScenario':
      return [{ ...base, scenario: 'SC-other' }];
    case 'otherGrantee':
      return [{ ...base, grantee: { kind, id: `${id}-other` } }];
    case 'otherGranteeKind':
      return [{ ...base, grantee: { kind: kind === 'institution' ? 'developer' : 'institution', id } }];
    default:
      return [base];
  }
}

/** The rules, restated. */
function oracle(caller: Caller, share: ShareAttribute, open: OpenAttribute, masked: boolean, scenario: boolean, state: GrantState, plainGrant: boolean): Verdict {
  const mask = masked ? ('NAME' as const) : undefined;
  const covered = scenario && COVERING.includes(state);
  const grantId = covered ? `grant-${state}` : undefined;
  if (caller.kind === 'institution') {
    if (share === 'NONE') return { allowed: false, code: 'NOT_SHARED' };
    if (!scenario) return { allowed: false, code: 'SCENARIO_REQUIRED' };
    if (share === 'CONDITIONAL' && !covered) return { allowed: false, code: TIME_INACTIVE.includes(state) ? 'GRANT_EXPIRED' : 'GRANT_REQUIRED' };
    return { allowed: true, mask: covered && plainGrant ? undefined : mask, grantId };
  }
  if (open === 'NONE') return { allowed: false, code: 'NOT_OPEN' };
  if (open === 'UNCONDITIONAL') return { allowed: true, mask }; // open data: always masked, no grant needed
  if (caller.kind === 'anonymous') return { allowed: false, code: 'NOT_OPEN' };
  if (!scenario) return { allowed: false, code: 'SCENARIO_REQUIRED' };
  if (!covered) return { allowed: false, code: TIME_INACTIVE.includes(state) ? 'GRANT_EXPIRED' : 'GRANT_REQUIRED' };
  return { allowed: true, mask, grantId }; // a plain grant does not lift an open-data mask
}

function decide(caller: Caller, coordinate: string, grants: Grant[], scenario: string | undefined, cat = catalog): Verdict {
  const who =
    caller.kind === 'institution' ? { kind: 'institution' as const, id: caller.institution } : caller.kind === 'developer' ? { kind: 'developer' as const, id: caller.developer } : undefined;
  const lookup = who && scenario ? grantLookup(grants, who, scenario, NOW) : undefined;
  return decideCoordinate(cat, coordinate, { caller, scenario, lookup });
}

/** Compares verdicts field by field, treating an absent optional as undefined. */
function normalise(v: Verdict): Record<string, unknown> {
  return v.allowed ? { allowed: true, mask: v.mask, grantId: v.grantId } : { allowed: false, code: v.code };
}

describe('decideCoordinate: the full matrix', () => {
  const cases: [string, Caller, ShareAttribute, OpenAttribute, boolean, boolean, GrantState, boolean][] = [];
  for (const caller of [institution, developer, anonymous])
    for (const share of ATTRIBUTES)
      for (const open of ATTRIBUTES)
        for (const masked of [false, true])
          for (const scenario of [true, false])
            for (const state of GRANT_STATES)
              for (const plainGrant of [false, true]) {
                if (caller.kind === 'anonymous' && (state !== 'none' || plainGrant)) continue;
                const label = `${caller.kind} share=${share} open=${open} ${masked ? 'masked' : 'plain'} scenario=${scenario} grant=${state}${plainGrant ? '(plain)' : ''}`;
                cases.push([label, caller, share, open, masked, scenario, state, plainGrant]);
              }

  it('covers every combination, each agreeing with the rules', () => {
    expect(cases.length).toBeGreaterThan(1500);
    const mismatches: string[] = [];
    for (const [label, caller, share, open, masked, scenario, state, plainGrant] of cases) {
      const coordinate = `Sample.${fieldName(share, open, masked)}`;
      const grants = grantsFor(state, caller, coordinate, plainGrant);
      const actual = normalise(decide(caller, coordinate, grants, scenario ? SCENARIO : undefined));
      const expected = normalise(oracle(caller, share, open, masked, scenario, state, plainGrant));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('decideCoordinate: named rules', () => {
  const coord = (share: ShareAttribute, open: OpenAttribute, masked = true) => `Sample.${fieldName(share, open, masked)}`;
  const plainEverything = (kind: 'institution' | 'developer'): Grant[] => [
    {
      id: 'g-all',
      grantee: { kind, id: kind === 'institution' ? INSTITUTION_ID : DEVELOPER_ID },
      scenario: SCENARIO,
      fields: ['Sample.*'],
      plain: ['Sample.*'],
      validFrom: YEAR_AGO,
      validUntil: YEAR_AHEAD,
    },
  ];

  it('NONE share is NOT_SHARED even with a plain grant covering it', () => {
    expect(decide(institution, coord('NONE', 'UNCONDITIONAL'), plainEverything('institution'), SCENARIO)).toEqual({ allowed: false, code: 'NOT_SHARED' });
  });

  it('CONDITIONAL share needs a grant; an expired one says so', () => {
    expect(decide(institution, coord('CONDITIONAL', 'NONE'), [], SCENARIO)).toEqual({ allowed: false, code: 'GRANT_REQUIRED' });
    const expired = grantsFor('expired', institution, coord('CONDITIONAL', 'NONE'), false);
    expect(decide(institution, coord('CONDITIONAL', 'NONE'), expired, SCENARIO)).toEqual({ allowed: false, code: 'GRANT_EXPIRED' });
  });

  it('without a scenario an institution gets nothing shared, not even unconditional data', () => {
    expect(decide(institution, coord('UNCONDITIONAL', 'NONE', false), plainEverything('institution'), undefined)).toEqual({ allowed: false, code: 'SCENARIO_REQUIRED' });
    expect(decideShare(catalog.fields.get(coord('UNCONDITIONAL', 'NONE'))!, SCENARIO, undefined)).toEqual({ allowed: false, code: 'SCENARIO_REQUIRED' });
  });

  it('a plain grant lifts the mask of shared data; a masked grant does not', () => {
    expect(decide(institution, coord('CONDITIONAL', 'NONE'), plainEverything('institution'), SCENARIO)).toEqual({ allowed: true, mask: undefined, grantId: 'g-all' });
    const masked = grantsFor('active', institution, coord('CONDITIONAL', 'NONE'), false);
    expect(decide(institution, coord('CONDITIONAL', 'NONE'), masked, SCENARIO)).toMatchObject({ allowed: true, mask: 'NAME' });
  });

  it('open data is always masked when a mask is declared, even with a plain grant', () => {
    for (const open of ['UNCONDITIONAL', 'CONDITIONAL'] as const) {
      expect(decide(developer, coord('NONE', open), plainEverything('developer'), SCENARIO)).toMatchObject({ allowed: true, mask: 'NAME' });
    }
    expect(decide(anonymous, coord('NONE', 'UNCONDITIONAL'), [], undefined)).toMatchObject({ allowed: true, mask: 'NAME' });
  });

  it('anonymous callers never get CONDITIONAL open data, whatever they send', () => {
    expect(decide(anonymous, coord('UNCONDITIONAL', 'CONDITIONAL'), [], SCENARIO)).toEqual({ allowed: false, code: 'NOT_OPEN' });
    // Even a lookup that would cover everything is ignored for anonymous callers.
    const lookupAll = () => ({ grantId: 'forged', plain: true });
    expect(decideCoordinate(catalog, coord('UNCONDITIONAL', 'CONDITIONAL'), { caller: anonymous, scenario: SCENARIO, lookup: lookupAll })).toEqual({ allowed: false, code: 'NOT_OPEN' });
    expect(decideOpen(catalog.fields.get(coord('UNCONDITIONAL', 'CONDITIONAL'))!, SCENARIO, lookupAll, false)).toEqual({ allowed: false, code: 'NOT_OPEN' });
  });

  it('developers are judged by the open attribute, institutions by the share attribute', () => {
    // UNCONDITIONAL share / NONE open: an institution gets it, a developer does not.
    expect(decide(institution, coord('UNCONDITIONAL', 'NONE', false), [], SCENARIO)).toEqual({ allowed: true });
    expect(decide(developer, coord('UNCONDITIONAL', 'NONE', false), plainEverything('developer'), SCENARIO)).toEqual({ allowed: false, code: 'NOT_OPEN' });
    // NONE share / UNCONDITIONAL open: the reverse.
    expect(decide(institution, coord('NONE', 'UNCONDITIONAL', false), [], SCENARIO)).toEqual({ allowed: false, code: 'NOT_SHARED' });
    expect(decide(developer, coord('NONE', 'UNCONDITIONAL', false), [], undefined)).toEqual({ allowed: true });
  });

  it('an undeclared leaf, an unknown coordinate and an undeclared composite in a dataset are NOT_DECLARED', () => {
    for (const caller of [institution, developer, anonymous]) {
      expect(decide(caller, 'SampleEdge.undeclaredLeaf', plainEverything('institution'), SCENARIO)).toEqual({ allowed: false, code: 'NOT_DECLARED' });
      expect(decide(caller, 'Sample.nope', [], SCENARIO)).toEqual({ allowed: false, code: 'NOT_DECLARED' });
      expect(decide(caller, 'Nope.nope', [], SCENARIO)).toEqual({ allowed: false, code: 'NOT_DECLARED' });
      expect(decide(caller, 'Sample.sibling', [], SCENARIO)).toEqual({ allowed: false, code: 'NOT_DECLARED' });
    }
  });

  it('navigation fields (composite, uncatalogued type, not a root) are allowed to everyone; undeclared root fields are not', () => {
    for (const caller of [institution, developer, anonymous]) {
      expect(decide(caller, 'SampleEdge.node', [], undefined)).toEqual({ allowed: true });
      expect(decide(caller, 'Query.edges', [], SCENARIO)).toEqual({ allowed: false, code: 'NOT_DECLARED' });
      expect(decide(caller, 'Mutation.touch', [], SCENARIO)).toEqual({ allowed: false, code: 'NOT_DECLARED' });
    }
  });
});

describe('grantLookup', () => {
  const who = { kind: 'institution' as const, id: INSTITUTION_ID };
  const base: Grant = {
    id: 'g',
    grantee: who,
    scenario: SCENARIO,
    fields: ['Person.name'],
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: '2026-07-01T00:00:00.000Z',
  };

  it('is active in [validFrom, validUntil)', () => {
    const at = (iso: string) => grantLookup([base], who, SCENARIO, new Date(iso))('Person.name');
    expect(at('2025-12-31T23:59:59.999Z')).toBe('expired');
    expect(at('2026-01-01T00:00:00.000Z')).toEqual({ grantId: 'g', plain: false });
    expect(at('2026-06-30T23:59:59.999Z')).toEqual({ grantId: 'g', plain: false });
    expect(at('2026-07-01T00:00:00.000Z')).toBe('expired');
  });

  it('prefers a plain grant over a masked one covering the same coordinate, in any order', () => {
    const masked = { ...base, id: 'masked' };
    const plain = { ...base, id: 'plain', fields: ['Person.*'], plain: ['Person.name'] };
    for (const grants of [[masked, plain], [plain, masked]]) {
      expect(grantLookup(grants, who, SCENARIO, NOW)('Person.name')).toEqual({ grantId: 'plain', plain: true });
    }
  });

  it('an expired plain grant does not lift the mask of an active masked one', () => {
    const masked = { ...base, id: 'masked' };
    const expiredPlain = { ...base, id: 'old', plain: ['Person.name'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' };
    expect(grantLookup([expiredPlain, masked], who, SCENARIO, NOW)('Person.name')).toEqual({ grantId: 'masked', plain: false });
  });

  it('"Type.*" covers every field of that type only; plain lists are only read among covered coordinates', () => {
    const wildcard = { ...base, fields: ['Person.*'], plain: ['Person.birthDate'] };
    const lookup = grantLookup([wildcard], who, SCENARIO, NOW);
    expect(lookup('Person.idNumber')).toEqual({ grantId: 'g', plain: false });
    expect(lookup('Person.birthDate')).toEqual({ grantId: 'g', plain: true });
    expect(lookup('PersonEdge.node')).toBeUndefined();
    expect(lookup('LegalEntity.name')).toBeUndefined();
    const plainOnly = { ...base, fields: ['Person.name'], plain: ['Person.phone'] };
    expect(grantLookup([plainOnly], who, SCENARIO, NOW)('Person.phone')).toBeUndefined();
  });

  it('suspended and revoked grants grant nothing', () => {
    for (const status of ['suspended', 'revoked'] as const) {
      const result = grantLookup([{ ...base, status }], who, SCENARIO, NOW)('Person.name');
      expect(typeof result).not.toBe('object');
    }
  });
});

describe('decisions on the real catalog', () => {
  const { catalog: real } = realSchema();
  const personAll = (plain: boolean): Grant[] => [
    {
      id: 'g-person',
      grantee: { kind: 'institution', id: INSTITUTION_ID },
      scenario: SCENARIO,
      fields: ['Person.*', 'Query.*'],
      plain: plain ? ['Person.*'] : undefined,
      validFrom: YEAR_AGO,
      validUntil: YEAR_AHEAD,
    },
  ];

  it('Person.phone is never shared (不予共享) and never open', () => {
    expect(decide(institution, 'Person.phone', personAll(true), SCENARIO, real)).toEqual({ allowed: false, code: 'NOT_SHARED' });
    expect(decide(developer, 'Person.phone', [], SCENARIO, real)).toEqual({ allowed: false, code: 'NOT_OPEN' });
    expect(decide(anonymous, 'Person.phone', [], undefined, real)).toEqual({ allowed: false, code: 'NOT_OPEN' });
  });

  it('Person.name is shared on a grant, masked by NAME unless the grant is plain', () => {
    expect(decide(institution, 'Person.name', [], SCENARIO, real)).toEqual({ allowed: false, code: 'GRANT_REQUIRED' });
    expect(decide(institution, 'Person.name', personAll(false), SCENARIO, real)).toEqual({ allowed: true, mask: 'NAME', grantId: 'g-person' });
    expect(decide(institution, 'Person.name', personAll(true), SCENARIO, real)).toEqual({ allowed: true, mask: undefined, grantId: 'g-person' });
  });

  it('unconditionally shared fields need only a scenario; a plain grant is still recorded', () => {
    expect(decide(institution, 'LegalEntity.name', [], SCENARIO, real)).toEqual({ allowed: true, mask: undefined, grantId: undefined });
    expect(decide(institution, 'Person.divisionCode', personAll(true), SCENARIO, real)).toEqual({ allowed: true, mask: undefined, grantId: 'g-person' });
    expect(decide(institution, 'LegalEntity.name', [], undefined, real)).toEqual({ allowed: false, code: 'SCENARIO_REQUIRED' });
  });

  it('the public gets unconditionally open legal-entity facts, never population data', () => {
    expect(decide(anonymous, 'LegalEntity.name', [], undefined, real)).toEqual({ allowed: true });
    expect(decide(anonymous, 'Query.legalEntity', [], undefined, real)).toEqual({ allowed: true });
    expect(decide(anonymous, 'Query.person', [], undefined, real)).toEqual({ allowed: false, code: 'NOT_OPEN' });
    expect(decide(anonymous, 'Query.verifyPersonIdentity', [], undefined, real)).toEqual({ allowed: false, code: 'NOT_OPEN' });
  });

  it('connection navigation fields are allowed to everyone', () => {
    for (const caller of [institution, developer, anonymous]) {
      expect(decide(caller, 'PersonConnection.edges', [], undefined, real)).toEqual({ allowed: true });
      expect(decide(caller, 'PersonEdge.node', [], undefined, real)).toEqual({ allowed: true });
      expect(decide(caller, 'LegalEntityConnection.pageInfo', [], undefined, real)).toEqual({ allowed: true });
    }
  });
});
