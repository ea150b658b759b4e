// Query limits (depth, aliases, directives, cost, tokens; one operation per request): refused with
// 400 before any planning.
import { createQueryLimits } from '../limits/query-limits';
import type { RequestRecord } from '../request-record';
import type { GatewayPart, PartContext } from './gateway-part';

export function queryLimitsPart({ settings }: PartContext): GatewayPart {
  const limits = createQueryLimits<RequestRecord>(settings.queryLimits);
  return {
    name: 'query limits',
    plugins: limits.plugins,
    serverOptions: { validationRules: limits.validationRules, parseOptions: limits.parseOptions, allowBatchedHttpRequests: limits.allowBatchedHttpRequests },
  };
}
