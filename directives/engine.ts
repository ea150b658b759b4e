// The policy core as one object: catalog + schema in, decisions out, with the caching that keeps it
// cheap. An operation's decision depends only on the document, the @skip/@include variables, and the
// caller's entitlement (kind, grantee, scenario, grant version); it is computed once per such key and
// kept until the next grant validity boundary. No I/O: stores load grants before it runs.
import { Kind, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { analyseOperation, type PolicyDecision } from './analyse';
import { granteeOf, type Caller } from './caller';
import type { Catalog } from './catalog';
import { decideCoordinate } from './decide';
import { grantLookup, scopeOf, type Grant } from './grants';
import { anyGrantCoverage, chinaDate, effectiveMasks, exposuresOf, type EffectiveMasks } from './inference';
import { highLevelCoordinates } from './levels';
import { LruCache } from './lru';
import { kindsAllowed } from './reach';
import { DEFAULT_MASK_SETTINGS, type MaskSettings } from './mask';
import type { DatasetFacts } from './vocabulary';

export interface PolicyRequest {
  /** Stable hash of the document text (Apollo's queryHash). */
  documentKey: string;
  document: DocumentNode;
  operationName?: string | null;
  variables: Record<string, unknown>;
  caller: Caller;
  scenario?: string;
  /** The caller's grants (any scenario) and the version of the store they came from. */
  grants: readonly Grant[];
  grantsVersion: string;
  /** Datasets suspended for sharing / opening; 'all' when the state is unknown (fail closed). */
  suspendedDatasets?: { share: readonly string[]; open: readonly string[] } | 'all';
  now: Date;
}

interface CachedDecision {
  decision: PolicyDecision;
  /** Epoch ms after which a grant may have started or ended: decide again. */
  validUntil: number;
}

export interface PolicyEngine {
  decide(request: PolicyRequest): PolicyDecision;
  /**
   * The masks this caller's values get: the configured ones, narrowed where what the caller sees
   * under any of its grants would let a masked value be worked out (directives/inference.ts).
   */
  masksFor(request: Pick<PolicyRequest, 'caller' | 'grants' | 'grantsVersion' | 'now'>): EffectiveMasks;
  readonly catalog: Catalog;
}

function conditionVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') return;
      for (const arg of node.arguments ?? []) if (arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
    },
  });
  return [...names].sort();
}

/** The next instant at which one of these grants starts or stops being valid. */
function nextBoundary(grants: readonly Grant[], now: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const grant of grants) {
    for (const edge of [Date.parse(grant.validFrom), Date.parse(grant.validUntil)]) if (edge > now && edge < next) next = edge;
  }
  return next;
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The next midnight in China (UTC+8) after `now`, epoch ms. */
function nextChinaMidnight(now: number): number {
  return (Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - CHINA_OFFSET_MS;
}

export function createPolicyEngine(schema: GraphQLSchema, catalog: Catalog, maskSettings: MaskSettings = DEFAULT_MASK_SETTINGS, cacheSize = 5000): PolicyEngine {
  const conditionCache = new LruCache<string, string[]>(cacheSize);
  const decisions = new LruCache<string, CachedDecision>(cacheSize);
  const masks = new LruCache<string, { masks: EffectiveMasks; validUntil: number }>(cacheSize);
  // Counting candidates takes a moment the first time; do it now for the exposures institutions can
  // have (nothing, everything masked, everything masked but the birth date plain), not on a request.
  const today = chinaDate(new Date());
  for (const coverage of [() => undefined, () => ({ plain: false }), (c: string) => ({ plain: c.endsWith('.birthDate') })]) {
    effectiveMasks(catalog, maskSettings, exposuresOf(catalog, 'institution', coverage), today);
  }

  return {
    catalog,
    masksFor(request) {
      const who = granteeOf(request.caller);
      const key = [request.caller.kind, who?.id ?? '', request.grantsVersion].join('\u0000');
      const now = request.now.getTime();
      const cached = masks.get(key);
      if (cached && now < cached.validUntil) return cached.masks;
      const coverage = who ? anyGrantCoverage(request.grants, who, request.now) : () => undefined;
      const result = effectiveMasks(catalog, maskSettings, exposuresOf(catalog, request.caller.kind, coverage), chinaDate(request.now));
      // Counts depend on the grants in force and on the day (the latest possible birth date).
      masks.set(key, { masks: result, validUntil: Math.min(nextBoundary(request.grants, now), nextChinaMidnight(now)) });
      return result;
    },
    decide(request) {
      let conditions = conditionCache.get(request.documentKey);
      if (!conditions) conditionCache.set(request.documentKey, (conditions = conditionVariables(request.document)));
      const who = granteeOf(request.caller);
      const key = [
        request.documentKey,
        request.operationName ?? '',
        conditions.map((name) => String(request.variables[name])).join(','),
        request.caller.kind,
        who?.id ?? '',
        request.scenario ?? '',
        request.grantsVersion,
        request.suspendedDatasets === 'all' ? 'all' : '',
      ].join('\u0000');
      const now = request.now.getTime();
      const cached = decisions.get(key);
      if (cached && now < cached.validUntil) return cached.decision;

      const lookup = who && request.scenario ? grantLookup(request.grants, who, request.scenario, request.now) : undefined;
      const suspended = request.suspendedDatasets;
      const input = {
        caller: request.caller,
        scenario: request.scenario,
        lookup,
        suspendedDatasets: suspended === 'all' || suspended === undefined ? suspended : { share: new Set(suspended.share), open: new Set(suspended.open) },
      };
      const decision = analyseOperation(
        schema,
        request.document,
        request.operationName,
        request.variables,
        (coordinate) => decideCoordinate(catalog, coordinate, input),
        {
          subjectKeyOf: (typeName) => catalog.datasets.get(typeName)?.subjectKey,
          mayInject: (coordinate) => {
            const policy = catalog.fields.get(coordinate);
            return policy !== undefined && kindsAllowed(policy).has(request.caller.kind);
          },
          scopeOf: (coordinate) => scopeOf(lookup, coordinate),
          datasetOfType: (typeName) => catalog.datasets.get(typeName)?.code,
          datasetOfRoot: (coordinate) => catalog.rootDatasets.get(coordinate)?.code,
        },
      );
      // Which datasets the answer draws on (provenance, audit): once per decision, not per request.
      const datasets = new Map<string, DatasetFacts>();
      for (const coordinate of [...decision.returned, ...decision.masked]) {
        const facts = catalog.fields.get(coordinate)?.dataset;
        if (facts) datasets.set(facts.code, facts);
      }
      decision.datasets = [...datasets.values()];
      // Reads of L4+ data are flagged in the audit, masked or plain (Ganzi Art.36-37: 安全审计).
      decision.highLevel = highLevelCoordinates(catalog, [...decision.returned, ...decision.masked]);
      decisions.set(key, { decision, validUntil: nextBoundary(request.grants, now) });
      return decision;
    },
  };
}
