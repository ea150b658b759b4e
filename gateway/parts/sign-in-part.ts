// Sign-in for the console: GET /console/config.json tells it how people sign in here, and in
// development POST /auth/dev-token hands out a token for one of the demo identities
// (gateway/fixtures/demo-identities.json). Development means both: the gateway checks tokens with a
// development key pair (lib/dev-keys.ts, its private half beside the public one, so it can sign) and
// NODE_ENV is not production; otherwise the dev-token route does not exist (404) and the config offers
// only the OpenID Connect issuer (OIDC_ISSUER), whose authorization-code flow with PKCE the console
// runs itself (console/src/auth/oidc.ts).
import type http from 'node:http';
import { developmentPrivateKeyFile } from '../../lib/dev-keys';
import { errorBody, readBody, type PlainResponse, type PlainRoutes } from '../../lib/http/http-server';
import { createLogger } from '../../lib/log';
import { demoTokenIssuer, publicDemoIdentity, readDemoIdentities, type DemoIdentity, type DemoTokenIssuer } from '../identity/demo-identities';
import type { GatewayPart, PartContext } from './gateway-part';
import type { IdentityPart } from './identity-part';

const log = createLogger('sign-in');

/** Where the console finishes an OpenID Connect sign-in (the redirect URI registered at the issuer). */
export const CONSOLE_CALLBACK_PATH = '/console/callback';
const MAX_DEV_TOKEN_BODY = 1024;

export interface ConsoleConfig {
  mode: 'development' | 'oidc';
  identities?: ReturnType<typeof publicDemoIdentity>[];
  oidc?: { issuer: string; authorizationEndpoint: string; tokenEndpoint: string; clientId: string; redirectUri: string; scope: string };
}

const json = (status: number, body: string, extra: Record<string, string> = {}): PlainResponse => ({
  status,
  // Tokens and the sign-in set-up are per deployment and per moment: never cached on the way.
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra },
  body,
});

/** Undefined when no one is identified (POLICY=off): there is nothing to sign in to. */
export async function signInPart({ settings }: PartContext, identity: IdentityPart): Promise<GatewayPart | undefined> {
  if (!settings.policy) return undefined;
  const privateKeyFile = !settings.production && settings.jwt.publicKeyFile ? developmentPrivateKeyFile(settings.jwt.publicKeyFile) : undefined;
  let development: { identities: DemoIdentity[]; issue: DemoTokenIssuer } | undefined;
  if (privateKeyFile) {
    development = {
      identities: readDemoIdentities(),
      issue: await demoTokenIssuer(privateKeyFile, { issuer: settings.jwt.issuer, audience: settings.jwt.audience, algorithm: settings.jwt.algorithm }),
    };
    log.warn('development sign-in is on: POST /auth/dev-token hands out demo tokens (gateway on development keys, NODE_ENV not production)');
  }

  const provider = identity.oidcProvider;
  const oidc: ConsoleConfig['oidc'] =
    provider && settings.oidc
      ? {
          issuer: provider.issuer,
          authorizationEndpoint: provider.authorizationEndpoint,
          tokenEndpoint: provider.tokenEndpoint,
          clientId: settings.oidc.clientId,
          redirectUri: `${settings.publicBaseUrl}${CONSOLE_CALLBACK_PATH}`,
          scope: settings.oidc.scope,
        }
      : undefined;
  const config: ConsoleConfig | undefined = development
    ? { mode: 'development', identities: development.identities.map(publicDemoIdentity), ...(oidc ? { oidc } : {}) }
    : oidc
      ? { mode: 'oidc', oidc }
      : undefined;
  const configBody = config
    ? json(200, JSON.stringify(config))
    : json(503, errorBody('SIGN_IN_NOT_CONFIGURED', '未配置登录方式（请设置 OIDC_ISSUER）', 'no sign-in is configured (set OIDC_ISSUER)'));

  const routes: PlainRoutes = { 'GET /console/config.json': () => configBody };
  if (development) {
    const { identities, issue } = development;
    routes['POST /auth/dev-token'] = async (req: http.IncomingMessage) => {
      // JSON only: another site's page cannot send that without a CORS preflight, which is never granted here.
      if ((req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() !== 'application/json') {
        return json(415, errorBody('BAD_REQUEST', '请求体须为 JSON', 'the request body must be JSON'));
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, MAX_DEV_TOKEN_BODY));
      } catch {
        return json(400, errorBody('BAD_REQUEST', '请求体不是合法的JSON（不超过1KB）', 'the request body is not valid JSON (at most 1 KB)'));
      }
      const wanted = (body as { identity?: unknown } | null)?.identity;
      const chosen = typeof wanted === 'string' ? identities.find((entry) => entry.id === wanted) : undefined;
      if (!chosen) {
        return json(400, errorBody('UNKNOWN_IDENTITY', `没有该演示身份，可选：${identities.map((e) => e.id).join('、')}`, `no such demo identity; one of ${identities.map((e) => e.id).join(', ')}`));
      }
      return json(200, JSON.stringify(await issue(chosen)));
    };
  }
  return { name: 'sign-in', routes };
}
