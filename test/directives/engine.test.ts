// createPolicyEngine: one outcome per (document, operation, @skip/@include values, caller, scenario,
// grants version), kept until the next grant validity boundary.
import { parse } from 'graphql';
import type { Caller } from '../../directives/caller';
import { createPolicyEngine, type PolicyRequest } from '../../directives/engine';
import type { Grant } from '../../directives/grants';
import { grant, institution, NOW, realSchema, SCENARIO } from './fixtures';

const QUERY = 'query Q($id: ID!, $s: Boolean!) { person(idNumber: $id) { divisionCode name @skip(if: $s) } }';
const nameGrant = grant(['Query.person', 'Person.name'], { id: 'g-name', validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2026-07-01T00:00:00.000Z' });

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    documentKey: 'hash-of-QUERY',
    document: parse(QUERY),
    operationName: 'Q',
    variables: { id: '530102199001011234', s: false },
    caller: institution,
    scenario: SCENARIO,
    grants: [nameGrant],
    grantsVersion: 'v1',
    now: NOW,
    ...overrides,
  };
}

function engine(cacheSize?: number) {
  const { apiSchema, catalog } = realSchema();
  return createPolicyEngine(apiSchema, catalog, undefined, cacheSize);
}

describe('createPolicyEngine caching', () => {
  it('returns the identical outcome object for the same request', () => {
    const e = engine();
    const first = e.decide(request());
    expect(first.masked).toEqual(new Set(['Person.name']));
    expect(first.grantIds).toEqual(new Set(['g-name']));
    expect(e.decide(request())).toBe(first);
    // A fresh but equal document and variables object under the same key is the same request.
    expect(e.decide(request({ document: parse(QUERY), variables: { id: '530102199001011234', s: false } }))).toBe(first);
  });

  it('variables that are not @skip/@include conditions do not split the cache', () => {
    const e = engine();
    const first = e.decide(request());
    expect(e.decide(request({ variables: { id: '530102198505056789', s: false } }))).toBe(first);
  });

  it('a different grantsVersion decides again', () => {
    const e = engine();
    const first = e.decide(request());
    const revoked = e.decide(request({ grants: [], grantsVersion: 'v2' }));
    expect(revoked).not.toBe(first);
    expect(revoked.denials).toEqual([{ path: ['person', 'name'], coordinate: 'Person.name', code: 'GRANT_REQUIRED' }]);
  });

  it('the same grantsVersion keeps the outcome even if the grants passed differ (the version is the contract)', () => {
    const e = engine();
    const first = e.decide(request());
    expect(e.decide(request({ grants: [] }))).toBe(first);
  });

  it('a different scenario decides again', () => {
    const e = engine();
    const first = e.decide(request());
    const other = e.decide(request({ scenario: 'SC-other' }));
    expect(other).not.toBe(first);
    expect(other.denials.map((d) => d.code)).toEqual(['GRANT_REQUIRED']);
    const none = e.decide(request({ scenario: undefined }));
    expect(none).not.toBe(first);
    expect(none.empty).toBe(true);
    expect(none.denials.map((d) => d.code)).toEqual(['SCENARIO_REQUIRED']);
  });

  it('a different @skip variable value decides again', () => {
    const e = engine();
    const shown = e.decide(request());
    const skipped = e.decide(request({ variables: { id: '530102199001011234', s: true } }));
    expect(skipped).not.toBe(shown);
    expect(skipped.masked.size).toBe(0);
    expect(shown.masked.size).toBe(1);
    expect(e.decide(request())).toBe(shown);
  });

  it('a different caller, institution, caller kind or operation decides again', () => {
    const e = engine();
    const first = e.decide(request());
    const otherInstitution: Caller = { ...institution, institution: '11530000MB0000002Y' } as Caller;
    const other = e.decide(request({ caller: otherInstitution }));
    expect(other).not.toBe(first);
    expect(other.denials.map((d) => d.code)).toEqual(['GRANT_REQUIRED']);
    const anon = e.decide(request({ caller: { kind: 'anonymous' } }));
    expect(anon).not.toBe(first);
    expect(anon.denials.map((d) => d.code)).toEqual(['NOT_OPEN']);
    const twoOps = parse(`${QUERY} query R { legalEntity(creditCode: "X") { name } }`);
    const r = e.decide(request({ documentKey: 'two-ops', document: twoOps, operationName: 'R' }));
    const q = e.decide(request({ documentKey: 'two-ops', document: twoOps, operationName: 'Q' }));
    expect(r).not.toBe(q);
    expect(r.operation.name?.value).toBe('R');
    expect(q.operation.name?.value).toBe('Q');
  });

  it('the same operator working for the same institution shares the outcome', () => {
    const e = engine();
    const first = e.decide(request());
    const colleague = { ...institution, operator: 'operator-2' } as Caller;
    expect(e.decide(request({ caller: colleague }))).toBe(first);
  });

  it('recomputes after a grant’s validUntil passes', () => {
    const e = engine();
    const until = Date.parse(nameGrant.validUntil);
    const before = e.decide(request({ now: new Date(until - 60_000) }));
    expect(before.denials).toEqual([]);
    expect(e.decide(request({ now: new Date(until - 1) }))).toBe(before);
    const after = e.decide(request({ now: new Date(until) }));
    expect(after).not.toBe(before);
    expect(after.denials).toEqual([{ path: ['person', 'name'], coordinate: 'Person.name', code: 'GRANT_EXPIRED' }]);
  });

  it('recomputes when a grant becomes valid', () => {
    const e = engine();
    const from = Date.parse(nameGrant.validFrom);
    const early = e.decide(request({ now: new Date(from - 1000) }));
    expect(early.denials.map((d) => d.code)).toEqual(['GRANT_EXPIRED']);
    const started = e.decide(request({ now: new Date(from) }));
    expect(started).not.toBe(early);
    expect(started.denials).toEqual([]);
  });

  it('a boundary of any of the caller’s grants (even another scenario’s) ends the cached outcome', () => {
    const e = engine();
    const otherScenario: Grant = grant(['Person.birthDate'], { scenario: 'SC-other', validUntil: '2026-06-01T12:00:00.000Z' });
    const grants = [nameGrant, otherScenario];
    const first = e.decide(request({ grants }));
    expect(e.decide(request({ grants, now: new Date('2026-06-01T11:59:59.999Z') }))).toBe(first);
    expect(e.decide(request({ grants, now: new Date('2026-06-01T12:00:00.000Z') }))).not.toBe(first);
  });

  it('evicts least recently used outcomes beyond its capacity', () => {
    const e = engine(1);
    const a = e.decide(request());
    const b = e.decide(request({ scenario: 'SC-other' }));
    expect(b).not.toBe(a);
    expect(e.decide(request())).not.toBe(a);
  });

  it('exposes the catalog it decides with', () => {
    const { catalog } = realSchema();
    expect(engine().catalog).toBe(catalog);
  });
});
