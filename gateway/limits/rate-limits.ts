// Per-caller rate limits, shared by every gateway replica through Redis (rate-limiter-flexible's
// RateLimiterRedis over ioredis; one in-process RateLimiterMemory per replica without REDIS_URL).
//
// Budgets (fixed windows, counted atomically in Redis by one Lua script per consume):
// - request:        one point per GraphQL operation, per caller AND scenario — an institution by its
//                   unified social credit code, a developer by id, a data subject by (hashed) identity
//                   number, anonymous callers by client IP (IPv6 per /64).
// - caller:         a ceiling over all scenarios of one institution/developer: x-scenario-id is chosen
//                   by the caller, so without it inventing scenario names would mint fresh budgets.
// - verify-caller:  verifyPersonIdentity per caller, whatever the subjects: bounds enumeration.
// - verify-pair:    verifyPersonIdentity per caller AND subject: bounds one caller's guesses about
//                   one person.
// - verify-subject: FAILED verifications (NO_MATCH) per data subject, whoever asks, counted after
//                   the answer: successful checks never use it. Once failures go past it the subject
//                   is guarded, not locked:
// - verify-guarded: while a subject is guarded, each caller gets this many attempts (default 1) about
//                   that subject per window. A few callers guessing wrong cannot deny verification to
//                   everyone else, and guessing across many identities gains one try per identity.
// - identity-probe: identity numbers an institution looks up (person, persons) that match no one, and
//                   its verifications answered NO_MATCH, per caller. Inference control leaves at least
//                   100 candidates for a masked number; this keeps them from being swept by lookups
//                   (gateway/limits/identity-probes.ts).
//
// Fail closed: when Redis does not answer (error, not connected, or slower than storeTimeoutMs) the
// request is denied with reason LIMITER_UNAVAILABLE (the plugin answers 503 RATE_LIMIT_UNAVAILABLE),
// never let through. No insuranceLimiter: an in-memory fallback would give every replica the full
// budget (N replicas → N× the verification budget, exactly the oracle this guards against), and
// the requests it would let through are the ones we could not count.
import crypto from 'node:crypto';
import net from 'node:net';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';

/** Who a budget belongs to. */
export type CallerKey =
  | { kind: 'institution'; creditCode: string }
  | { kind: 'developer'; developer: string }
  /** A data subject calling as themselves (identity number; hashed before it reaches Redis). */
  | { kind: 'subject'; idNumber: string }
  | { kind: 'anonymous'; ip: string };

export type RateScope = 'request' | 'caller' | 'verify-subject' | 'verify-caller' | 'verify-pair' | 'verify-guarded' | 'identity-probe';

export type RateKey =
  | { scope: 'request'; caller: CallerKey; scenario?: string }
  | { scope: 'caller'; caller: CallerKey }
  | { scope: 'verify-subject'; idNumber: string }
  | { scope: 'verify-caller'; caller: CallerKey }
  | { scope: 'verify-pair'; caller: CallerKey; idNumber: string }
  | { scope: 'verify-guarded'; caller: CallerKey; idNumber: string }
  | { scope: 'identity-probe'; caller: CallerKey };

export type RateDecision =
  | { allowed: true }
  /** `crossed`: this is the first consume past the budget (once per key and window, across replicas). */
  | { allowed: false; reason: 'LIMIT_EXCEEDED' | 'LIMITER_UNAVAILABLE'; scope: RateScope; retryAfterSeconds: number; crossed?: boolean };

