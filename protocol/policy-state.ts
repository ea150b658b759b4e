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
  /**
   * An institution grantee's entry in the registry (null: nobody registered it); absent for other
   * callers. Gateways refuse an institution not registered, deregistered, or whose token names another division.
   */
  institution?: InstitutionEntry | null;
}

/** What the registry says of an institution (公共机构) or data authority (公共数据主管部门). */
export interface InstitutionEntry {
  /** 统一社会信用代码 */
  creditCode: string;
  name: string;
  /** 行政区划代码 where it is registered. */
  division: string;
  kind: 'authority' | 'institution';
  status: 'active' | 'deregistered';
}

/** Redis channel on which the platform announces a policy change (payload: the new version). */
export const POLICY_CHANNEL = 'policy:changed';
