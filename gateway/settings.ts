// Gateway settings, read once from the environment with documented defaults (README "Settings").
// Invalid values stop the start with a message naming the variable.
import os from 'node:os';
import { portSetting, positiveSetting, settingError } from '../lib/env-settings';
import { maskSettingsFromEnv } from '../directives/mask-settings';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../lib/http/http-server';
import { parseAllowedOrigins } from '../lib/http/cors';
import path from 'node:path';
import type { MaskSettings } from '../directives/mask';
import { ROOT_DIR, SUBGRAPHS, subgraphEnvName } from '../subgraphs/registry';
import type { DenialMode } from './policy/policy-gateway';
import { readQueryLimitSettings, type QueryLimitSettings } from './limits/query-limits';
import { readRateLimitSettings, type RateLimitSettings } from './limits/rate-limits';
import { DEFAULT_RESILIENCE, type ResilienceSettings } from './subgraph-client';

export interface GatewaySettings {
  port: number;
  host: string;
  supergraphFile: string;
  /** Where the public reaches this gateway: the base of the open catalog's IRIs (PUBLIC_BASE_URL, as the platform's). */
  publicBaseUrl: string;
  /** Subgraph name → URL overriding the supergraph's routing URL. */
  subgraphUrls: Record<string, string>;
  maxBodyBytes: number;
  /** Origins allowed cross-origin calls (CORS_ALLOWED_ORIGINS); empty: same origin only. */
  corsAllowedOrigins: ReadonlySet<string>;
  /** Strict-Transport-Security max-age in seconds (HSTS_MAX_AGE); undefined: no such header. */
  hstsMaxAgeSeconds?: number;
  /** On SIGTERM / SIGINT: how long requests in flight may take to finish before they are cut. */
  shutdownGraceMs: number;
  /** On SIGTERM / SIGINT: how long to keep accepting (readiness failing) before listening stops. */
  shutdownDelayMs: number;
  policy: boolean;
  denialMode: DenialMode;
  jwt: { publicKeyFile?: string; jwksUrl?: string; issuer: string; audience: string; algorithm: string };
  /** NODE_ENV=production: nothing meant for development only (demo sign-in) is served. */
  production: boolean;
  /** An OpenID Connect issuer whose tokens are trusted beside the key above (sign-in in production). */
  oidc?: OidcSettings;
  apiKeySecret?: string;
  gatewaySubgraphSecret?: string;
  mask: MaskSettings;
  /** MASK_HASH_KEY as given (mask.hashKey falls back to a public constant, which the policy refuses). */
  maskHashKey?: string;
  redisUrl?: string;
  redisPrefix: string;
  grantCacheMs: number;
  /** Persisted-query safelist mode: only registered operations run. */
  operationSafelist: boolean;
  audit: boolean;
  auditSubjectKey?: string;
  /**
   * journal: a response waits for its record on this replica's disk (fsynced), shipped to the chain
   * right after; store: a response waits for its record in the platform's chain.
   */
  auditDurability: 'journal' | 'store';
  /** The replica's journal directory (one per replica; a restart recovers what it holds); unset: a fresh temporary one. */
  auditJournalDir?: string;
  instance: string;
  queryLimits: QueryLimitSettings;
  rateLimits: RateLimitSettings;
  resilience: ResilienceSettings;
}

export interface OidcSettings {
  /** The issuer's identifier (`iss`); its discovery document is at <issuer>/.well-known/openid-configuration. */
  issuer: string;
  /** The console's client id at the issuer (a public client: PKCE, no secret). */
  clientId: string;
  /** The `aud` its access tokens must carry. */
  audience: string;
  scope: string;
  /** After a token names a key the cached key set lacks, how soon the key set may be fetched again. */
  jwksCooldownMs: number;
}

function readOidcSettings(env: NodeJS.ProcessEnv, defaultAudience: string): OidcSettings | undefined {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    fail('OIDC_ISSUER', issuer, 'the issuer URL');
  }
  // Tokens and codes travel to and from it: only TLS, or a loopback issuer (tests, development).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))) {
    fail('OIDC_ISSUER', issuer, 'an https URL (http only on localhost)');
  }
  const clientId = env.OIDC_CLIENT_ID?.trim();
  if (!clientId) fail('OIDC_CLIENT_ID', env.OIDC_CLIENT_ID, 'the console\'s client id at the issuer (set with OIDC_ISSUER)');
  return {
    issuer,
    clientId,
    audience: env.OIDC_AUDIENCE?.trim() || defaultAudience,
    scope: env.OIDC_SCOPE?.trim() || 'openid profile',
    jwksCooldownMs: positiveSetting(env, 'OIDC_JWKS_COOLDOWN_MS', 30_000, { integer: true }),
  };
}

function fail(name: string, value: string | undefined, expected: string): never {
  throw settingError(name, value, expected);
}

/** A switch: absent → `fallback`; otherwise exactly on or off (any case). */
function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (value !== 'on' && value !== 'off') fail(name, raw, 'on or off');
  return value === 'on';
}

