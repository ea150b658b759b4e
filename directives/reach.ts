// Which kinds of caller may reach a field at all, by its declared share / open attributes: the
// subgraphs' role rules (defense in depth) refuse everyone else, so the gateway asks a subgraph on a
// caller's behalf only for fields this says the caller may reach.
import type { CallerKind } from './caller';
import type { FieldPolicy } from './vocabulary';

export function kindsAllowed(policy: FieldPolicy): Set<CallerKind> {
  const kinds = new Set<CallerKind>();
  if (policy.withdrawn) return kinds;
  if (policy.share && policy.share.attribute !== 'NONE') kinds.add('institution');
  if (policy.open && policy.open.attribute !== 'NONE') kinds.add('developer');
  if (policy.open?.attribute === 'UNCONDITIONAL') {
    kinds.add('anonymous');
    kinds.add('subject');
  }
  return kinds;
}
