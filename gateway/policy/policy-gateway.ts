// Puts the policy between Apollo Server and @apollo/gateway: each operation is decided before it is
// planned (denied fields removed), and its result is masked and completed with null + coded errors
// after execution. Wrapping the gateway's executor, rather than hooking plugins, lets the filtered
// document carry its own query-plan cache key, so plans never leak between entitlements.
import crypto from 'node:crypto';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, Kind, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { PolicyOutcome } from '../../directives/analyse';
import { audienceSchema } from '../../directives/audience';
import type { CallerKind } from '../../directives/caller';
import { readCatalog } from '../../directives/catalog';
import { denialMessage } from '../../directives/denials';
import { createPolicyEngine, type PolicyEngine } from '../../directives/engine';
import type { Grant } from '../../directives/grants';
import type { MaskSettings } from '../../directives/mask';
import { applyPlan } from '../../directives/response';
import type { GatewayContext } from '../context';
import { GrantStoreUnavailable, type GrantStore } from '../grants/grant-store';

export type DenialMode = 'filter' | 'refuse';

export interface PolicyGatewayOptions {
  grantStore: GrantStore;
  maskSettings: MaskSettings;
  /** filter: denied fields come back null with errors (default); refuse: the whole request is refused. */
  mode: DenialMode;
  now?: () => Date;
  /** Called once per decided request (audit, metrics). */
  onDecision?: (context: GatewayContext, outcome: PolicyOutcome) => void;
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

function denialErrors(outcome: PolicyOutcome, storeDown: boolean): GraphQLError[] {
  return outcome.denials.map((denial) => {
    const code = storeDown && (denial.code === 'GRANT_REQUIRED' || denial.code === 'GRANT_EXPIRED') ? 'GRANT_STORE_UNAVAILABLE' : denial.code;
    const message =
      code === 'GRANT_STORE_UNAVAILABLE'
        ? `${denial.coordinate}: 授权存储暂不可用，需授权的数据拒绝返回 / the grant store is unreachable: data that needs a grant is withheld`
        : denialMessage(denial.code, denial.coordinate);
    return new GraphQLError(message, { path: denial.path, extensions: { code, coordinate: denial.coordinate } });
  });
}

function provenance(engine: PolicyEngine, outcome: PolicyOutcome, retrievedAt: string) {
  const datasets = new Map<string, { dataset: string; code: string; provider: string; providerCode: string; updateFrequency: string }>();
  for (const coordinate of [...outcome.returned, ...outcome.masked]) {
    const facts = engine.catalog.fields.get(coordinate)?.dataset;
    if (facts && !datasets.has(facts.code)) {
      datasets.set(facts.code, { dataset: facts.name, code: facts.code, provider: facts.provider, providerCode: facts.providerCode, updateFrequency: facts.updateFrequency });
    }
  }
  return { retrievedAt, sources: [...datasets.values()] };
}

export function withPolicy(inner: GatewayInterface, options: PolicyGatewayOptions): GatewayInterface {
  let engine: PolicyEngine | undefined;
  let audiences: Map<CallerKind, GraphQLSchema> | undefined;
  const now = options.now ?? (() => new Date());

  async function run(innerExecutor: GatewayExecutor, requestContext: GatewayGraphQLRequestContext) {
    const context = requestContext.context as GatewayContext;
    const { caller, scenario } = context.identity;
    if (!engine || !audiences) throw new Error('policy engine not loaded');

    if (isIntrospectionOnly(requestContext.document)) {
      // Introspection answers from the caller's contract, never from the full supergraph.
      return execute({
        schema: audiences.get(caller.kind)!,
        document: requestContext.document,
        operationName: requestContext.operationName,
        variableValues: requestContext.request.variables,
      }) as never;
    }

    let grants: readonly Grant[] = [];
    let grantsVersion = 'none';
    let storeDown = false;
    if ((caller.kind === 'institution' || caller.kind === 'developer') && scenario) {
      const grantee = caller.kind === 'institution' ? { kind: 'institution' as const, id: caller.institution } : { kind: 'developer' as const, id: caller.developer };
      try {
        ({ grants, version: grantsVersion } = await options.grantStore.grantsOf(grantee));
      } catch (error) {
        if (!(error instanceof GrantStoreUnavailable)) throw error;
        storeDown = true; // fail closed: decide as if there were no grants
        grantsVersion = 'unavailable';
      }
    }
    const at = now();
    const outcome = engine.decide({
      documentKey: requestContext.queryHash,
      document: requestContext.document,
      operationName: requestContext.operationName,
      variables: requestContext.request.variables ?? {},
      caller,
      scenario,
      grants,
      grantsVersion,
      now: at,
    });
    options.onDecision?.(context, outcome);
    const errors = denialErrors(outcome, storeDown);
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
    }
    if (outcome.plan) applyPlan(result.data as Record<string, unknown>, outcome.plan, options.maskSettings);
    const allErrors = [...(result.errors ?? []), ...errors];
    return {
      ...result,
      errors: allErrors.length ? allErrors : undefined,
      extensions: { ...result.extensions, provenance: provenance(engine, outcome, at.toISOString()) },
    };
  }

  return {
    onSchemaLoadOrUpdate(callback) {
      return inner.onSchemaLoadOrUpdate((schemaContext) => {
        const catalog = readCatalog(schemaContext.coreSupergraphSdl);
        engine = createPolicyEngine(schemaContext.apiSchema, catalog);
        audiences = new Map((['institution', 'developer', 'anonymous', 'subject'] as const).map((kind) => [kind, audienceSchema(schemaContext.apiSchema, catalog, kind)]));
        callback(schemaContext);
      });
    },
    async load(loadOptions) {
      const loaded = await inner.load(loadOptions);
      const innerExecutor = loaded.executor;
      if (!innerExecutor) return loaded;
      return { executor: (requestContext) => run(innerExecutor, requestContext) };
    },
    stop: () => inner.stop(),
  };
}
