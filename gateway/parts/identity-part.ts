// Identity: who calls (JWT, API key or anonymous) and from where, made into the request record at
// the HTTP front. A plain federation gateway (POLICY=off) identifies no one. Platform-issued API keys
// are read from the platform and forgotten with the policy's cached state (its announcements).
import type http from 'node:http';
import { identify } from '../identity/identify';
import { createJwtVerifier } from '../identity/jwt-verifier';
import { createPlatformKeys } from '../identity/platform-keys';
import { clientIpOf } from '../limits/rate-limit-plugin';
import { RequestRecord } from '../request-record';
import type { GatewayPart, PartContext } from './gateway-part';
import type { PolicyPart } from './policy-part';
import { requireSecret } from './require-secret';

export interface IdentityPart extends GatewayPart {
  recordOf(req: http.IncomingMessage, requestId: string): Promise<RequestRecord>;
}

export async function identityPart({ settings, platform }: PartContext, policy: PolicyPart | undefined): Promise<IdentityPart> {
  const { trustProxyHops } = settings.rateLimits;
  if (!settings.policy || !policy) {
    return { name: 'identity', recordOf: async (req, requestId) => new RequestRecord(requestId, { caller: { kind: 'anonymous' } }, clientIpOf(req, trustProxyHops)) };
  }
  const apiKeySecret = requireSecret(settings, 'apiKeys');
  const verifyToken = await createJwtVerifier(settings.jwt);
  const platformKeys = createPlatformKeys({ platform: platform('policyState'), cacheMs: settings.grantCacheMs, changes: policy.policySource });
  return {
    name: 'identity',
    recordOf: async (req, requestId) => new RequestRecord(requestId, await identify(req, { verifyToken, apiKeySecret, platformKeys }), clientIpOf(req, trustProxyHops)),
  };
}
