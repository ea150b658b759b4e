// The operation safelist (OPERATION_SAFELIST=on): only operations registered on the platform run,
// and persisted-query hashes are answered from that list only. Re-read when the policy changes.
import { createOperationSafelist, createSafelistPlugin, safelistQueryStore } from '../limits/operation-safelist';
import type { RequestRecord } from '../request-record';
import type { GatewayPart, PartContext } from './gateway-part';
import type { PolicyPart } from './policy-part';

/** Undefined when the safelist is off; it needs the policy (the list lives on the platform). */
export function safelistPart({ settings, metrics, platform }: PartContext, policy: PolicyPart | undefined): GatewayPart | undefined {
  if (!settings.operationSafelist || !policy) return undefined;
  const safelist = createOperationSafelist({ platform: platform('policyState'), cacheMs: settings.grantCacheMs });
  policy.policySource.onChange(() => safelist.invalidate());
  return {
    name: 'safelist',
    plugins: [createSafelistPlugin<RequestRecord>(safelist, metrics, policy.policySource)],
    // Without the safelist, Apollo's own automatic persisted queries apply (clients register documents in a local cache).
    serverOptions: { persistedQueries: { cache: safelistQueryStore(safelist) } },
  };
}