export function readGatewaySettings(env = process.env): GatewaySettings {
  const subgraphUrls: Record<string, string> = {};
  for (const info of SUBGRAPHS) {
    const url = env[subgraphEnvName('URL', info.name)];
    if (url) subgraphUrls[info.name] = url;
  }
  const port = portSetting(env, 'PORT', 4000);
  const policy = onOff(env, 'POLICY', true);
  const denialMode = (env.POLICY_DENIAL_MODE ?? 'filter') as DenialMode;
  if (denialMode !== 'filter' && denialMode !== 'refuse') fail('POLICY_DENIAL_MODE', env.POLICY_DENIAL_MODE, 'filter or refuse');
  // A plain federation gateway (POLICY=off) serves supergraphs without a platform: no audit by default.
  const audit = onOff(env, 'AUDIT', policy);
  const grantCacheMs = Number(env.GRANT_CACHE_MS ?? 1000);
  if (!Number.isFinite(grantCacheMs) || grantCacheMs < 0) fail('GRANT_CACHE_MS', env.GRANT_CACHE_MS, 'milliseconds ≥ 0');
  const operationSafelist = onOff(env, 'OPERATION_SAFELIST', false);
  const auditDurability = (env.AUDIT_DURABILITY ?? 'journal') as GatewaySettings['auditDurability'];
  if (auditDurability !== 'journal' && auditDurability !== 'store') fail('AUDIT_DURABILITY', env.AUDIT_DURABILITY, 'journal or store');
  if (operationSafelist && !policy) fail('OPERATION_SAFELIST', env.OPERATION_SAFELIST, 'off when POLICY=off (the list lives on the platform)');
  const jwtAudience = env.JWT_AUDIENCE ?? 'public-data-gateway';
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    supergraphFile: path.resolve(ROOT_DIR, env.SUPERGRAPH_FILE ?? 'schema/supergraph.graphql'),
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? 'http://localhost:4000').replace(/\/+$/, ''),
    subgraphUrls,
    maxBodyBytes: Number(env.MAX_BODY_BYTES ?? 100_000),
    hstsMaxAgeSeconds: env.HSTS_MAX_AGE ? positiveSetting(env, 'HSTS_MAX_AGE', 0, { integer: true }) : undefined,
    corsAllowedOrigins: parseAllowedOrigins(env.CORS_ALLOWED_ORIGINS, (detail) => fail('CORS_ALLOWED_ORIGINS', env.CORS_ALLOWED_ORIGINS, detail)),
    shutdownGraceMs: positiveSetting(env, 'SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS, { integer: true }),
    shutdownDelayMs: env.SHUTDOWN_DELAY_MS === '0' ? 0 : positiveSetting(env, 'SHUTDOWN_DELAY_MS', 0, { integer: true }),
    policy,
    denialMode,
    jwt: {
      publicKeyFile: env.JWT_PUBLIC_KEY_FILE || undefined,
      jwksUrl: env.JWT_JWKS_URL || undefined,
      issuer: env.JWT_ISSUER ?? 'https://dev.public-data.local/issuer',
      audience: jwtAudience,
      algorithm: env.JWT_ALGORITHM ?? 'ES256',
    },
    production: env.NODE_ENV === 'production',
    oidc: readOidcSettings(env, jwtAudience),
    apiKeySecret: env.API_KEY_SECRET || undefined,
    gatewaySubgraphSecret: env.GATEWAY_SUBGRAPH_SECRET || undefined,
    mask: maskSettingsFromEnv(env),
    maskHashKey: env.MASK_HASH_KEY || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_KEY_PREFIX ?? 'pd:',
    grantCacheMs,
    operationSafelist,
    audit,
    auditSubjectKey: env.AUDIT_SUBJECT_KEY || undefined,
    auditDurability,
    // A fixed port names a stable directory, so a restarted replica finds its journal; an ephemeral
    // port (0: tests) gets a fresh one.
    auditJournalDir: env.AUDIT_JOURNAL_DIR ? path.resolve(env.AUDIT_JOURNAL_DIR) : port ? path.join(ROOT_DIR, '.audit-journal', `gateway-${port}`) : undefined,
    instance: env.GATEWAY_INSTANCE || `${os.hostname()}:${process.pid}`,
    queryLimits: readQueryLimitSettings(env),
    rateLimits: readRateLimitSettings(env),
    resilience: {
      timeoutMs: positiveSetting(env, 'SUBGRAPH_TIMEOUT_MS', DEFAULT_RESILIENCE.timeoutMs, { integer: true }),
      breakerFailures: positiveSetting(env, 'BREAKER_FAILURES', DEFAULT_RESILIENCE.breakerFailures, { integer: true }),
      breakerCooldownMs: positiveSetting(env, 'BREAKER_COOLDOWN_MS', DEFAULT_RESILIENCE.breakerCooldownMs, { integer: true }),
      dedupeInFlight: onOff(env, 'SUBGRAPH_DEDUPE', DEFAULT_RESILIENCE.dedupeInFlight),
    },
  };
}
