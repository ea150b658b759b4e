// Rate limits (RATE_LIMIT=on): per-caller budgets checked once the operation is known, and — behind
// the policy — the identity-probe budget, whose step wraps the policy's so that a withheld answer
// never reaches the audit as returned.
import { createLogger } from '../../lib/log';
import { withIdentityProbeLimit } from '../limits/identity-probes';
import { createRateLimitPlugin } from '../limits/rate-limit-plugin';
import { createRateLimiter } from '../limits/rate-limits';
import type { RequestRecord } from '../request-record';
import type { GatewayPart, PartContext } from './gateway-part';

/** Undefined when the rate limits are off. */
export function rateLimitsPart({ settings, metrics }: PartContext): GatewayPart | undefined {
  if (!settings.rateLimits.enabled) return undefined;
  const log = createLogger('gateway');
  let lastLogged = 0;
  const limiter = createRateLimiter({
    ...settings.rateLimits,
    keySecret: settings.mask.hashKey,
    onStoreError: (error) => {
      if (Date.now() - lastLogged < 10_000) return; // one line per 10 s during an outage
      lastLogged = Date.now();
      log.warn({ err: error.message }, 'rate limiter store unavailable: requests are refused (RATE_LIMIT_UNAVAILABLE)');
    },
  });
  return {
    name: 'rate limits',
    plugins: [createRateLimitPlugin<RequestRecord>(limiter, metrics)],
    // Lookups that could sweep a masked number's candidates are budgeted after the policy has run.
    wrap: settings.policy ? (gateway) => withIdentityProbeLimit(gateway, limiter, metrics) : undefined,
    close: () => limiter.close(),
  };
}
