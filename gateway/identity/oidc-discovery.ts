// OpenID Connect discovery: what the configured issuer publishes at
// <issuer>/.well-known/openid-configuration — where its keys are (jwks_uri) and where the console
// sends the user (authorization and token endpoints). Read once at start; without it the gateway does
// not start (fail closed: it could neither check the issuer's tokens nor tell the console where to sign in).
import type { OidcSettings } from '../settings';

export interface OidcProvider {
  issuer: string;
  jwksUri: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

const DISCOVERY_TIMEOUT_MS = 10_000;
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

export class OidcDiscoveryFailed extends Error {}

export async function discoverOidcProvider(settings: OidcSettings, timeoutMs = DISCOVERY_TIMEOUT_MS): Promise<OidcProvider> {
  const url = `${settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const failed = (why: string) => new OidcDiscoveryFailed(`OIDC_ISSUER ${settings.issuer}: discovery at ${url} failed (${why}); the gateway does not start without its issuer's keys`);
  let document: Record<string, unknown>;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' }, redirect: 'error' });
    if (!response.ok) throw failed(`HTTP ${response.status}`);
    document = (await response.json()) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof OidcDiscoveryFailed) throw error;
    throw failed(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be exactly the one configured, or
  // tokens would be checked against another party's name.
  if (document.issuer !== settings.issuer) throw failed(`it names the issuer ${JSON.stringify(document.issuer)}`);
  const endpoint = (name: string): string => {
    const value = document[name];
    if (typeof value !== 'string') throw failed(`no ${name}`);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw failed(`${name} is not a URL`);
    }
    // Keys, codes and tokens travel there: TLS, or a loopback address (development, tests).
    if (!(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.includes(parsed.hostname)))) throw failed(`${name} is not an https URL`);
    return value;
  };
  const methods = document.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) throw failed('it does not support PKCE with S256');
  return {
    issuer: settings.issuer,
    jwksUri: endpoint('jwks_uri'),
    authorizationEndpoint: endpoint('authorization_endpoint'),
    tokenEndpoint: endpoint('token_endpoint'),
  };
}
