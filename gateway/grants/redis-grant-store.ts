// Grants in Redis, shared by every gateway replica. Each replica keeps a short-lived local copy per
// grantee and drops it the moment any replica publishes a change, so a revocation is enforced
// everywhere within milliseconds (the TTL is only the fallback if a message is lost).
// Any Redis error surfaces as GrantStoreUnavailable: callers fail closed.
import Redis from 'ioredis';
import type { Grant } from '../../directives/grants';
import { granteeKey, GrantStoreUnavailable, parseGrant, type Grantee, type GrantSet, type GrantStore } from './grant-store';

export interface RedisGrantStoreOptions {
  url: string;
  /** Namespaces every key and channel (tests and several platforms on one Redis). */
  prefix?: string;
  /** How long a replica may reuse what it read, when no invalidation arrives. */
  cacheMs?: number;
}

function redisOptions() {
  // Fail fast instead of queueing while Redis is away: the request is denied, not delayed.
  return { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000, lazyConnect: false } as const;
}

export async function createRedisGrantStore(options: RedisGrantStoreOptions): Promise<GrantStore> {
  const prefix = options.prefix ?? 'pd:';
  const cacheMs = options.cacheMs ?? 1000;
  const channel = `${prefix}grants:changed`;
  const grantsKey = (key: string) => `${prefix}grants:${key}`;
  const ownerKey = `${prefix}grant-owner`;
  const redis = new Redis(options.url, redisOptions());
  const subscriber = new Redis(options.url, { ...redisOptions(), enableOfflineQueue: true });
  redis.on('error', () => undefined); // reported per command as GrantStoreUnavailable
  subscriber.on('error', () => undefined);

  const cache = new Map<string, { set: GrantSet; at: number }>();
  subscriber.on('message', (_channel: string, key: string) => cache.delete(key));
  // After a reconnect we may have missed messages: forget everything.
  subscriber.on('ready', () => cache.clear());
  await subscriber.subscribe(channel).catch(() => undefined);

  const unavailable = (error: unknown) => {
    throw new GrantStoreUnavailable(`grant store unreachable: ${(error as Error).message}`);
  };

  async function changed(key: string, multi: ReturnType<Redis['multi']>): Promise<void> {
    multi.hincrby(grantsKey(key), '__version', 1);
    multi.publish(channel, key);
    await multi.exec();
    cache.delete(key);
  }

  return {
    async grantsOf(grantee: Grantee): Promise<GrantSet> {
      const key = granteeKey(grantee);
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < cacheMs) return hit.set;
      const raw = await redis.hgetall(grantsKey(key)).catch(unavailable);
      const grants: Grant[] = [];
      for (const [field, value] of Object.entries(raw!)) if (field !== '__version') grants.push(parseGrant(JSON.parse(value)));
      const set = { grants, version: raw!.__version ?? '0' };
      cache.set(key, { set, at: Date.now() });
      return set;
    },
    async put(grant) {
      parseGrant(grant);
      const key = granteeKey(grant.grantee);
      try {
        const previous = await redis.hget(ownerKey, grant.id);
        const multi = redis.multi();
        if (previous && previous !== key) {
          multi.hdel(grantsKey(previous), grant.id);
          multi.hincrby(grantsKey(previous), '__version', 1);
          multi.publish(channel, previous);
        }
        multi.hset(grantsKey(key), grant.id, JSON.stringify(grant));
        multi.hset(ownerKey, grant.id, key);
        await changed(key, multi);
      } catch (error) {
        unavailable(error);
      }
    },
    async remove(grantId) {
      try {
        const key = await redis.hget(ownerKey, grantId);
        if (!key) return false;
        const multi = redis.multi();
        multi.hdel(grantsKey(key), grantId);
        multi.hdel(ownerKey, grantId);
        await changed(key, multi);
        return true;
      } catch (error) {
        return unavailable(error);
      }
    },
    async close() {
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
