// What a gateway needs from the control plane to decide a caller's requests: the caller's grants,
// whether the caller is suspended, which datasets are suspended for sharing or opening, and the
// version of all of it (any change bumps it, so cached decisions are never reused across a change).
import type { Grant } from '../directives/grants';

export interface PolicyState {
  version: string;
  granteeSuspended: boolean;
  grants: Grant[];
  suspendedDatasets: { share: string[]; open: string[] };
  /** Version of the catalog's entries in force: a gateway holding an older one reloads the catalog first. */
  catalogVersion: string;
}

/** Redis channel on which the platform announces a policy change (payload: the new version). */
export const POLICY_CHANNEL = 'policy:changed';
