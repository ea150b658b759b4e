// 数据回流 row filter for root listings: when the gateway says a listing relies on a grant limited to
// some administrative divisions, its rows are limited to them in SQL (a county lists its county), so
// pagination and totalCount stay right. Records reached any other way (lookups, references, nested
// lists) are returned as they are: the gateway nulls, per record, the fields that relied on the
// scoped grant (OUT_OF_SCOPE) — nulling a whole record here would blank answers without an error.
import type { CallerClaim } from '../../protocol/caller-claim';

interface Scoped {
  caller?: CallerClaim;
}

/** The divisions a grant limits listing `coordinate` to, when it does (undefined: not limited). */
export function scopeOf(ctx: Scoped, coordinate: string): readonly string[] | undefined {
  const scope = ctx.caller?.divisionScopes?.[coordinate];
  return Array.isArray(scope) ? scope : undefined;
}

const DIGITS = /^[0-9]{1,6}$/;

/**
 * The division prefixes a listing of `prefix` covers under `scope`: the listing's own prefix when
 * unscoped, else each scoped division inside it (or the listing's prefix when a scoped division
 * contains it). Sorted and disjoint, so that walking them in order walks (division_code, key) order;
 * each one an index range. A scope entry that is not a division code matches nothing (fail closed).
 */
export function listingPrefixes(prefix: string, scope: readonly string[] | undefined): string[] {
  if (!scope) return [prefix];
  const inside = new Set<string>();
  for (const s of scope) {
    if (typeof s !== 'string' || !DIGITS.test(s)) continue;
    if (s.startsWith(prefix)) inside.add(s);
    else if (prefix.startsWith(s)) inside.add(prefix);
  }
  const sorted = [...inside].sort();
  // Drop a prefix another one already covers (530102 under 5301).
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => p.startsWith(q)));
}
