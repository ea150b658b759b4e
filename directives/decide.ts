// Decides a field coordinate for a caller: the share rules for institutions, the open rules for
// developers and the public. A field the catalog does not declare is denied (deny by default),
// except a navigation field of an uncatalogued type — one that holds no data, only leads to it.
import type { Caller } from './caller';
import type { Catalog } from './catalog';
import type { GrantLookup } from './grants';
import { decideOpen } from './open';
import { decideShare } from './share';
import type { Verdict } from './verdict';

export interface VerdictInput {
  caller: Caller;
  scenario?: string;
  /** The caller's grants for the scenario; undefined without scenario or grants. */
  lookup?: GrantLookup;
  /** Dataset codes suspended for sharing / for opening (暂停, 撤回); 'all' when unknown (fail closed). */
  suspendedDatasets?: { share: ReadonlySet<string>; open: ReadonlySet<string> } | 'all';
}

const ALLOWED: Verdict = { allowed: true };

export function decideCoordinate(catalog: Catalog, coordinate: string, input: VerdictInput): Verdict {
  const policy = catalog.fields.get(coordinate);
  if (!policy) return { allowed: false, code: 'NOT_DECLARED' };
  if (policy.platform) return ALLOWED; // the platform's own role rules decide
  if (policy.withdrawn) return { allowed: false, code: 'WITHDRAWN' };
  const declared = policy.share !== undefined || policy.open !== undefined;
  if (!declared) {
    const navigation = policy.composite && !policy.dataset && policy.typeName !== 'Query' && policy.typeName !== 'Mutation';
    return navigation ? ALLOWED : { allowed: false, code: 'NOT_DECLARED' };
  }
  if (policy.dataset && input.suspendedDatasets) {
    const side = input.caller.kind === 'institution' ? 'share' : 'open';
    if (input.suspendedDatasets === 'all') return { allowed: false, code: 'POLICY_STATE_UNAVAILABLE' };
    if (input.suspendedDatasets[side].has(policy.dataset.code)) return { allowed: false, code: 'DATASET_SUSPENDED' };
  }
  switch (input.caller.kind) {
    case 'institution':
      return decideShare(policy, input.scenario, input.lookup);
    case 'developer':
      return decideOpen(policy, input.scenario, input.lookup, true);
    case 'anonymous':
    case 'subject':
      return decideOpen(policy, undefined, undefined, false);
  }
}
