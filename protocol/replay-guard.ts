// The receiving side of signed requests (signature.ts): a request is served only when its
// signature is genuine, within the window, and its nonce has not been seen before. Nonces are
// remembered for twice the window (a request may come from a clock up to one window ahead) — in
// Redis when REDIS_URL is set, so every replica of a subgraph refuses what another one served; in
// this process otherwise. Every nonce is also remembered in the process, so while a configured Redis
// does not answer a replica still refuses every replay it has seen — the protection of a deployment
// without Redis — instead of refusing everything: a Redis outage must not stop the channel (the
// control plane included), and the window is short. The degradation is logged and counted.
import type http from 'node:http';
import Redis from 'ioredis';
import { positiveSetting } from '../lib/env-settings';
import { createLogger } from '../lib/log';
import { headerValue } from '../lib/http/headers';
import { checkSignature, DEFAULT_SIGNATURE_WINDOW_MS, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type SignedParts } from './signature';

export interface NonceStore {
  /** true the first time a nonce is claimed within ttlMs, false for a replay; throws when unsure. */
  claim(nonce: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function memoryNonceStore(): NonceStore {
  // Insertion order is expiry order (one ttl per store), so expired nonces are dropped from the front.
  const seen = new Map<string, number>();
  return {
    async claim(nonce, ttlMs) {
      const now = Date.now();
      for (const [old, expires] of seen) {
        if (expires > now) break;
        seen.delete(old);
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, now + ttlMs);
      return true;
    },
    async close() {
      seen.clear();
    },
  };
}

export function redisNonceStore(url: string, prefix: string, timeoutMs = 500): NonceStore {
  // Commands wait through a (re)connection, bounded by timeoutMs below (as the rate limiter's do).
  const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 1000, retryStrategy: (times) => Math.min(times * 100, 2000), disconnectTimeout: 200 });
  client.on('error', () => undefined); // surfaced per claim, as a refusal
  return {
    async claim(nonce, ttlMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('nonce store timed out')), timeoutMs);
      });
      try {
        // SET NX: atomic across replicas, exactly one of them claims a nonce.
        return (await Promise.race([client.set(`${prefix}nonce:${nonce}`, '1', 'PX', ttlMs, 'NX'), late])) === 'OK';
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      client.disconnect();
    },
  };
}

/**
 * Claims in this process first (a replay here is refused whatever Redis says), then in Redis; when
 * Redis fails, the local claim stands and `onDegraded` is told.
 */
export function layeredNonceStore(shared: NonceStore, local: NonceStore, onDegraded: (error: unknown) => void): NonceStore {
  return {
    async claim(nonce, ttlMs) {
      if (!(await local.claim(nonce, ttlMs))) return false;
      try {
        return await shared.claim(nonce, ttlMs);
      } catch (error) {
        onDegraded(error);
        return true;
      }
    },
    async close() {
      await Promise.all([shared.close(), local.close()]);
    },
  };
}

export interface ReplayGuard {
  windowMs: number;
  store: NonceStore;
}

/** SIGNATURE_WINDOW_MS (10000), REDIS_URL, REDIS_KEY_PREFIX (pd:): one guard per process. */
export function readReplayGuard(env: NodeJS.ProcessEnv = process.env): ReplayGuard {
  const windowMs = positiveSetting(env, 'SIGNATURE_WINDOW_MS', DEFAULT_SIGNATURE_WINDOW_MS, { integer: true });
  if (!env.REDIS_URL) return { windowMs, store: memoryNonceStore() };
  let lastLogged = 0;
  const onDegraded = (error: unknown) => {
    if (Date.now() - lastLogged < 10_000) return; // one line per 10 s during an outage
    lastLogged = Date.now();
    createLogger('replay-guard').warn({ err: error instanceof Error ? error.message : String(error) }, 'nonce store (Redis) unavailable: replays are refused per process until it is back');
  };
  return { windowMs, store: layeredNonceStore(redisNonceStore(env.REDIS_URL, `${env.REDIS_KEY_PREFIX ?? 'pd:'}sig:`), memoryNonceStore(), onDegraded) };
}

let processGuard: ReplayGuard | undefined;
export function replayGuard(): ReplayGuard {
  processGuard ??= readReplayGuard();
  return processGuard;
}

export type SignatureCheck = 'VALID' | 'UNSIGNED' | 'EXPIRED' | 'REPLAYED' | 'UNAVAILABLE';

/** Checks a received request signed for `audience` (`caller` given for internal endpoints, else read from x-pd-caller). */
export async function verifySignedRequest(
  guard: ReplayGuard,
  secret: string,
  req: http.IncomingMessage,
  parts: Pick<SignedParts, 'audience' | 'caller' | 'body'>,
  now = Date.now(),
): Promise<SignatureCheck> {
  const nonce = headerValue(req, NONCE_HEADER) ?? '';
  const signed: SignedParts = { ...parts, method: req.method ?? '', path: req.url ?? '', timestamp: headerValue(req, TIMESTAMP_HEADER) ?? '', nonce };
  const check = checkSignature(secret, signed, headerValue(req, SIGNATURE_HEADER), guard.windowMs, now);
  // Only genuine requests reach the store: forged ones cannot fill it.
  if (check !== 'VALID') return check;
  try {
    return (await guard.store.claim(nonce, 2 * guard.windowMs)) ? 'VALID' : 'REPLAYED';
  } catch {
    return 'UNAVAILABLE';
  }
}

/** Code, HTTP status and bilingual message of each refusal. */
export const REFUSALS: Record<Exclude<SignatureCheck, 'VALID'>, { code: string; status: number; message: string }> = {
  UNSIGNED: {
    code: 'UNSIGNED_REQUEST',
    status: 401,
    message: '请求未经网关签名或已被改动，拒绝直接访问 / request not signed by the gateway, or altered: subgraphs are reachable only through it',
  },
  EXPIRED: { code: 'SIGNATURE_EXPIRED', status: 401, message: '请求签名已过期 / the request signature has expired' },
  REPLAYED: { code: 'REPLAYED_REQUEST', status: 401, message: '重放的请求，已拒绝 / replayed request refused: each signed request is served once' },
  UNAVAILABLE: {
    code: 'SIGNATURE_CHECK_UNAVAILABLE',
    status: 503,
    message: '无法排除重放，请求已拒绝，请稍后重试 / replays cannot be ruled out right now (nonce store unavailable), so the request was refused; retry shortly',
  },
};