export interface RateLimiterOptions {
  /** Redis shared by every replica; unset → counted in this process only. */
  redisUrl?: string;
  /** Namespace of every key, e.g. "pd:rl:" (REDIS_KEY_PREFIX + "rl:"). */
  prefix: string;
  /** Operations per caller and scenario per window. */
  points: number;
  durationSeconds: number;
  /** Operations per caller over all its scenarios per window (default 3 × points). */
  callerPoints?: number;
  /** Failed verifyPersonIdentity answers (NO_MATCH) per data subject per verification window. */
  verifyPoints: number;
  /** verifyPersonIdentity calls per caller per verification window (default 60 × verifyPoints). */
  verifyCallerPoints?: number;
  /** verifyPersonIdentity calls per caller about one subject per verification window (default 4). */
  verifyPairPoints?: number;
  /** Attempts per caller about a guarded subject (its failures used up) per verification window (default 1). */
  verifyGuardedPoints?: number;
  verifyDurationSeconds: number;
  /** Identity lookups that found no one, plus NO_MATCH verifications, per institution per probe window (default 100). */
  probePoints?: number;
  /** The probe window in seconds (default 3600). */
  probeDurationSeconds?: number;
  /** Longest wait for Redis before failing closed (default 500 ms). */
  storeTimeoutMs?: number;
  /**
   * Key for HMAC-SHA-256 of identity numbers in keys. Without it, plain SHA-256: not reversible by
   * reading, but identity numbers are few enough to be guessed. Pass a secret (e.g. MASK_HASH_KEY).
   */
  keySecret?: string;
  /** Called when the store fails (the request is denied): log it, count it. */
  onStoreError?: (error: Error) => void;
}

export interface RateLimiter {
  /** Takes `points` (default 1) from the key's budget. Never throws: a store failure is a denial. */
  consume(key: RateKey, points?: number): Promise<RateDecision>;
  /** Whether the key's budget has been overrun (a consume denied) this window, without taking from it; undefined when the store fails. */
  exceeded(key: RateKey): Promise<boolean | undefined>;
  /** A keyed digest standing for a data subject in logs (never the identity number). */
  subjectTag(idNumber: string): string;
  /** Whether budgets are shared through Redis. */
  readonly shared: boolean;
  close(): Promise<void>;
}

/** Seconds a client is told to wait when the limiter's store is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** IPv4-mapped IPv6 as IPv4; other IPv6 addresses by their /64 (one host usually owns a whole /64). */
export function normaliseIp(ip: string): string {
  const address = ip.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (net.isIPv6(address)) {
    const [head, tail = ''] = address.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
    return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
  }
  return net.isIPv4(address) ? address : 'unknown';
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const callerPoints = options.callerPoints ?? options.points * 3;
  const verifyCallerPoints = options.verifyCallerPoints ?? options.verifyPoints * 60;
  const verifyPairPoints = options.verifyPairPoints ?? 4;
  const budgets: Record<RateScope, { points: number; duration: number }> = {
    request: { points: options.points, duration: options.durationSeconds },
    caller: { points: callerPoints, duration: options.durationSeconds },
    'verify-subject': { points: options.verifyPoints, duration: options.verifyDurationSeconds },
    'verify-caller': { points: verifyCallerPoints, duration: options.verifyDurationSeconds },
    'verify-pair': { points: verifyPairPoints, duration: options.verifyDurationSeconds },
    'verify-guarded': { points: options.verifyGuardedPoints ?? 1, duration: options.verifyDurationSeconds },
    'identity-probe': { points: options.probePoints ?? 100, duration: options.probeDurationSeconds ?? 3600 },
  };
  for (const [scope, budget] of Object.entries(budgets)) {
    if (!Number.isInteger(budget.points) || budget.points < 1) throw new Error(`rate limit ${scope}: points must be an integer ≥ 1, got ${budget.points}`);
    if (!Number.isInteger(budget.duration) || budget.duration < 1) throw new Error(`rate limit ${scope}: duration must be whole seconds ≥ 1, got ${budget.duration}`);
  }

  let client: Redis | undefined;
  if (options.redisUrl) {
    client = new Redis(options.redisUrl, {
      // A command waits through at most one reconnection attempt, then fails (→ denial); the timeout
      // wrapper below bounds the wait anyway.
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      // Reconnect at most every 2 s, so a dead Redis is not hammered by every replica.
      retryStrategy: (times) => Math.min(times * 100, 2000),
      // close() on a client whose socket already failed otherwise keeps a 2 s timer alive.
      disconnectTimeout: 200,
    });
    client.on('error', () => undefined); // surfaced per consume through onStoreError
  }
  const timeoutMs = options.storeTimeoutMs ?? 500;
  const limiters = Object.fromEntries(
    (Object.keys(budgets) as RateScope[]).map((scope) => {
      const common = { keyPrefix: `${options.prefix}${scope}`, points: budgets[scope].points, duration: budgets[scope].duration };
      const limiter: RateLimiterAbstract = client
        ? new RLWrapperTimeouts({ limiter: new RateLimiterRedis({ ...common, storeClient: client }), timeoutMs })
        : new RateLimiterMemory(common);
      return [scope, limiter];
    }),
  ) as Record<RateScope, RateLimiterAbstract>;

  const digest = (idNumber: string) => {
    const value = idNumber.trim().toUpperCase();
    // Domain-separated, so the digest never equals another use of the same key (e.g. the HASH mask).
    return (options.keySecret ? crypto.createHmac('sha256', options.keySecret) : crypto.createHash('sha256')).update(`rate-limit\0${value}`).digest('base64url').slice(0, 32);
  };
  const part = (value: string) => encodeURIComponent(value);
  const callerPart = (caller: CallerKey): string => {
    switch (caller.kind) {
      case 'institution':
        return `i:${part(caller.creditCode)}`;
      case 'developer':
        return `d:${part(caller.developer)}`;
      case 'subject':
        return `s:${digest(caller.idNumber)}`;
      case 'anonymous':
        return `a:${part(normaliseIp(caller.ip))}`;
    }
  };
  const keyOf = (key: RateKey): string => {
    switch (key.scope) {
      case 'request':
        return `${callerPart(key.caller)}:${part(key.scenario ?? '')}`;
      case 'caller':
      case 'verify-caller':
      case 'identity-probe':
        return callerPart(key.caller);
      case 'verify-subject':
        return digest(key.idNumber);
      case 'verify-pair':
      case 'verify-guarded':
        return `${callerPart(key.caller)}:${digest(key.idNumber)}`;
    }
  };
  const storeFailed = (error: unknown) => options.onStoreError?.(error instanceof Error ? error : new Error(String(error)));

  return {
    shared: client !== undefined,
    async consume(key, points = 1) {
      try {
        await limiters[key.scope].consume(keyOf(key), points);
        return { allowed: true };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          const crossed = error.consumedPoints - points <= budgets[key.scope].points;
          return { allowed: false, reason: 'LIMIT_EXCEEDED', scope: key.scope, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)), crossed };
        }
        storeFailed(error);
        return { allowed: false, reason: 'LIMITER_UNAVAILABLE', scope: key.scope, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS };
      }
    },
    async exceeded(key) {
      try {
        const state = await limiters[key.scope].get(keyOf(key));
        return state !== null && state.consumedPoints > budgets[key.scope].points;
      } catch (error) {
        storeFailed(error);
        return undefined;
      }
    },
    subjectTag: (idNumber) => digest(idNumber).slice(0, 12),
    async close() {
      if (client) client.disconnect();
    },
  };
}

