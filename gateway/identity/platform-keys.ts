// API keys issued by the platform (protocol/api-key.ts), checked at the gateway: a key's state is read
// from the platform by the key's id (signed internal call), kept per key and dropped whenever the
// policy source forgets cached policy — every rotation and revocation is announced as a policy change,
// so a revoked key stops working on every replica as fast as a revoked grant. While announcements
// cannot be received, or after GRANT_CACHE_MS, the state is read again. The secret is compared here
// (digests, constant time) and never sent. Unreachable platform with nothing cached: PlatformUnavailable
// (the caller fails closed).
// Unknown ids cost no read each: the gateway holds the set of key ids that exist (a negative cache,
// read whole) and refuses an id outside it. Misses re-read the set a few times a second at most, so a
// flood of made-up ids costs a bounded number of reads; creating a key is announced like any policy
// change, so the set is dropped on every replica and a new key works at once wherever it is used.
import { API_KEY_IDS_PATH, API_KEY_PATH } from '../../protocol/internal-paths';
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
/** Misses may re-read the id set MISS_REREADS times per MISS_WINDOW_MS: what a flood of unknown ids costs the platform. */
export const MISS_REREADS = 3;
export const MISS_WINDOW_MS = 1000;

export function createPlatformKeys(options: { platform: PlatformClient; cacheMs: number; changes: PolicyChanges; now?: () => number }): PlatformKeys {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { state: ApiKeyState | null; at: number }>();
  const inFlight = new Map<string, Promise<ApiKeyState | null>>();
  // A read that started before an announcement must not be cached after it (it may predate a revocation).
  let generation = 0;
  let knownIds: { ids: Set<string> } | undefined;
  let idsInFlight: Promise<Set<string>> | undefined;
  options.changes.onChange(() => {
    generation += 1;
    cache.clear();
    inFlight.clear();
    knownIds = undefined;
    idsInFlight = undefined;
  });

  function readIds(): Promise<Set<string>> {
    if (!idsInFlight) {
      const startedIn = generation;
      const reading = options.platform
        .read<{ ids: string[] }>('api-key-ids', API_KEY_IDS_PATH)
        .then(({ ids }) => {
          const set = new Set(ids);
          if (generation === startedIn) knownIds = { ids: set };
          return set;
        })
        .finally(() => {
          if (idsInFlight === reading) idsInFlight = undefined;
        });
      idsInFlight = reading;
    }
    return idsInFlight;
  }

  // Re-reads a miss may cause: a few per window, so a key made a moment ago is found even before the
  // announcement arrives, while a flood of made-up ids costs at most MISS_REREADS reads a window.
  let missWindow = { start: -Infinity, rereads: 0 };
  function mayReread(): boolean {
    if (now() - missWindow.start >= MISS_WINDOW_MS) missWindow = { start: now(), rereads: 0 };
    if (missWindow.rereads >= MISS_REREADS) return false;
    missWindow.rereads += 1;
    return true;
  }

  /** Whether a key with this id exists; the id set is read when missing, or on a miss within the budget. */
  async function exists(id: string): Promise<boolean> {
    const held = knownIds;
    if (held && held.ids.has(id)) return true;
    if (held && !mayReread()) return false;
    try {
      return (await readIds()).has(id);
    } catch (error) {
      // A set already held still answers misses (refusing is failing closed); with none, the caller fails closed.
      if (held) return false;
      throw error;
    }
  }

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
      if (!(await exists(key.id))) return { refused: 'UNKNOWN' };
      const state = await stateOf(key);
      // Whether a key is revoked or expired is told only to someone holding its secret.
      if (!state || !secretMatches(key.secret, state.secretHash)) return { refused: 'UNKNOWN' };
      if (state.revoked || !state.appActive) return { refused: 'REVOKED' };
      if (state.expiresAt !== null && Date.parse(state.expiresAt) <= now()) return { refused: 'EXPIRED' };
      return { developer: state.developer };
    },
  };
}
