// Prometheus metrics of the gateway (prom-client), served at GET /metrics. One set per gateway,
// made by startGateway and handed to the parts that count: nothing here is a module singleton, so
// two gateways in one process never share counters.
import client from 'prom-client';

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createGatewayMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requestsTotal: new client.Counter({
      name: 'gateway_requests_total',
      help: 'GraphQL requests by decision (allowed, partial, denied, error)',
      labelNames: ['decision'] as const,
      registers,
    }),
    // End to end, audit commit included; two low-cardinality labels only (no operation names).
    requestSeconds: new client.Histogram({
      name: 'gateway_request_seconds',
      help: 'GraphQL request latency, start to answer (audit commit included), by operation type and outcome',
      labelNames: ['operation', 'outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    }),
    denialsTotal: new client.Counter({
      name: 'gateway_policy_denials_total',
      help: 'Fields denied by the policy, by code',
      labelNames: ['code'] as const,
      registers,
    }),
    auditCommitSeconds: new client.Histogram({
      name: 'gateway_audit_commit_seconds',
      help: 'Time from sending an audit batch to its commit',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    auditEntriesTotal: new client.Counter({
      name: 'gateway_audit_entries_total',
      help: 'Audit entries committed (with gateway_audit_commit_seconds_count: entries per batch)',
      registers,
    }),
    auditJournalBacklog: new client.Gauge({
      name: 'gateway_audit_journal_backlog',
      help: 'Audit entries on this replica\'s disk that the platform has not confirmed yet (journal durability)',
      registers,
    }),
    auditFailuresTotal: new client.Counter({
      name: 'gateway_audit_failures_total',
      help: 'Requests refused because their audit record could not be committed',
      registers,
    }),
    subgraphRequestSeconds: new client.Histogram({
      name: 'gateway_subgraph_request_seconds',
      help: 'Latency of requests to each subgraph',
      labelNames: ['subgraph'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    }),
    rateLimitedTotal: new client.Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused by the rate limits, by budget and reason (LIMIT_EXCEEDED, LIMITER_UNAVAILABLE)',
      labelNames: ['scope', 'reason'] as const,
      registers,
    }),
    verifyGuardedTotal: new client.Counter({
      name: 'gateway_verify_guarded_total',
      help: 'Guarded verification: subjects whose failed verifications went past their budget (event "entered"), and attempts then let through (event "attempt")',
      labelNames: ['event'] as const,
      registers,
    }),
    safelistRefusedTotal: new client.Counter({
      name: 'gateway_safelist_refused_total',
      help: 'Requests refused in safelist mode, by reason (NOT_REGISTERED, UNAVAILABLE)',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}
