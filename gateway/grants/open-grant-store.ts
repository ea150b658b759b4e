// Chooses the grant store from settings (Redis when REDIS_URL is set) and loads the grants file.
import fs from 'node:fs';
import type { GatewaySettings } from '../settings';
import { parseGrant, type GrantStore } from './grant-store';
import { createMemoryGrantStore } from './memory-grant-store';
import { createRedisGrantStore } from './redis-grant-store';

export async function openGrantStore(settings: GatewaySettings): Promise<GrantStore> {
  const store = settings.redisUrl
    ? await createRedisGrantStore({ url: settings.redisUrl, prefix: settings.redisPrefix, cacheMs: settings.grantCacheMs })
    : createMemoryGrantStore();
  if (settings.grantsFile) {
    const grants = (JSON.parse(fs.readFileSync(settings.grantsFile, 'utf8')) as unknown[]).map(parseGrant);
    for (const grant of grants) await store.put(grant);
  }
  return store;
}
