// What the gateway knows about one request, built before execution and read by the policy,
// the subgraph client and the audit.
import type { PolicyOutcome } from '../directives/analyse';
import type { ScopeDenial } from '../directives/response';
import type { Identity } from './identity/identify';

export interface GatewayContext {
  identity: Identity;
  requestId: string;
  /** Set by the policy: what was decided, and whose records (data-subject keys) were returned. */
  decision?: { outcome: PolicyOutcome; subjects: ReadonlySet<string>; outOfScope?: readonly ScopeDenial[] };
  /** Set when the whole request was refused before any field was decided (e.g. SUSPENDED): audited as denied. */
  refused?: string;
  /** The client's address (rate limits of anonymous callers); see gateway/limits/rate-limit-plugin.ts. */
  clientIp?: string;
  /** 数据回流: per root listing coordinate, the division prefixes its rows are limited to (set by the policy). */
  divisionScopes?: Record<string, string[]>;
}
