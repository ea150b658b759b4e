// GET /metrics: the gateway's Prometheus metrics (gateway/metrics.ts), counted by the other parts.
import type { GatewayPart, PartContext } from './gateway-part';

export function metricsPart({ metrics: { registry } }: PartContext): GatewayPart {
  return {
    name: 'metrics',
    routes: { 'GET /metrics': async () => ({ status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() }) },
  };
}
