// readCatalog and checkCatalog: the real supergraph's declared facts, and one compose-time problem
// per kind of mistake, each naming its coordinate.
import { checkCatalog } from '../../directives/catalog-check';
import { maskable, readCatalog } from '../../directives/catalog';
import { MASK_STRATEGIES, SHARE_ATTRIBUTES } from '../../directives/vocabulary';
import { realSchema, SUPERGRAPH_SDL } from './fixtures';
import { POLICY_VOCABULARY_SDL } from '../support/policy-vocabulary';

describe('readCatalog on schema/supergraph.graphql', () => {
  const { catalog } = realSchema();

  it('sees the vocabulary and the three datasets with their 目录 facts', () => {
    expect(catalog.hasVocabulary).toBe(true);
    expect([...catalog.datasets.keys()].sort()).toEqual(['LegalEntity', 'Licence', 'Person']);
    expect(catalog.datasets.get('Person')).toMatchObject({ code: '530000-GA-0001', provider: '云南省公安厅', level: 'L3', typeName: 'Person' });
    expect(catalog.datasets.get('LegalEntity')).toMatchObject({ code: '530000-SJ-0001', level: 'L1' });
  });

  it('reads share, open, mask and level of Person fields', () => {
    expect(catalog.fields.get('Person.phone')).toMatchObject({
      coordinate: 'Person.phone',
      typeName: 'Person',
      fieldName: 'phone',
      share: { attribute: 'NONE' },
      open: { attribute: 'NONE' },
      mask: 'PHONE',
      level: 'L4',
      composite: false,
      returnType: 'String',
    });
    expect(catalog.fields.get('Person.phone')!.share!.legalBasis).toContain('个人信息保护法');
    expect(catalog.fields.get('Person.name')).toMatchObject({ share: { attribute: 'CONDITIONAL' }, mask: 'NAME', level: 'L3' });
    expect(catalog.fields.get('Person.name')!.share!.condition).toBeTruthy();
    expect(catalog.fields.get('Person.idNumber')).toMatchObject({ mask: 'ID_NUMBER', returnType: 'ID' });
    expect(catalog.fields.get('Person.ethnicity')).toMatchObject({ level: 'L4', mask: 'REDACT' });
  });

  it('marks composite fields and their return types; uncatalogued types have no dataset', () => {
    expect(catalog.fields.get('LegalEntity.legalRepresentative')).toMatchObject({ composite: true, returnType: 'Person' });
    expect(catalog.fields.get('Licence.holder')).toMatchObject({ composite: true, returnType: 'LicenceHolder' });
    expect(catalog.fields.get('Query.persons')).toMatchObject({ composite: true, returnType: 'Person' });
    expect(catalog.fields.get('PersonEdge.node')).toMatchObject({ composite: true, share: undefined, open: undefined, dataset: undefined });
    expect(catalog.fields.get('PersonConnection.totalCount')).toMatchObject({ composite: false, returnType: 'Int' });
  });

  it('every mask in the catalog is on a text field and names a known strategy', () => {
    const masked = [...catalog.fields.values()].filter((f) => f.mask);
    expect(masked.length).toBeGreaterThanOrEqual(6);
    for (const f of masked) {
      expect(MASK_STRATEGIES).toContain(f.mask);
      expect(maskable(f)).toBe(true);
    }
  });

  it('every field of a dataset declares valid share and open attributes', () => {
    for (const f of catalog.fields.values()) {
      if (!f.dataset) continue;
      expect(SHARE_ATTRIBUTES).toContain(f.share?.attribute);
      expect(SHARE_ATTRIBUTES).toContain(f.open?.attribute);
    }
  });

  it('checkCatalog finds no problem in the real supergraph', () => {
    expect(checkCatalog(readCatalog(SUPERGRAPH_SDL))).toEqual([]);
  });
});

const VOCABULARY = POLICY_VOCABULARY_SDL;

/** A small valid catalog; `field` replaces the declaration of Thing.target. */
function sdl(field: string, extra = ''): string {
  return `${VOCABULARY}
    type Thing @dataset(code: "T-1", name: "事物", provider: "p", providerCode: "c", updateFrequency: "每日", resourceKind: "基础", level: L2) {
      id: ID! @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL)
      ${field}
    }
    type ThingEdge { node: Thing cursor: String @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL) }
    type Query {
      thing(id: ID!): Thing @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
      things: [ThingEdge] @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
    }
    ${extra}
  `;
}

