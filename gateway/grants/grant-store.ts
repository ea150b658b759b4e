// Where the gateway reads grants. One interface, two implementations: Redis (shared by every
// replica) and in-process (one replica, development). Both run the same test suite.
import type { Grant, GranteeKind } from '../../directives/grants';

export interface Grantee {
  kind: GranteeKind;
  id: string;
}

export interface GrantSet {
  grants: readonly Grant[];
  /** Changes whenever this grantee's grants change; part of the decision cache key. */
  version: string;
}

export interface GrantStore {
  grantsOf(grantee: Grantee): Promise<GrantSet>;
  /** Adds or replaces a grant (by id). */
  put(grant: Grant): Promise<void>;
  /** Removes a grant; its grantee loses it at once. Returns whether it existed. */
  remove(grantId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The store could not be reached: grant-dependent data fails closed. */
export class GrantStoreUnavailable extends Error {}

export function granteeKey(grantee: Grantee): string {
  return `${grantee.kind}:${grantee.id}`;
}

/** Checks the shape of a grant read from a file or a store, so bad data is refused, not half-used. */
export function parseGrant(value: unknown): Grant {
  const g = value as Grant;
  const ok =
    typeof g === 'object' && g !== null &&
    typeof g.id === 'string' && g.id.length > 0 &&
    (g.grantee?.kind === 'institution' || g.grantee?.kind === 'developer') && typeof g.grantee.id === 'string' &&
    typeof g.scenario === 'string' && g.scenario.length > 0 &&
    Array.isArray(g.fields) && g.fields.every((f) => typeof f === 'string' && /^[A-Za-z_]\w*\.(\*|[A-Za-z_]\w*)$/.test(f)) &&
    (g.plain === undefined || (Array.isArray(g.plain) && g.plain.every((f) => g.fields.includes(f)))) &&
    !Number.isNaN(Date.parse(g.validFrom)) && !Number.isNaN(Date.parse(g.validUntil));
  if (!ok) throw new Error(`invalid grant: ${JSON.stringify(value).slice(0, 200)}`);
  return g;
}
