// One audit record per GraphQL request, committed before the response leaves (Apollo Server awaits
// willSendResponse before answering). If the record cannot be committed, the data is withheld and
// the caller gets AUDIT_UNAVAILABLE instead: no unaudited data ever leaves the channel.
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { GraphQLError, Kind, valueFromASTUntyped, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { controlOperation } from '../../directives/control-plane';
import { subjectHash, type AuditEntry } from '../../protocol/audit-entry';
import { validateCitizenId } from '../../lib/identifiers';
import type { RequestRecord } from '../request-record';
import type { GatewayMetrics } from '../metrics';
import type { AuditSink } from './audit-client';
import { traced } from '../../lib/tracing';

export interface AuditPluginOptions {
  sink: AuditSink | undefined;
  /** Journal durability: resolves once this replica's records so far are in the chain (reads of the audit wait for it). */
  settled?: (timeoutMs: number) => Promise<void>;
  instance: string;
  subjectKey: string;
  metrics: Pick<GatewayMetrics, 'requestsTotal' | 'requestSeconds' | 'denialsTotal' | 'auditFailuresTotal'>;
}

/** Targets and reasons of the control-plane actions a mutation calls (see directives/control-plane.ts). */
function controlActions(document: DocumentNode | undefined, operation: OperationDefinitionNode | undefined, variables: Record<string, unknown>): Pick<AuditEntry, 'targets' | 'reason'> {
  if (!document || operation?.operation !== 'mutation') return {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const targets: string[] = [];
  const reasons: string[] = [];
  const walk = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) walk(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      } else {
        const audit = controlOperation('Mutation', selection.name.value)?.audit;
        if (!audit) continue;
        const args: Record<string, unknown> = {};
        for (const arg of selection.arguments ?? []) args[arg.name.value] = valueFromASTUntyped(arg.value, variables);
        const action = audit(args);
        if (action.target) targets.push(action.target);
        if (action.reason) reasons.push(action.reason);
      }
    }
  };
  walk(operation.selectionSet, new Set());
  return targets.length || reasons.length ? { targets, reason: reasons.length ? reasons.join(' | ') : null } : {};
}

/**
 * Whose identity a verification checked (Yunnan Art.24: the person sees who verified them), as the
 * subject hash: the answer says nothing about the person, but the check is an access to their record.
 * Numbers that are not well-formed identity numbers belong to nobody and are left out.
 */
function verifiedIdentities(requestContext: GraphQLRequestContextWillSendResponse<RequestRecord>): string[] {
  const { document, operation, schema, request, contextValue: record } = requestContext;
  if (!document || !operation) return [];
  return record
    .subjectArguments(schema, document, operation, request.variables)
    .filter((f) => f.field === 'verifyPersonIdentity')
    .map((f) => f.subject.toUpperCase())
    .filter((id) => validateCitizenId(id).ok);
}

/** Root fields that read the audit log: a reader sees every access this replica has answered before. */
const READS_AUDIT = /\b(auditRecords|myAccesses|auditUsage|catalogChangeImpact|productUsage)\b/;

export function createAuditPlugin(options: AuditPluginOptions): ApolloServerPlugin<RequestRecord> {
  const { settled } = options;
  const { requestsTotal, requestSeconds, denialsTotal, auditFailuresTotal } = options.metrics;
  return {
    async requestDidStart() {
      const started = Date.now();
      return {
        async didResolveOperation(requestContext) {
          if (!settled || !READS_AUDIT.test(requestContext.source ?? '')) return;
          try {
            await settled(5000);
          } catch {
            throw new GraphQLError('审计记录尚未全部入库，请稍后重试 / the audit records of this replica have not all reached the store yet; retry shortly', {
              extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } },
            });
          }
        },
        async willSendResponse(requestContext) {
          const { response, contextValue: record } = requestContext;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errorCodes = [...new Set((result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          const decision = record.decision;
          const hasData = result.data != null && Object.values(result.data).some((v) => v !== null);
          // Fields nulled on records outside a grant's division scope are denials too (OUT_OF_SCOPE).
          const outOfScope = record.answer?.outOfScope ?? [];
          // The decision in one word, as the record and the metrics keep it, once the answer is known.
          const summary: AuditEntry['decision'] = record.refusal
            ? 'denied'
            : decision && decision.denials.length + outOfScope.length > 0 ? (hasData ? 'partial' : 'denied') : errorCodes.length && !hasData ? 'error' : 'allowed';
          requestsTotal.inc({ decision: summary });
          for (const denial of decision?.denials ?? []) denialsTotal.inc({ code: denial.code });
          if (outOfScope.length) denialsTotal.inc({ code: 'OUT_OF_SCOPE' }, outOfScope.length);
          const operation = requestContext.operation?.operation ?? 'unknown';
          if (!options.sink) {
            requestSeconds.observe({ operation, outcome: summary }, (Date.now() - started) / 1000);
            return;
          }
          const subjects = new Set(record.subjectsReturned());
          // A verification answered (MATCH or NO_MATCH) checked the person whose number was asked about.
          if (hasData && decision?.returned.has('Query.verifyPersonIdentity')) for (const id of verifiedIdentities(requestContext)) subjects.add(id);

          const entry: AuditEntry = {
            recordedAt: new Date(started).toISOString(),
            requestId: record.requestId,
            kind: requestContext.operation?.operation === 'mutation' ? 'control' : 'query',
            gatewayInstance: options.instance,
            ...record.auditCaller,
            grantIds: [...(decision?.grantIds ?? [])],
            operationName: requestContext.operationName ?? null,
            operationHash: requestContext.queryHash ?? null,
            fieldsReturned: [...(decision?.returned ?? [])],
            fieldsMasked: [...(decision?.masked ?? [])],
            fieldsDenied: [...new Set([...(decision?.denied ?? []), ...outOfScope.map((d) => d.coordinate)])],
            datasets: (decision?.datasets ?? []).map((d) => d.code),
            highLevelFields: decision?.highLevel ?? [],
            subjects: [...subjects].map((subject) => subjectHash(options.subjectKey, subject)),
            decision: summary,
            errorCodes,
            latencyMs: Date.now() - started,
            ...controlActions(requestContext.document, requestContext.operation, requestContext.request.variables ?? {}),
          };
          try {
            await traced('audit.commit', () => options.sink!.record(entry));
            requestSeconds.observe({ operation, outcome: summary }, (Date.now() - started) / 1000);
          } catch {
            auditFailuresTotal.inc();
            requestSeconds.observe({ operation, outcome: 'audit_failed' }, (Date.now() - started) / 1000);
            response.body = {
              kind: 'single',
              singleResult: {
                errors: [
                  {
                    message: '审计记录无法写入，数据不予返回 / the audit record could not be committed, so no data is returned',
                    extensions: { code: 'AUDIT_UNAVAILABLE' },
                  },
                ],
              },
            };
            response.http.status = 503;
          }
        },
      };
    },
  };
}