describe('checkCatalog on synthetic catalogs', () => {
  it('a valid catalog has no problems (navigation fields need no declaration)', () => {
    const valid = sdl('target: String @share(attribute: CONDITIONAL, condition: "经批准") @open(attribute: NONE) @mask(strategy: NAME)');
    expect(checkCatalog(readCatalog(valid))).toEqual([]);
  });

  const cases: [string, string, string, RegExp][] = [
    ['a missing @open', 'target: String @share(attribute: UNCONDITIONAL)', 'Thing.target', /no @open/],
    ['a missing @share', 'target: String @open(attribute: NONE)', 'Thing.target', /no @share/],
    ['NONE without legalBasis', 'target: String @share(attribute: NONE) @open(attribute: NONE)', 'Thing.target', /NONE\) without legalBasis/],
    ['NONE with a blank legalBasis', 'target: String @share(attribute: NONE, legalBasis: "   ") @open(attribute: NONE)', 'Thing.target', /without legalBasis/],
    ['CONDITIONAL share without condition', 'target: String @share(attribute: CONDITIONAL) @open(attribute: NONE)', 'Thing.target', /@share\(attribute: CONDITIONAL\) without condition/],
    ['CONDITIONAL open without condition', 'target: String @share(attribute: UNCONDITIONAL) @open(attribute: CONDITIONAL)', 'Thing.target', /@open\(attribute: CONDITIONAL\) without condition/],
    ['@mask on an Int field', 'target: Int @share(attribute: UNCONDITIONAL) @open(attribute: NONE) @mask(strategy: PHONE)', 'Thing.target', /has @mask but returns Int/],
    ['@mask on a list of Int', 'target: [Int!]! @share(attribute: UNCONDITIONAL) @open(attribute: NONE) @mask(strategy: HASH)', 'Thing.target', /returns Int/],
    ['an undeclared composite field of a dataset', 'target: ThingEdge', 'Thing.target', /no @share/],
  ];

  it.each(cases)('reports %s, naming the coordinate', (_label, field, coordinate, message) => {
    const problems = checkCatalog(readCatalog(sdl(field)));
    if (_label.startsWith('an undeclared composite')) {
      // Both attributes are missing: one problem each, both on the coordinate.
      expect(problems.map((p) => p.coordinate)).toEqual([coordinate, coordinate]);
    } else {
      expect(problems).toHaveLength(1);
    }
    expect(problems[0].coordinate).toBe(coordinate);
    expect(problems[0].message).toMatch(message);
    expect(problems[0].message).toContain(coordinate);
  });

  it('reports an undeclared root field and an undeclared leaf outside datasets', () => {
    const problems = checkCatalog(
      readCatalog(sdl('target: String @share(attribute: UNCONDITIONAL) @open(attribute: NONE)', 'type Extra { leaf: String nav: Thing }')),
    );
    // Extra.leaf is a leaf in no dataset (both attributes missing); Extra.nav is navigation.
    expect(problems.map((p) => p.coordinate)).toEqual(['Extra.leaf', 'Extra.leaf']);
    const root = checkCatalog(readCatalog(sdl('target: String @share(attribute: UNCONDITIONAL) @open(attribute: NONE)').replace('things: [ThingEdge] @share(attribute: UNCONDITIONAL) @open(attribute: NONE)', 'things: [ThingEdge]')));
    expect(root.map((p) => p.coordinate)).toEqual(['Query.things', 'Query.things']);
  });

  it('reports several mistakes on several coordinates independently', () => {
    const problems = checkCatalog(
      readCatalog(sdl('a: Int @share(attribute: NONE) @open(attribute: NONE) @mask(strategy: NAME)\n b: String @share(attribute: CONDITIONAL)')),
    );
    expect(problems.map((p) => p.coordinate).sort()).toEqual(['Thing.a', 'Thing.a', 'Thing.b', 'Thing.b']);
  });
});

describe('readCatalog on synthetic catalogs', () => {
  it('a field level is never lower than its dataset level (就高从严)', () => {
    const catalog = readCatalog(
      sdl('low: String @share(attribute: UNCONDITIONAL) @open(attribute: NONE) @level(level: L1)\n high: String @share(attribute: UNCONDITIONAL) @open(attribute: NONE) @level(level: CORE)'),
    );
    expect(catalog.fields.get('Thing.low')!.level).toBe('L2');
    expect(catalog.fields.get('Thing.high')!.level).toBe('CORE');
    expect(catalog.fields.get('Thing.id')!.level).toBe('L2');
    expect(catalog.fields.get('ThingEdge.cursor')!.level).toBeUndefined();
  });

  it('without the vocabulary, hasVocabulary is false', () => {
    expect(readCatalog('type Query { a: String }').hasVocabulary).toBe(false);
    expect(readCatalog(sdl('x: String')).hasVocabulary).toBe(true);
  });
});