const SCOPE_TEXT: Record<RateScope, { zh: string; en: string }> = {
  request: { zh: '请求过于频繁', en: 'too many requests' },
  caller: { zh: '本机构或开发者的请求过于频繁', en: 'too many requests from this institution or developer' },
  'verify-subject': { zh: '对该数据主体的身份核验过于频繁', en: 'too many identity verifications for this data subject' },
  'verify-caller': { zh: '身份核验过于频繁', en: 'too many identity verifications' },
  'verify-pair': { zh: '对该数据主体的身份核验过于频繁', en: 'too many identity verifications of this data subject by this caller' },
  'verify-guarded': {
    zh: '该数据主体近期核验失败过多，处于保护状态，每个调用方每小时仅可核验一次',
    en: 'this data subject had too many failed verifications and is guarded: one verification per caller per window',
  },
  'identity-probe': {
    zh: '查询不存在的身份号码或核验失败的次数过多（可能在穷举脱敏号码），请稍后重试；批量查询请分批',
    en: 'too many lookups of identity numbers that match no one, or failed verifications (this looks like guessing masked numbers); retry later, and split large batches',
  },
};

/** 429 RATE_LIMITED with a retry-after header (Apollo Server takes status and headers from extensions.http). */
export function rateLimitError(retryAfterSeconds: number, scope: RateScope = 'request'): GraphQLError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const { zh, en } = SCOPE_TEXT[scope];
  return new GraphQLError(`${zh}，请${seconds}秒后重试 / ${en}, retry in ${seconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      scope,
      retryAfter: seconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    },
  });
}

/** 503 RATE_LIMIT_UNAVAILABLE: the limits could not be checked, so the request is refused (fail closed). */
export function rateLimitUnavailableError(retryAfterSeconds = UNAVAILABLE_RETRY_AFTER_SECONDS): GraphQLError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new GraphQLError(`限流服务暂不可用，请求已拒绝，请${seconds}秒后重试 / rate limiting is unavailable, so the request was refused; retry in ${seconds} s`, {
    extensions: {
      code: 'RATE_LIMIT_UNAVAILABLE',
      retryAfter: seconds,
      http: { status: 503, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    },
  });
}

/** The coded error for a denial. */
export function deniedError(decision: Extract<RateDecision, { allowed: false }>): GraphQLError {
  return decision.reason === 'LIMITER_UNAVAILABLE' ? rateLimitUnavailableError(decision.retryAfterSeconds) : rateLimitError(decision.retryAfterSeconds, decision.scope);
}

export interface RateLimitSettings extends Omit<RateLimiterOptions, 'onStoreError' | 'keySecret' | 'callerPoints' | 'verifyCallerPoints' | 'verifyPairPoints' | 'verifyGuardedPoints' | 'probePoints' | 'probeDurationSeconds'> {
  probePoints: number;
  probeDurationSeconds: number;
  /** RATE_LIMIT=on|off (default on; off for benchmarks). */
  enabled: boolean;
  callerPoints: number;
  verifyCallerPoints: number;
  verifyPairPoints: number;
  verifyGuardedPoints: number;
  storeTimeoutMs: number;
  /** TRUST_PROXY_HOPS (default 0): reverse proxies in front of the gateway, for clientIpOf. */
  trustProxyHops: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${env[name]}"`);
  return value;
}

