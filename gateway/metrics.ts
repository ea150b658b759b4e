// Prometheus metrics of the gateway (prom-client), served at GET /metrics.
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const requestsTotal = new client.Counter({
  name: 'gateway_requests_total',
  help: 'GraphQL requests by decision (allowed, partial, denied, error)',
  labelNames: ['decision'] as const,
  registers: [registry],
});

export const denialsTotal = new client.Counter({
  name: 'gateway_policy_denials_total',
  help: 'Fields denied by the policy, by code',
  labelNames: ['code'] as const,
  registers: [registry],
});

export const auditCommitSeconds = new client.Histogram({
  name: 'gateway_audit_commit_seconds',
  help: 'Time from sending an audit batch to its commit',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

export const auditEntriesTotal = new client.Counter({
  name: 'gateway_audit_entries_total',
  help: 'Audit entries committed (with gateway_audit_commit_seconds_count: entries per batch)',
  registers: [registry],
});

export const auditJournalBacklog = new client.Gauge({
  name: 'gateway_audit_journal_backlog',
  help: 'Audit entries on this replica\'s disk that the platform has not confirmed yet (journal durability)',
  registers: [registry],
});

export const auditFailuresTotal = new client.Counter({
  name: 'gateway_audit_failures_total',
  help: 'Requests refused because their audit record could not be committed',
  registers: [registry],
});

export const subgraphRequestSeconds = new client.Histogram({
  name: 'gateway_subgraph_request_seconds',
  help: 'Latency of requests to each subgraph',
  labelNames: ['subgraph'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  registers: [registry],
});
