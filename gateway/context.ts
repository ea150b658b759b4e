// What the gateway knows about one request, built before execution and read by the policy,
// the subgraph client and the audit.
import type { Identity } from './identity/identify';

export interface GatewayContext {
  identity: Identity;
  requestId: string;
}
