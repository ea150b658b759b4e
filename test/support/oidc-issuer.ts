// A small OpenID Connect issuer for tests, on a free port: discovery, JWKS (keys can be rotated),
// /authorize (auto-consent for the user named by login_hint, or the default user; redirects back with
// code and state) and /token (authorization code + PKCE S256: the verifier must match the challenge,
// codes are single-use and expire). Tokens are real ES256 JWTs. CORS is open, as a browser client needs.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

export interface IssuerUser {
  sub: string;
  /** Further claims of the access token (org, div, roles, name …). */
  claims: Record<string, unknown>;
}

export interface IssuerOptions {
  users: Record<string, IssuerUser>;
  defaultUser?: string;
  clients: { clientId: string; redirectUris: string[] }[];
  /** The access token's audience. */
  audience: string;
  /** Claim another issuer's name (an impostor): `iss` and discovery say this instead of the real URL. */
  issuerName?: string;
  codeTtlMs?: number;
  tokenTtlSeconds?: number;
}

export interface LocalIssuer {
  /** The issuer identifier (`iss`): its base URL unless issuerName says otherwise. */
  issuer: string;
  url: string;
  /** A new signing key; the old one stays in the key set (tokens it signed stay valid). */
  rotate(): Promise<void>;
  /** A token straight from the issuer (no flow), for claims a flow would not give. */
  mint(sub: string, claims: Record<string, unknown>): Promise<string>;
  /** Requests seen per path (e.g. how often the key set was fetched). */
  hits: Record<string, number>;
  close(): Promise<void>;
}

interface Code {
  clientId: string;
  redirectUri: string;
  challenge: string;
  user: IssuerUser;
  nonce?: string;
  expires: number;
  used: boolean;
}

const s256 = (verifier: string) => crypto.createHash('sha256').update(verifier).digest('base64url');

export async function startLocalIssuer(options: IssuerOptions): Promise<LocalIssuer> {
  const keys: { kid: string; privateKey: KeyLike; jwk: JWK }[] = [];
  const addKey = async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = crypto.randomUUID();
    keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } });
  };
  await addKey();
  const codes = new Map<string, Code>();
  const hits: Record<string, number> = {};
  let base = '';
  const issuerName = () => options.issuerName ?? base;

  const sign = (sub: string, claims: Record<string, unknown>, audience: string) => {
    const current = keys[keys.length - 1];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: current.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(issuerName())
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${options.tokenTtlSeconds ?? 3600}s`)
      .sign(current.privateKey);
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, accept', 'access-control-allow-methods': 'GET, POST' };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors, ...headers });
      res.end(JSON.stringify(body));
    };
    const tokenError = (error: string, description: string) => send(400, { error, error_description: description });
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, cors);
        return res.end();
      }
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        return send(200, {
          issuer: issuerName(),
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          id_token_signing_alg_values_supported: ['ES256'],
          subject_types_supported: ['public'],
        });
      }
      if (req.method === 'GET' && url.pathname === '/jwks') return send(200, { keys: keys.map((k) => k.jwk) });
      if (req.method === 'GET' && url.pathname === '/authorize') {
        const q = url.searchParams;
        const client = options.clients.find((c) => c.clientId === q.get('client_id'));
        const redirectUri = q.get('redirect_uri') ?? '';
        // Never redirect to an unregistered place: answer here instead.
        if (!client || !client.redirectUris.includes(redirectUri)) return send(400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' });
        const back = new URL(redirectUri);
        const state = q.get('state');
        if (state) back.searchParams.set('state', state);
        back.searchParams.set('iss', issuerName());
        const user = options.users[q.get('login_hint') ?? options.defaultUser ?? ''];
        if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
          back.searchParams.set('error', 'invalid_request');
          back.searchParams.set('error_description', 'response_type=code with an S256 code_challenge is required');
        } else if (!user) {
          back.searchParams.set('error', 'access_denied');
        } else {
          const code = crypto.randomBytes(24).toString('base64url');
          codes.set(code, { clientId: client.clientId, redirectUri, challenge: q.get('code_challenge')!, user, nonce: q.get('nonce') ?? undefined, expires: Date.now() + (options.codeTtlMs ?? 60_000), used: false });
          back.searchParams.set('code', code);
        }
        res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
        return res.end();
      }
      if (req.method === 'POST' && url.pathname === '/token') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (form.get('grant_type') !== 'authorization_code') return send(400, { error: 'unsupported_grant_type' });
        const code = codes.get(form.get('code') ?? '');
        if (!code) return tokenError('invalid_grant', 'unknown code');
        // RFC 6749 §4.1.2: a code is used once; a second attempt fails (the first one used it up).
        if (code.used) return tokenError('invalid_grant', 'code already used');
        code.used = true;
        if (Date.now() > code.expires) return tokenError('invalid_grant', 'code expired');
        if (form.get('client_id') !== code.clientId || form.get('redirect_uri') !== code.redirectUri) return tokenError('invalid_grant', 'client or redirect_uri differs');
        const verifier = form.get('code_verifier') ?? '';
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== code.challenge) return tokenError('invalid_grant', 'code_verifier does not match the challenge');
        const accessToken = await sign(code.user.sub, { ...code.user.claims, client_id: code.clientId, scope: 'openid profile' }, options.audience);
        const idToken = await sign(code.user.sub, { nonce: code.nonce, name: code.user.claims.name }, code.clientId);
        return send(200, { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: options.tokenTtlSeconds ?? 3600, scope: 'openid profile' });
      }
      send(404, { error: 'not_found' });
    } catch (error) {
      send(500, { error: 'server_error', error_description: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get issuer() {
      return issuerName();
    },
    url: base,
    rotate: addKey,
    mint: (sub, claims) => sign(sub, claims, options.audience),
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
