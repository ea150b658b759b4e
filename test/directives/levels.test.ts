// The levels act (issue 14 item 5, the static rules), checked by checkCatalog at compose time:
//  - IMPORTANT and CORE data are never open (GB/T 43697-2024: 重要数据 and 核心数据 stand above general
//    data; Ganzi Art.24: data not open may be opened only once anonymised or de-identified; Art.25: what
//    is opened follows the 分类分级 requirements after a security and secrecy review) — LEVEL_FORBIDS_OPEN;
//  - a field is never graded below its dataset (就高从严, GB/T 43697-2024) — LEVEL_BELOW_DATASET.
// Ganzi Art.16 and Art.24 put every change of a share or open attribute under the authority's review; these
// rules are what such a review can never approve, so they hold for the SDL's initial values already.
import { checkCatalog, type CatalogProblem } from '../../directives/catalog-check';
import { readCatalog } from '../../directives/catalog';
import { composeSupergraph } from '../../schema/compose';
import { loadSubgraphSdl } from '../../subgraphs/registry';
import { POLICY_VOCABULARY_SDL } from '../support/policy-vocabulary';

const VOCABULARY = POLICY_VOCABULARY_SDL;

/** A dataset 地块 at `datasetLevel` whose field `target` is declared as given; `root` adds a Query field. */
function problemsOf(datasetLevel: string, target: string, root = ''): CatalogProblem[] {
  return checkCatalog(readCatalog(`${VOCABULARY}
    type Parcel @dataset(code: "T-1", name: "地块", provider: "p", providerCode: "c", updateFrequency: "每日", resourceKind: "基础", level: ${datasetLevel}) {
      id: ID! @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
      target: String ${target}
    }
    type Query {
      parcel(id: ID!): Parcel @share(attribute: UNCONDITIONAL) @open(attribute: NONE)
      ${root}
    }
  `));
}

const codes = (problems: CatalogProblem[]) => problems.map((p) => `${p.code} ${p.coordinate}`);

describe('IMPORTANT and CORE data are never open (GB/T 43697-2024; Ganzi Art.24-25)', () => {
  it.each([
    ['an IMPORTANT field opened unconditionally', 'L2', '@level(level: IMPORTANT) @open(attribute: UNCONDITIONAL)'],
    ['a CORE field opened on a condition', 'L2', '@level(level: CORE) @open(attribute: CONDITIONAL, condition: "经批准")'],
    ['a field of an IMPORTANT dataset, opened without a @level of its own', 'IMPORTANT', '@open(attribute: UNCONDITIONAL)'],
    ['a field of a CORE dataset opened on a condition', 'CORE', '@open(attribute: CONDITIONAL, condition: "经批准")'],
  ])('refuses %s with LEVEL_FORBIDS_OPEN', (_label, datasetLevel, declaration) => {
    const problems = problemsOf(datasetLevel, `@share(attribute: UNCONDITIONAL) ${declaration}`);
    expect(codes(problems)).toEqual(['LEVEL_FORBIDS_OPEN Parcel.target']);
    // Bilingual, naming the coordinate, the level and the fix.
    expect(problems[0].message).toMatch(/^Parcel\.target为(IMPORTANT|CORE)级.*重要数据和核心数据不予开放.* \/ Parcel\.target is (IMPORTANT|CORE) data .*never open: declare @open\(attribute: NONE\)/);
  });

  it('says when the level is the dataset\'s, not the field\'s', () => {
    const [problem] = problemsOf('CORE', '@share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL)');
    expect(problem.message).toContain('所属数据集地块的级别');
    expect(problem.message).toContain('the level of its dataset Parcel');
  });

  it('accepts IMPORTANT and CORE data that are not open, and open data of general levels (L1-L4)', () => {
    expect(problemsOf('IMPORTANT', '@share(attribute: CONDITIONAL, condition: "经批准") @open(attribute: NONE) @level(level: CORE)')).toEqual([]);
    expect(problemsOf('CORE', '@share(attribute: UNCONDITIONAL) @open(attribute: NONE)')).toEqual([]);
    expect(problemsOf('L1', '@share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL) @level(level: L4)')).toEqual([]);
  });

  it('applies to root fields graded IMPORTANT too', () => {
    const problems = problemsOf('L1', '@share(attribute: UNCONDITIONAL) @open(attribute: NONE)',
      'parcelCount: Int @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL) @level(level: IMPORTANT)');
    expect(codes(problems)).toEqual(['LEVEL_FORBIDS_OPEN Query.parcelCount']);
  });
});

