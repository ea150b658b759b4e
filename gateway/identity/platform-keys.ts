// API keys issued by the platform (protocol/api-key.ts), checked at the gateway: a key's state is read
// from the platform by the key's id (signed internal call), kept per key and dropped whenever the
// policy source forgets cached policy — every rotation and revocation is announced as a policy change,
// so a revoked key stops working on every replica as fast as a revoked grant. While announcements
// cannot be received, or after GRANT_CACHE_MS, the state is read again. The secret is compared here
// (digests, constant time) and never sent. Unreachable platform with nothing cached: PlatformUnavailable
// (the caller fails closed).
import { API_KEY_PATH } from '../../protocol/internal-paths';
import { secretDigest, secretMatches, type ApiKeyState, type PresentedKey } from '../../protocol/api-key';
import type { PlatformClient } from '../platform-client';

export type KeyCheck = { developer: string } | { refused: 'UNKNOWN' | 'REVOKED' | 'EXPIRED' };

/** What tells the key cache to forget: the policy source (gateway/grants/policy-source.ts). */
export interface PolicyChanges {
  onChange(listener: () => void): void;
  listening(): boolean;
}

export interface PlatformKeys {
  /** Throws PlatformUnavailable when the key's state is neither cached nor readable. */
  check(key: PresentedKey): Promise<KeyCheck>;
}

const MAX_CACHED = 10_000;

export function createPlatformKeys(options: { platform: PlatformClient; cacheMs: number; changes: PolicyChanges; now?: () => number }): PlatformKeys {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { state: ApiKeyState | null; at: number }>();
  const inFlight = new Map<string, Promise<ApiKeyState | null>>();
  // A read that started before an announcement must not be cached after it (it may predate a revocation).
  let generation = 0;
  options.changes.onChange(() => {
    generation += 1;
    cache.clear();
    inFlight.clear();
  });

  function stateOf(key: PresentedKey): Promise<ApiKeyState | null> {
    const hit = cache.get(key.id);
    if (hit && now() - hit.at < options.cacheMs && options.changes.listening()) return Promise.resolve(hit.state);
    let pending = inFlight.get(key.id);
    if (!pending) {
      const startedIn = generation;
      const readAt = now();
      const reading: Promise<ApiKeyState | null> = options.platform
        // The digest of the secret presented lets the platform record the key's last use when it is right.
        .readIfFound<ApiKeyState>('api-key', API_KEY_PATH, { id: key.id, digest: secretDigest(key.secret) })
        .then((state) => {
          if (generation === startedIn) {
            if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
            cache.set(key.id, { state: state ?? null, at: readAt });
          }
          return state ?? null;
        })
        .finally(() => {
          if (inFlight.get(key.id) === reading) inFlight.delete(key.id);
        });
      pending = reading;
      inFlight.set(key.id, pending);
    }
    return pending;
  }

  return {
    async check(key) {
      const state = await stateOf(key);
      // Whether a key is revoked or expired is told only to someone holding its secret.
      if (!state || !secretMatches(key.secret, state.secretHash)) return { refused: 'UNKNOWN' };
      if (state.revoked || !state.appActive) return { refused: 'REVOKED' };
      if (state.expiresAt !== null && Date.parse(state.expiresAt) <= now()) return { refused: 'EXPIRED' };
      return { developer: state.developer };
    },
  };
}
