// @share — what a public institution may get (共享属性, Yunnan Art.27–29).
import type { GrantLookup } from './grants';
import type { Verdict } from './verdict';
import type { FieldPolicy } from './vocabulary';

/** Decides one field for an institution working under `scenario` with the grants `lookup` sees. */
export function decideShare(policy: FieldPolicy, scenario: string | undefined, lookup: GrantLookup | undefined): Verdict {
  const share = policy.share;
  if (!share) return { allowed: false, code: 'NOT_DECLARED' };
  if (share.attribute === 'NONE') return { allowed: false, code: 'NOT_SHARED' };
  if (!scenario || !lookup) return { allowed: false, code: 'SCENARIO_REQUIRED' };
  const coverage = lookup(policy.coordinate);
  if (share.attribute === 'CONDITIONAL') {
    if (coverage === undefined) return { allowed: false, code: 'GRANT_REQUIRED' };
    if (coverage === 'expired') return { allowed: false, code: 'GRANT_EXPIRED' };
  }
  // Unconditional data needs no grant, but a grant may still lift its mask.
  const granted = typeof coverage === 'object' ? coverage : undefined;
  const plain = !policy.mask || granted?.plain === true;
  return { allowed: true, mask: plain ? undefined : policy.mask, grantId: granted?.grantId };
}