/**
 * RATE_LIMIT (on), RATE_LIMIT_POINTS (600) per RATE_LIMIT_DURATION (60 s) per caller and scenario,
 * RATE_LIMIT_CALLER_POINTS (3 × RATE_LIMIT_POINTS) per caller over all scenarios,
 * VERIFY_LIMIT_PER_SUBJECT (10 failed), VERIFY_LIMIT_PER_CALLER (300), VERIFY_LIMIT_PER_CALLER_SUBJECT
 * (4) and VERIFY_LIMIT_GUARDED (1, per caller about a guarded subject) per VERIFY_LIMIT_DURATION (3600 s),
 * IDENTITY_PROBE_LIMIT (100) per IDENTITY_PROBE_DURATION (3600 s),
 * RATE_LIMIT_TIMEOUT_MS (500), TRUST_PROXY_HOPS (0); REDIS_URL and REDIS_KEY_PREFIX as for the grants
 * (keys under "<prefix>rl:").
 */
export function readRateLimitSettings(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const enabled = (env.RATE_LIMIT ?? 'on').trim().toLowerCase();
  if (enabled !== 'on' && enabled !== 'off') throw new Error(`RATE_LIMIT must be on or off, got "${env.RATE_LIMIT}"`);
  const points = integer(env, 'RATE_LIMIT_POINTS', 600);
  const verifyPoints = integer(env, 'VERIFY_LIMIT_PER_SUBJECT', 10);
  return {
    enabled: enabled === 'on',
    redisUrl: env.REDIS_URL || undefined,
    prefix: `${env.REDIS_KEY_PREFIX ?? 'pd:'}rl:`,
    points,
    durationSeconds: integer(env, 'RATE_LIMIT_DURATION', 60),
    callerPoints: integer(env, 'RATE_LIMIT_CALLER_POINTS', points * 3),
    verifyPoints,
    verifyCallerPoints: integer(env, 'VERIFY_LIMIT_PER_CALLER', 300),
    verifyPairPoints: integer(env, 'VERIFY_LIMIT_PER_CALLER_SUBJECT', 4),
    verifyGuardedPoints: integer(env, 'VERIFY_LIMIT_GUARDED', 1),
    verifyDurationSeconds: integer(env, 'VERIFY_LIMIT_DURATION', 3600),
    probePoints: integer(env, 'IDENTITY_PROBE_LIMIT', 100),
    probeDurationSeconds: integer(env, 'IDENTITY_PROBE_DURATION', 3600),
    storeTimeoutMs: integer(env, 'RATE_LIMIT_TIMEOUT_MS', 500),
    trustProxyHops: integer(env, 'TRUST_PROXY_HOPS', 0, 0),
  };
}
