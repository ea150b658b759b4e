// @open — what app developers and the public may get (开放属性, Yunnan Art.32–35). Open data is
// always desensitised: a mask declared on the field applies whatever the grant.
import type { GrantLookup } from './grants';
import type { Verdict } from './verdict';
import type { FieldPolicy } from './vocabulary';

/** Decides one field for a developer (with its grants) or an anonymous caller (lookup undefined). */
export function decideOpen(policy: FieldPolicy, scenario: string | undefined, lookup: GrantLookup | undefined, isDeveloper: boolean): Verdict {
  const open = policy.open;
  if (!open) return { allowed: false, code: 'NOT_DECLARED' };
  if (open.attribute === 'NONE') return { allowed: false, code: 'NOT_OPEN' };
  if (open.attribute === 'CONDITIONAL') {
    if (!isDeveloper) return { allowed: false, code: 'NOT_OPEN' };
    if (!scenario || !lookup) return { allowed: false, code: 'SCENARIO_REQUIRED' };
    const coverage = lookup(policy.coordinate);
    if (coverage === undefined) return { allowed: false, code: 'GRANT_REQUIRED' };
    if (coverage === 'expired') return { allowed: false, code: 'GRANT_EXPIRED' };
    return { allowed: true, mask: policy.mask, grantId: coverage.grantId };
  }
  return { allowed: true, mask: policy.mask };
}
