// Identity: who calls (JWT, API key or anonymous) and from where, made into the request record at
// the HTTP front. A plain federation gateway (POLICY=off) identifies no one. Tokens are trusted from
// the configured key and, with OIDC_ISSUER, from that issuer's key set (discovered at start).
// Platform-issued API keys are read from the platform and forgotten with the policy's cached state
// (its announcements).
import type http from 'node:http';
import { identify } from '../identity/identify';
import { createJwtVerifier, type VerifyToken } from '../identity/jwt-verifier';
import { discoverOidcProvider, type OidcProvider } from '../identity/oidc-discovery';
import { createPlatformKeys } from '../identity/platform-keys';
import { verifyByIssuer } from '../identity/trusted-issuers';
import { clientIpOf } from '../limits/rate-limit-plugin';
import { RequestRecord } from '../request-record';
import type { GatewayPart, PartContext } from './gateway-part';
import type { PolicyPart } from './policy-part';
import { requireSecret } from './require-secret';
import { traced } from '../../lib/tracing';

export interface IdentityPart extends GatewayPart {
  recordOf(req: http.IncomingMessage, requestId: string): Promise<RequestRecord>;
  /** The OpenID Connect issuer whose tokens are trusted, as discovered at start. */
  oidcProvider?: OidcProvider;
}

export async function identityPart({ settings, platform }: PartContext, policy: PolicyPart | undefined): Promise<IdentityPart> {
  const { trustProxyHops } = settings.rateLimits;
  if (!settings.policy || !policy) {
    return { name: 'identity', recordOf: async (req, requestId) => new RequestRecord(requestId, { caller: { kind: 'anonymous' } }, clientIpOf(req, trustProxyHops)) };
  }
  const apiKeySecret = requireSecret(settings, 'apiKeys');
  const { oidc } = settings;
  // With an OIDC issuer the gateway's own key is optional; without either nobody could sign in
  // (createJwtVerifier then stops the start, saying so).
  const ownKey = settings.jwt.publicKeyFile || settings.jwt.jwksUrl;
  const ownVerifier: VerifyToken | undefined = ownKey || !oidc ? await createJwtVerifier(settings.jwt) : undefined;
  let verifyToken: VerifyToken;
  let oidcProvider: OidcProvider | undefined;
  if (oidc) {
    oidcProvider = await discoverOidcProvider(oidc);
    const verify = await createJwtVerifier({ jwksUrl: oidcProvider.jwksUri, issuer: oidc.issuer, audience: oidc.audience, algorithm: settings.jwt.algorithm, jwksCooldownMs: oidc.jwksCooldownMs });
    // The OIDC issuer first: where both name the same issuer, its key set is the one configured for it.
    verifyToken = verifyByIssuer([{ issuer: oidc.issuer, verify }, ...(ownVerifier ? [{ issuer: settings.jwt.issuer, verify: ownVerifier }] : [])]);
  } else verifyToken = ownVerifier!;
  const platformKeys = createPlatformKeys({ platform: platform('policyState'), cacheMs: settings.grantCacheMs, changes: policy.policySource });
  return {
    name: 'identity',
    oidcProvider,
    recordOf: async (req, requestId) => new RequestRecord(requestId, await traced('identify', () => identify(req, { verifyToken, apiKeySecret, platformKeys })), clientIpOf(req, trustProxyHops)),
  };
}
