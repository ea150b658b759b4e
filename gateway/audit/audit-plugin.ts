// One audit record per GraphQL request, committed before the response leaves (Apollo Server awaits
// willSendResponse before answering). If the record cannot be committed, the data is withheld and
// the caller gets AUDIT_UNAVAILABLE instead: no unaudited data ever leaves the channel.
import type { ApolloServerPlugin } from '@apollo/server';
import { subjectHash, type AuditEntry } from '../../lib/audit/chain';
import type { GatewayContext } from '../context';
import { auditFailuresTotal, denialsTotal, requestsTotal } from '../metrics';
import type { AuditSink } from './audit-client';

export interface AuditPluginOptions {
  sink: AuditSink | undefined;
  instance: string;
  subjectKey: string;
}

function who(context: GatewayContext): Pick<AuditEntry, 'callerKind' | 'operator' | 'institution' | 'roles' | 'scenario'> {
  const { caller, scenario } = context.identity;
  const base = { callerKind: caller.kind, scenario: scenario ?? null };
  switch (caller.kind) {
    case 'institution':
      return { ...base, operator: caller.operator, institution: caller.institution, roles: [...caller.roles] };
    case 'developer':
      return { ...base, operator: caller.developer, institution: null, roles: [] };
    default:
      return { ...base, operator: null, institution: null, roles: [] };
  }
}

export function createAuditPlugin(options: AuditPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = Date.now();
      return {
        async willSendResponse(requestContext) {
          const { response, contextValue: context } = requestContext;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errorCodes = [...new Set((result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          const decided = context.decision;
          const outcome = decided?.outcome;
          const hasData = result.data != null && Object.values(result.data).some((v) => v !== null);
          // Fields nulled on records outside a grant's division scope are denials too (OUT_OF_SCOPE).
          const outOfScope = decided?.outOfScope ?? [];
          const decision: AuditEntry['decision'] =
            outcome && outcome.denials.length + outOfScope.length > 0 ? (hasData ? 'partial' : 'denied') : errorCodes.length && !hasData ? 'error' : 'allowed';
          requestsTotal.inc({ decision });
          for (const denial of outcome?.denials ?? []) denialsTotal.inc({ code: denial.code });
          if (outOfScope.length) denialsTotal.inc({ code: 'OUT_OF_SCOPE' }, outOfScope.length);
          if (!options.sink) return;

          const entry: AuditEntry = {
            recordedAt: new Date(started).toISOString(),
            requestId: context.requestId,
            kind: requestContext.operation?.operation === 'mutation' ? 'control' : 'query',
            gatewayInstance: options.instance,
            ...who(context),
            grantIds: [...(outcome?.grantIds ?? [])],
            operationName: requestContext.operationName ?? null,
            operationHash: requestContext.queryHash ?? null,
            fieldsReturned: [...(outcome?.returned ?? [])],
            fieldsMasked: [...(outcome?.masked ?? [])],
            fieldsDenied: [...new Set([...(outcome?.denied ?? []), ...outOfScope.map((d) => d.coordinate)])],
            datasets: (outcome?.datasets ?? []).map((d) => d.code),
            subjects: [...(decided?.subjects ?? [])].map((subject) => subjectHash(options.subjectKey, subject)),
            decision,
            errorCodes,
            latencyMs: Date.now() - started,
          };
          try {
            await options.sink.record(entry);
          } catch {
            auditFailuresTotal.inc();
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
