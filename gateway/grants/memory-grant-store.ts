// Grants held in this process: the default when no REDIS_URL is set (a single replica).
import type { Grant } from '../../directives/grants';
import { granteeKey, parseGrant, type Grantee, type GrantSet, type GrantStore } from './grant-store';

export function createMemoryGrantStore(): GrantStore {
  const byGrantee = new Map<string, Map<string, Grant>>();
  const owner = new Map<string, string>();
  const versions = new Map<string, number>();
  const bump = (key: string) => versions.set(key, (versions.get(key) ?? 0) + 1);

  return {
    async grantsOf(grantee: Grantee): Promise<GrantSet> {
      const key = granteeKey(grantee);
      return { grants: [...(byGrantee.get(key)?.values() ?? [])], version: String(versions.get(key) ?? 0) };
    },
    async put(grant) {
      parseGrant(grant);
      const key = granteeKey(grant.grantee);
      const previousOwner = owner.get(grant.id);
      if (previousOwner && previousOwner !== key) {
        byGrantee.get(previousOwner)?.delete(grant.id);
        bump(previousOwner);
      }
      let grants = byGrantee.get(key);
      if (!grants) byGrantee.set(key, (grants = new Map()));
      grants.set(grant.id, grant);
      owner.set(grant.id, key);
      bump(key);
    },
    async remove(grantId) {
      const key = owner.get(grantId);
      if (!key) return false;
      byGrantee.get(key)?.delete(grantId);
      owner.delete(grantId);
      bump(key);
      return true;
    },
    async close() {},
  };
}
