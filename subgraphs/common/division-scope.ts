// 数据回流 row filter for root listings: when the gateway says a listing relies on a grant limited to
// some administrative divisions, its rows are limited to them in SQL (a county lists its county), so
// pagination and totalCount stay right. Records reached any other way (lookups, references, nested
// lists) are returned as they are: the gateway nulls, per record, the fields that relied on the
// scoped grant (OUT_OF_SCOPE) — nulling a whole record here would blank answers without an error.
import type { CallerClaim } from '../../protocol/caller-claim';

interface Scoped {
  caller?: CallerClaim;
}

/** SQL condition (and its parameter) limiting listing `coordinate` to its scope; `position` is the $n to use. */
export function scopeCondition(ctx: Scoped, coordinate: string, position: number): { sql: string; params: unknown[] } {
  const scope = ctx.caller?.divisionScopes?.[coordinate];
  if (!Array.isArray(scope)) return { sql: '', params: [] };
  return { sql: ` AND division_code LIKE ANY($${position}::text[])`, params: [scope.map((prefix) => `${prefix}%`)] };
}
