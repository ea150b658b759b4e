// The console's side of OpenID Connect sign-in: the authorization-code flow with PKCE (RFC 7636, S256)
// as a public client (no secret). startSignIn makes the authorization URL and keeps the PKCE verifier
// and the state in sessionStorage; finishSignIn checks the state the issuer sent back and exchanges the
// code (with the verifier) at the token endpoint. Browser APIs only — WebCrypto, fetch, URL — so the
// same module runs in Node 20 (tests), given a sessionStorage or a storage passed in.

/** The `oidc` block of GET /console/config.json. */
export interface OidcClientConfig {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
}

/** Either the whole console config (its `oidc` block is used) or that block itself. */
export type SignInConfig = OidcClientConfig | { oidc?: OidcClientConfig };

/** The part of the Web Storage API used here (sessionStorage satisfies it). */
export interface PendingStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SignInOptions {
  /** Defaults to the page's sessionStorage: the attempt survives the trip to the issuer, not the tab. */
  storage?: PendingStore;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export type SignInErrorCode = 'NOT_CONFIGURED' | 'NO_PENDING_SIGN_IN' | 'STATE_MISMATCH' | 'ISSUER_MISMATCH' | 'IDP_ERROR' | 'TOKEN_REFUSED' | 'BAD_TOKEN_RESPONSE';

export class SignInError extends Error {
  constructor(readonly code: SignInErrorCode, zh: string, en: string) {
    super(`${zh} / ${en}`);
    this.name = 'SignInError';
  }
}

export const PENDING_SIGN_IN_KEY = 'pd.signin.pending';
/** An attempt not finished in this time is abandoned (the issuer's codes live much shorter anyway). */
const PENDING_MAX_AGE_MS = 10 * 60_000;

interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  issuer: string;
  redirectUri: string;
  startedAt: number;
}

function oidcOf(config: SignInConfig): OidcClientConfig {
  const oidc = 'authorizationEndpoint' in config ? config : config.oidc;
  if (!oidc) throw new SignInError('NOT_CONFIGURED', '未配置统一身份认证', 'no OpenID Connect issuer is configured');
  return oidc;
}

function storageOf(options: SignInOptions): PendingStore {
  const storage = options.storage ?? (globalThis as { sessionStorage?: PendingStore }).sessionStorage;
  if (!storage) throw new Error('no sessionStorage: pass options.storage');
  return storage;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes: 43 characters, inside RFC 7636's 43–128 for the verifier. */
function randomToken(): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

async function s256(verifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The URL to send the browser to; the PKCE verifier, state and nonce wait in storage for the callback. */
export async function startSignIn(config: SignInConfig, options: SignInOptions = {}): Promise<string> {
  const oidc = oidcOf(config);
  const pending: PendingSignIn = { state: randomToken(), verifier: randomToken(), nonce: randomToken(), issuer: oidc.issuer, redirectUri: oidc.redirectUri, startedAt: Date.now() };
  storageOf(options).setItem(PENDING_SIGN_IN_KEY, JSON.stringify(pending));
  const url = new URL(oidc.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', oidc.redirectUri);
  url.searchParams.set('scope', oidc.scope);
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', await s256(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/**
 * Completes the sign-in from the URL the issuer redirected to. The pending attempt is used up whatever
 * happens (a callback is never replayed); the state must be the one this browser sent.
 */
export async function finishSignIn(config: SignInConfig, callbackUrl: string, options: SignInOptions = {}): Promise<{ token: string; expiresIn: number }> {
  const oidc = oidcOf(config);
  const storage = storageOf(options);
  const stored = storage.getItem(PENDING_SIGN_IN_KEY);
  storage.removeItem(PENDING_SIGN_IN_KEY);
  let pending: PendingSignIn | undefined;
  try {
    pending = stored ? (JSON.parse(stored) as PendingSignIn) : undefined;
  } catch {
    pending = undefined;
  }
  if (!pending || Date.now() - pending.startedAt > PENDING_MAX_AGE_MS || pending.issuer !== oidc.issuer) {
    throw new SignInError('NO_PENDING_SIGN_IN', '没有进行中的登录，请重新登录', 'no sign-in in progress; sign in again');
  }
  const params = new URL(callbackUrl).searchParams;
  // Checked first: a forged callback must not learn anything, not even the issuer's error.
  if (params.get('state') !== pending.state) {
    throw new SignInError('STATE_MISMATCH', '登录回调的 state 不符，已拒绝', 'the sign-in callback\'s state does not match; refused');
  }
  // RFC 9207: an issuer that names itself must be the one asked (mix-up defence).
  const iss = params.get('iss');
  if (iss !== null && iss !== oidc.issuer) throw new SignInError('ISSUER_MISMATCH', '登录回调来自其他签发方', 'the sign-in callback names another issuer');
  const error = params.get('error');
  if (error) throw new SignInError('IDP_ERROR', `身份提供方拒绝登录（${error}）`, `the identity provider refused the sign-in (${error}${params.get('error_description') ? `: ${params.get('error_description')}` : ''})`);
  const code = params.get('code');
  if (!code) throw new SignInError('IDP_ERROR', '登录回调缺少授权码', 'the sign-in callback carries no code');

  const response = await (options.fetch ?? fetch)(oidc.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: pending.redirectUri, client_id: oidc.clientId, code_verifier: pending.verifier }).toString(),
  });
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // judged below
  }
  if (!response.ok) {
    const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    throw new SignInError('TOKEN_REFUSED', `身份提供方拒绝换取令牌（${reason}）`, `the identity provider refused the code exchange (${reason})`);
  }
  const token = body.access_token;
  const tokenType = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : '';
  if (typeof token !== 'string' || tokenType !== 'bearer') {
    throw new SignInError('BAD_TOKEN_RESPONSE', '身份提供方返回的令牌无法使用', 'the identity provider\'s token response has no bearer access token');
  }
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
  return { token, expiresIn };
}