describe('a field is never graded below its dataset (就高从严, GB/T 43697-2024)', () => {
  it.each([
    ['L3', 'L2'], ['L2', 'L1'], ['L4', 'L3'], ['IMPORTANT', 'L4'], ['CORE', 'IMPORTANT'],
  ])('refuses a @level below a %s dataset (%s) with LEVEL_BELOW_DATASET', (datasetLevel, fieldLevel) => {
    const problems = problemsOf(datasetLevel, `@share(attribute: UNCONDITIONAL) @open(attribute: NONE) @level(level: ${fieldLevel})`);
    expect(codes(problems)).toEqual(['LEVEL_BELOW_DATASET Parcel.target']);
    expect(problems[0].message).toBe(
      `Parcel.target的级别${fieldLevel}低于所属数据集地块的级别${datasetLevel}，应就高从严 / ` +
      `Parcel.target is graded ${fieldLevel}, below its dataset Parcel (${datasetLevel}): ` +
      'a field is never graded below its dataset (就高从严, GB/T 43697-2024); raise or remove the @level',
    );
  });

  it('accepts a @level equal to or above the dataset\'s, and no @level at all', () => {
    for (const level of ['L3', 'L4', 'IMPORTANT']) {
      expect(problemsOf('L3', `@share(attribute: UNCONDITIONAL) @open(attribute: NONE) @level(level: ${level})`)).toEqual([]);
    }
    expect(problemsOf('L3', '@share(attribute: UNCONDITIONAL) @open(attribute: NONE)')).toEqual([]);
  });

  it('reports both rules when a field below an IMPORTANT dataset is opened', () => {
    const problems = problemsOf('IMPORTANT', '@share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL) @level(level: L2)');
    expect(codes(problems).sort()).toEqual(['LEVEL_BELOW_DATASET Parcel.target', 'LEVEL_FORBIDS_OPEN Parcel.target']);
  });
});

describe('through composition of the real subgraph SDLs', () => {
  // What `npm run compose` checks: the subgraphs composed, then the supergraph's catalog.
  const composedProblems = (alter: Record<string, (sdl: string) => string>): CatalogProblem[] => {
    const result = composeSupergraph((info) => (alter[info.name] ?? ((sdl: string) => sdl))(loadSubgraphSdl(info)));
    if (!result.ok) throw new Error(`composition failed:\n${result.errors.join('\n')}`);
    return checkCatalog(readCatalog(result.supergraphSdl));
  };
  const replaceOnce = (sdl: string, from: string, to: string) => {
    expect(sdl).toContain(from);
    return sdl.replace(from, to);
  };

  it('the SDLs as they are pass both rules', () => {
    expect(composedProblems({})).toEqual([]);
  });

  it('refuses an open LegalEntity.name graded IMPORTANT and a Person.gender graded below Person (L3)', () => {
    const problems = composedProblems({
      'legal-entity': (sdl) => replaceOnce(sdl,
        'name: String! @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL)',
        'name: String! @share(attribute: UNCONDITIONAL) @open(attribute: UNCONDITIONAL) @level(level: IMPORTANT)'),
      population: (sdl) => replaceOnce(sdl,
        'gender: Gender! @share(attribute: UNCONDITIONAL) @open(attribute: NONE)',
        'gender: Gender! @share(attribute: UNCONDITIONAL) @open(attribute: NONE) @level(level: L1)'),
    });
    expect(codes(problems).sort()).toEqual(['LEVEL_BELOW_DATASET Person.gender', 'LEVEL_FORBIDS_OPEN LegalEntity.name']);
  });
});
