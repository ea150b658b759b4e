// The pure rules of authorized operation (directives/authorized-operation.ts, seed 001): review findings,
// Yunnan Art.38 over the real catalog, terms, publicity, product rights closing and statement lines.
import { readCatalog } from '../../directives/catalog';
import {
  DEVELOPMENT_TERM_MAX_MONTHS, inoperableFields, OPERATION_TERM_MAX_MONTHS, publicityOver, REVIEW_POINTS, reviewOutcome, reviewProblem, statementLine, termAllowed, withoutProducts,
} from '../../directives/authorized-operation';
import { SUPERGRAPH_SDL } from './fixtures';

const catalog = readCatalog(SUPERGRAPH_SDL);
const findings = (failed: string[] = []) => REVIEW_POINTS.map((point) => ({ point, passed: !failed.includes(point), note: '已核查' }));

describe('authorized operation rules (seed 001)', () => {
  it('a review records every point once, with a note; any fail rejects (产品和服务审查)', () => {
    expect(reviewProblem(findings())).toBeUndefined();
    expect(reviewOutcome(findings())).toBe('publishable');
    expect(reviewOutcome(findings(['CROSS_BORDER']))).toBe('rejected');
    expect(reviewProblem(findings().slice(1))?.en).toMatch(/PURPOSE_AND_SCOPE/);
    expect(reviewProblem([...findings(), findings()[0]])).toBeDefined();
    expect(reviewProblem([...findings().slice(1), { point: 'VIBES', passed: true, note: 'x' }])?.en).toMatch(/unknown review points: VIBES/);
    expect(reviewProblem(findings().map((f, i) => (i === 2 ? { ...f, note: '  ' } : f)))?.en).toMatch(/note/);
  });

  it('Yunnan Art.38: 不予开放 fields and unknown ones are never operated', () => {
    expect(inoperableFields(catalog, ['LegalEntity.name', 'Person.idNumber', 'Person.nothing'])).toEqual({ notOpen: ['Person.idNumber'], unknown: ['Person.nothing'] });
    expect(inoperableFields(catalog, ['LegalEntity.name', 'LegalEntity.kind'])).toEqual({ notOpen: [], unknown: [] });
  });

  it('terms: operation at most 5 years, development at most 3, whole months from 1', () => {
    expect([60, 61, 0, 1.5].map((m) => termAllowed(m, OPERATION_TERM_MAX_MONTHS))).toEqual([true, false, false, false]);
    expect([36, 37, 1].map((m) => termAllowed(m, DEVELOPMENT_TERM_MAX_MONTHS))).toEqual([true, false, true]);
  });

  it('publicity: signing only after its last working day', () => {
    expect(publicityOver('2026-12-04', '2026-12-04')).toBe(false);
    expect(publicityOver('2026-12-05', '2026-12-04')).toBe(true);
  });

  it('closed rights drop product coordinates, and grants of products only', () => {
    const grant = (id: string, fields: string[]) => ({ id, grantee: { kind: 'developer' as const, id: 'd' }, scenario: 's', fields, validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' });
    expect(withoutProducts([grant('a', ['Query.licenceCounts', 'LegalEntity.name']), grant('b', ['Query.personCounts'])])).toEqual([grant('a', ['LegalEntity.name'])]);
  });

  it('statement lines: calls × fee, free for public governance and welfare', () => {
    expect(statementLine(7, 150, 'INDUSTRY_DEVELOPMENT')).toEqual({ unitFeeFen: 150, amountFen: 1050 });
    expect(statementLine(7, 150, 'PUBLIC_WELFARE')).toEqual({ unitFeeFen: 0, amountFen: 0 });
    expect(statementLine(7, 150, 'PUBLIC_GOVERNANCE')).toEqual({ unitFeeFen: 0, amountFen: 0 });
  });
});
