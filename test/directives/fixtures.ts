// Shared fixtures for the policy-core unit tests: the real supergraph's API schema and catalog,
// callers of each kind, and grant builders. Pure: no servers, no stores.
import fs from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { parse, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { analyseOperation, type PolicyDecision } from '../../directives/analyse';
import type { Caller } from '../../directives/caller';
import { readCatalog, type Catalog } from '../../directives/catalog';
import { decideCoordinate } from '../../directives/decide';
import { grantLookup, type Grant } from '../../directives/grants';

export const SUPERGRAPH_SDL = fs.readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8');

let cached: { apiSchema: GraphQLSchema; catalog: Catalog } | undefined;

/** The API schema the gateway plans against (built as Apollo Gateway builds it) and the catalog. */
export function realSchema(): { apiSchema: GraphQLSchema; catalog: Catalog } {
  if (!cached) {
    const apiSchema = Supergraph.build(SUPERGRAPH_SDL, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
    cached = { apiSchema, catalog: readCatalog(SUPERGRAPH_SDL) };
  }
  return cached;
}

export const INSTITUTION_ID = '11530000MB0000001X';
export const DEVELOPER_ID = 'dev-0001';
export const SCENARIO = 'SC-social-assistance';

export const institution: Caller = {
  kind: 'institution',
  operator: 'operator-1',
  institution: INSTITUTION_ID,
  division: '530000',
  roles: ['institution'],
};
export const developer: Caller = { kind: 'developer', developer: DEVELOPER_ID, name: 'App' };
export const anonymous: Caller = { kind: 'anonymous' };

export const NOW = new Date('2026-06-01T00:00:00.000Z');
export const YEAR_AGO = '2025-06-01T00:00:00.000Z';
export const YEAR_AHEAD = '2027-06-01T00:00:00.000Z';

let grantCounter = 0;

/** An active grant for the test institution under SCENARIO unless overridden. */
export function grant(fields: string[], overrides: Partial<Grant> = {}): Grant {
  grantCounter += 1;
  return {
    id: `g-${grantCounter}`,
    grantee: { kind: 'institution', id: INSTITUTION_ID },
    scenario: SCENARIO,
    fields,
    validFrom: YEAR_AGO,
    validUntil: YEAR_AHEAD,
    ...overrides,
  };
}

/** A decide function for `caller` with its grants, as the engine builds one; `null` scenario: none declared. */
export function decider(caller: Caller, grants: readonly Grant[] = [], scenarioOrNull: string | null = SCENARIO, now: Date = NOW, catalog = realSchema().catalog) {
  const scenario = scenarioOrNull ?? undefined;
  const who =
    caller.kind === 'institution'
      ? { kind: 'institution' as const, id: caller.institution }
      : caller.kind === 'developer'
        ? { kind: 'developer' as const, id: caller.developer }
        : undefined;
  const lookup = who && scenario ? grantLookup(grants, who, scenario, now) : undefined;
  return (coordinate: string) => decideCoordinate(catalog, coordinate, { caller, scenario, lookup });
}

/** Runs analyseOperation over the real API schema. */
export function analyse(
  query: string | DocumentNode,
  decide: (coordinate: string) => ReturnType<ReturnType<typeof decider>>,
  variables: Record<string, unknown> = {},
  operationName?: string,
): PolicyDecision {
  const document = typeof query === 'string' ? parse(query) : query;
  return analyseOperation(realSchema().apiSchema, document, operationName, variables, decide);
}

/** The filtered document as text, and the set of field names (with aliases) it still selects. */
export function printed(outcome: PolicyDecision): string {
  return print(outcome.document);
}

/** Converts plan Maps into plain objects for readable assertions. */
export function planJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (v instanceof Map ? Object.fromEntries(v) : v)));
}
