// Puts the policy between Apollo Server and @apollo/gateway: each operation is decided before it is
// planned (denied fields removed), and its result is masked and completed with null + coded errors
// after execution. Wrapping the gateway's executor, rather than hooking plugins, lets the filtered
// document carry its own query-plan cache key, so plans never leak between entitlements.
import crypto from 'node:crypto';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, Kind, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { PolicyDecision } from '../../directives/analyse';
import { audienceKey, audienceSchema } from '../../directives/audience';
import type { Caller } from '../../directives/caller';
import type { Catalog } from '../../directives/catalog';
import { denialMessage } from '../../directives/denials';
import { createPolicyEngine, type PolicyEngine } from '../../directives/engine';
import type { EffectiveMasks } from '../../directives/inference';
import type { MaskSettings } from '../../directives/mask';
import { applyPlan, type ScopeDenial } from '../../directives/response';
import { registrationProblem, type RegistrationProblem } from '../../directives/jurisdiction';
import type { RequestRecord } from '../request-record';
import { wrapExecutor } from '../executor-wrapper';
import type { PolicySource } from '../grants/policy-source';
import type { CatalogSource } from './catalog-source';
import { PlatformUnavailable } from '../platform-client';
import type { PolicyState } from '../../protocol/policy-state';
import { traced, tracedSync } from '../../lib/tracing';

export type DenialMode = 'filter' | 'refuse';

export interface PolicyGatewayOptions {
  policySource: PolicySource;
  /** The catalog in force (the platform's managed entries over the supergraph's declarations). */
  catalogSource: CatalogSource;
  maskSettings: MaskSettings;
  /** filter: denied fields come back null with errors (default); refuse: the whole request is refused. */
  mode: DenialMode;
  now?: () => Date;
}

const documentHashes = new WeakMap<DocumentNode, string>();

function hashOf(document: DocumentNode): string {
  let hash = documentHashes.get(document);
  if (!hash) documentHashes.set(document, (hash = crypto.createHash('sha256').update(print(document)).digest('hex')));
  return hash;
}

function isIntrospectionOnly(document: DocumentNode): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.every((operation) =>
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__')) &&
    operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value !== '__typename'),
  );
}

function denialErrors(outcome: PolicyDecision, stateUnavailable: boolean): GraphQLError[] {
  return outcome.denials.map((denial) => {
    // Without the policy state, a missing grant may only mean we could not read it: say so.
    const code = stateUnavailable && (denial.code === 'GRANT_REQUIRED' || denial.code === 'GRANT_EXPIRED') ? 'POLICY_STATE_UNAVAILABLE' : denial.code;
    return new GraphQLError(denialMessage(code, denial.coordinate), { path: denial.path, extensions: { code, coordinate: denial.coordinate } });
  });
}

/**
 * Source and retrieval time of the data (Yunnan Art.40: results cite their source and date): the
 * datasets whose records, or verification answers, actually came back — not all the operation could touch.
 */
function provenance(catalog: PolicyEngine['catalog'], cited: ReadonlySet<string>, retrievedAt: string) {
  const sources = [...catalog.datasets.values()]
    .filter((d) => cited.has(d.code))
    .map((d) => ({ dataset: d.name, code: d.code, provider: d.provider, providerCode: d.providerCode, updateFrequency: d.updateFrequency }));
  return { retrievedAt, sources };
}

function outOfScopeErrors(denials: readonly ScopeDenial[]): GraphQLError[] {
  return denials.map(({ path, coordinate }) => new GraphQLError(denialMessage('OUT_OF_SCOPE', coordinate), { path, extensions: { code: 'OUT_OF_SCOPE', coordinate } }));
}

/** Says which masks were narrowed for this caller, where the answer carries such a field (推断控制). */
function maskingNotes(masks: EffectiveMasks, outcome: PolicyDecision) {
  const notes = masks.adjustments.filter((a) => outcome.masked.has(a.coordinate));
  if (notes.length === 0) return {};
  return { masking: notes.map((a) => ({ coordinate: a.coordinate, keep: a.to, configured: a.from, candidates: a.after, message: `${a.zh} / ${a.en}` })) };
}

const REGISTRATION_MESSAGES: Record<RegistrationProblem, { zh: string; en: string }> = {
  UNREGISTERED: { zh: '该机构未在平台登记', en: 'this institution is not registered with the platform' },
  DEREGISTERED: { zh: '该机构已被注销登记', en: 'this institution has been deregistered' },
  DIVISION_MISMATCH: { zh: '令牌中的行政区划与机构登记的不符', en: "the token's division differs from the institution's registered division" },
};

interface PolicyForCatalog {
  version: string;
  engine: PolicyEngine;
  /** Introspection contracts per audience (caller kind + control-plane roles), built on first use. */
  contracts: Map<string, GraphQLSchema>;
}

