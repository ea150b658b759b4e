// The gateway's view of the control plane: each caller's policy state (grants, suspensions), read
// from the platform and kept briefly per grantee. A change announced on Redis drops every cached
// state at once (revocations reach every replica within milliseconds); without Redis, or if a
// message is lost, the cache lifetime bounds the delay. Concurrent requests share one fetch.
// Any failure rejects with PolicyStateUnavailable: the caller fails closed.
import Redis from 'ioredis';
import { POLICY_CHANNEL, POLICY_STATE_PATH, type PolicyState } from '../../lib/policy-state';
import { SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER } from '../../lib/signature';
import { parseGrant } from '../../directives/grants';
import { granteeKey, type Grantee } from './grantee';

export class PolicyStateUnavailable extends Error {}

export interface PolicySource {
  stateOf(grantee: Grantee | undefined): Promise<PolicyState>;
  /** Forget cached state (this replica just changed policy itself). */
  invalidate(): void;
  close(): Promise<void>;
}

export interface PolicySourceOptions {
  /** The platform's GraphQL URL, known once the gateway has loaded its supergraph. */
  platformUrl: () => string | undefined;
  secret: string;
  cacheMs: number;
  redisUrl?: string;
  redisPrefix: string;
  timeoutMs?: number;
}

export function createPolicySource(options: PolicySourceOptions): PolicySource {
  const cache = new Map<string, { state: PolicyState; at: number }>();
  const inFlight = new Map<string, Promise<PolicyState>>();
  // Bumped by every announcement: a fetch that started before one must not be cached after it.
  let generation = 0;
  const invalidate = () => {
    generation += 1;
    cache.clear();
    inFlight.clear();
  };
  let subscriber: Redis | undefined;
  if (options.redisUrl) {
    subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1000 });
    subscriber.on('error', () => undefined);
    subscriber.on('message', invalidate);
    subscriber.on('ready', invalidate); // messages may have been missed while away
    void subscriber.subscribe(`${options.redisPrefix}${POLICY_CHANNEL}`).catch(() => undefined);
  }

  async function fetchState(grantee: Grantee | undefined): Promise<PolicyState> {
    const base = options.platformUrl();
    if (!base) throw new PolicyStateUnavailable('platform URL unknown');
    const url = new URL(base);
    url.pathname = url.pathname.replace(/\/graphql$/, '') + POLICY_STATE_PATH;
    if (grantee) {
      url.searchParams.set('kind', grantee.kind);
      url.searchParams.set('id', grantee.id);
    }
    const timestamp = String(Date.now());
    const target = `${url.pathname}${url.search}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signRequest(options.secret, { timestamp, caller: 'policy-state', query: target, variables: {} }) },
        signal: AbortSignal.timeout(options.timeoutMs ?? 1500),
      });
    } catch (error) {
      throw new PolicyStateUnavailable((error as Error).message);
    }
    if (!response.ok) throw new PolicyStateUnavailable(`platform answered ${response.status}`);
    const state = (await response.json()) as PolicyState;
    state.grants = state.grants.map(parseGrant);
    return state;
  }

  return {
    stateOf(grantee) {
      const key = granteeKey(grantee);
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < options.cacheMs) return Promise.resolve(hit.state);
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
    async close() {
      subscriber?.disconnect();
    },
  };
}
