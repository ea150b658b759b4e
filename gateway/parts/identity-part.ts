// Identity: who calls (JWT, API key or anonymous) and from where, made into the request record at
// the HTTP front. A plain federation gateway (POLICY=off) identifies no one.
import type http from 'node:http';
import { identify } from '../identity/identify';
import { createJwtVerifier } from '../identity/jwt-verifier';
import { clientIpOf } from '../limits/rate-limit-plugin';
import { RequestRecord } from '../request-record';
import type { GatewayPart, PartContext } from './gateway-part';
import { requireSecret } from './require-secret';

export interface IdentityPart extends GatewayPart {
  recordOf(req: http.IncomingMessage, requestId: string): Promise<RequestRecord>;
}

export async function identityPart({ settings }: PartContext): Promise<IdentityPart> {
  const { trustProxyHops } = settings.rateLimits;
  if (!settings.policy) {
    return { name: 'identity', recordOf: async (req, requestId) => new RequestRecord(requestId, { caller: { kind: 'anonymous' } }, clientIpOf(req, trustProxyHops)) };
  }
  const apiKeySecret = requireSecret(settings, 'apiKeys');
  const verifyToken = await createJwtVerifier(settings.jwt);
  return {
    name: 'identity',
    recordOf: async (req, requestId) => new RequestRecord(requestId, await identify(req, { verifyToken, apiKeySecret }), clientIpOf(req, trustProxyHops)),
  };
}