export function withPolicy(inner: GatewayInterface, options: PolicyGatewayOptions): GatewayInterface {
  let apiSchema: GraphQLSchema | undefined;
  // The engine of the catalog in force, rebuilt when a newer catalog is loaded (decisions and masks
  // cached for the old one go with it).
  let policy: PolicyForCatalog | undefined;
  const policyFor = (version: string, catalog: Catalog): PolicyForCatalog => {
    if (!policy || policy.version !== version) {
      policy = { version, engine: createPolicyEngine(apiSchema!, catalog, options.maskSettings), contracts: new Map() };
    }
    return policy;
  };
  const contractOf = (current: PolicyForCatalog, caller: Caller): GraphQLSchema => {
    const key = audienceKey(caller);
    let schema = current.contracts.get(key);
    if (!schema) current.contracts.set(key, (schema = audienceSchema(apiSchema!, current.engine.catalog, caller)));
    return schema;
  };
  const now = options.now ?? (() => new Date());

  async function run(innerExecutor: GatewayExecutor, requestContext: GatewayGraphQLRequestContext) {
    const record = requestContext.context as RequestRecord;
    const { caller, scenario } = record;
    if (!apiSchema) throw new Error('policy engine not loaded');

    if (isIntrospectionOnly(requestContext.document)) {
      // Introspection answers from the caller's contract, never from the full supergraph.
      const held = options.catalogSource.current();
      return execute({
        schema: contractOf(policyFor(held.version, held.catalog), caller),
        document: requestContext.document,
        operationName: requestContext.operationName,
        variableValues: requestContext.request.variables,
      }) as never;
    }

    // The caller's policy state: grants, suspensions. Unreachable → decide as if nothing were granted
    // and every dataset suspended (fail closed).
    // The catalog is the one the state names (a change applies from the first request that sees it).
    let state: PolicyState | undefined;
    let inForce = options.catalogSource.current();
    try {
      state = await traced('policy.state', () => options.policySource.stateOf(record.grantee));
      const found = options.catalogSource.at(state.catalogVersion);
      inForce = found instanceof Promise ? await found : found;
    } catch (error) {
      if (!(error instanceof PlatformUnavailable)) throw error;
      state = undefined;
    }
    const { engine } = policyFor(inForce.version, inForce.catalog);
    if (state?.granteeSuspended) {
      // A refusal, not a failure: 403, and the audit records it as denied (the record's refusal).
      record.refuse('SUSPENDED');
      return { errors: [new GraphQLError('访问已被暂停 / access suspended for this institution or developer', { extensions: { code: 'SUSPENDED', http: { status: 403 } } })] };
    }
    const unregistered = caller.kind === 'institution' && state ? registrationProblem(caller.division, state.institution) : undefined;
    if (unregistered) {
      // Only institutions the authorities registered hold tokens that count (Yunnan Art.12 ¶3): a refusal, recorded as denied.
      record.refuse('INSTITUTION_UNREGISTERED');
      const { zh, en } = REGISTRATION_MESSAGES[unregistered];
      return { errors: [new GraphQLError(`${zh} / ${en}`, { extensions: { code: 'INSTITUTION_UNREGISTERED', reason: unregistered, http: { status: 403 } } })] };
    }
    const at = now();
    const outcome = tracedSync('policy.decide', () => engine.decide({
      documentKey: requestContext.queryHash,
      document: requestContext.document,
      operationName: requestContext.operationName,
      variables: requestContext.request.variables ?? {},
      caller,
      scenario,
      grants: state?.grants ?? [],
      grantsVersion: state?.version ?? 'unavailable',
      suspendedDatasets: state?.suspendedDatasets ?? 'all',
      now: at,
    }));
    const errors = denialErrors(outcome, state === undefined);
    // 数据回流: root listings relying on a scoped grant are filtered by their subgraph (SQL): the
    // decision's listing scopes travel in the caller claim of every subgraph call (record.claim()).
    record.decide(outcome);
    if (errors.length && options.mode === 'refuse') return { errors };

    let result;
    if (outcome.empty) {
      result = { data: {} as Record<string, unknown> };
    } else {
      const filtered = Object.create(requestContext, {
        document: { value: outcome.document },
        operation: { value: outcome.operation },
        queryHash: { value: hashOf(outcome.document) },
      }) as GatewayGraphQLRequestContext;
      result = await innerExecutor(filtered);
      // A control-plane change made through this replica applies to its next request, Redis or not.
      if (requestContext.operation.operation === 'mutation') options.policySource.invalidate();
    }
    // Masks narrowed for this caller where its grants would let a masked value be worked out.
    const masks = engine.masksFor({ caller, grants: state?.grants ?? [], grantsVersion: state?.version ?? 'unavailable', now: at });
    const walked = outcome.plan ? applyPlan(result.data as Record<string, unknown>, outcome.plan, masks.settings) : undefined;
    const outOfScope = walked?.outOfScope ?? [];
    record.answered({ subjects: walked?.subjects ?? new Set<string>(), outOfScope });
    if (outOfScope.length && options.mode === 'refuse') return { errors: outOfScopeErrors(outOfScope) };
    const allErrors = [...(result.errors ?? []), ...errors, ...outOfScopeErrors(outOfScope)];
    return {
      ...result,
      errors: allErrors.length ? allErrors : undefined,
      extensions: { ...result.extensions, provenance: provenance(engine.catalog, walked?.datasets ?? new Set(), at.toISOString()), ...maskingNotes(masks, outcome) },
    };
  }

  return wrapExecutor(inner, run, (callback) =>
    inner.onSchemaLoadOrUpdate((schemaContext) => {
      apiSchema = schemaContext.apiSchema;
      policy = undefined;
      const held = options.catalogSource.current();
      policyFor(held.version, held.catalog); // built now: the first request does not pay for it
      callback(schemaContext);
    }),
  );
}
