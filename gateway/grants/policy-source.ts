// The gateway's view of the control plane: each caller's policy state (grants, suspensions), read
// from the platform and kept briefly per grantee. A change announced on Redis drops every cached
// state at once (revocations reach every replica within milliseconds); without Redis configured,
// the cache lifetime bounds the delay. While a configured Redis is unreachable, announcements could
// be missed, so nothing is served from the cache: every state is read from the platform until the
// subscription is back. Concurrent requests share one fetch. Any failure rejects with
// PlatformUnavailable: the caller fails closed.
import Redis from 'ioredis';
import { POLICY_CHANNEL, type PolicyState } from '../../protocol/policy-state';
import { POLICY_STATE_PATH } from '../../protocol/internal-paths';
import { parseGrant } from '../../directives/grants';
import type { PlatformClient } from '../platform-client';
import { granteeKey, type Grantee } from '../../directives/caller';
import { createLogger, storeErrorLogger } from '../../lib/log';

export interface PolicySource {
  stateOf(grantee: Grantee | undefined): Promise<PolicyState>;
  /** Forget cached state (this replica just changed policy itself). */
  invalidate(): void;
  /** Calls `listener` whenever cached policy must be forgotten (an announcement, a reconnection, `invalidate`). */
  onChange(listener: () => void): void;
  /** Whether announcements are being received (always true without Redis: the cache lifetime rules then). */
  listening(): boolean;
  close(): Promise<void>;
}

export interface PolicySourceOptions {
  platform: PlatformClient;
  cacheMs: number;
  redisUrl?: string;
  redisPrefix: string;
}

export function createPolicySource(options: PolicySourceOptions): PolicySource {
  const cache = new Map<string, { state: PolicyState; at: number }>();
  const inFlight = new Map<string, Promise<PolicyState>>();
  const listeners: (() => void)[] = [];
  // Bumped by every announcement: a fetch that started before one must not be cached after it.
  let generation = 0;
  const invalidate = () => {
    generation += 1;
    cache.clear();
    inFlight.clear();
    for (const listener of listeners) listener();
  };
  let subscriber: Redis | undefined;
  if (options.redisUrl) {
    subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1000 });
    subscriber.on('error', storeErrorLogger(createLogger('gateway'), 'redis (policy announcements; grants are re-read from the platform meanwhile)'));
    subscriber.on('message', invalidate);
    subscriber.on('ready', invalidate); // messages may have been missed while away
    void subscriber.subscribe(`${options.redisPrefix}${POLICY_CHANNEL}`).catch(() => undefined);
  }
  const listening = () => subscriber === undefined || subscriber.status === 'ready';

  async function fetchState(grantee: Grantee | undefined): Promise<PolicyState> {
    const state = await options.platform.read<PolicyState>('policy-state', POLICY_STATE_PATH, grantee ? { kind: grantee.kind, id: grantee.id } : {});
    state.grants = state.grants.map(parseGrant);
    return state;
  }

  return {
    stateOf(grantee) {
      const key = granteeKey(grantee);
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < options.cacheMs && listening()) return Promise.resolve(hit.state);
      let pending = inFlight.get(key);
      if (!pending) {
        const fetchedAt = Date.now();
        const startedIn = generation;
        const fetching: Promise<PolicyState> = fetchState(grantee)
          .then((state) => {
            if (generation === startedIn) cache.set(key, { state, at: fetchedAt });
            return state;
          })
          .finally(() => {
            if (inFlight.get(key) === fetching) inFlight.delete(key);
          });
        pending = fetching;
        inFlight.set(key, pending);
      }
      return pending;
    },
    invalidate,
    onChange: (listener) => void listeners.push(listener),
    listening,
    async close() {
      subscriber?.disconnect();
    },
  };
}
