// 数据回流 row filter: when the gateway says a request relies only on grants limited to some
// administrative divisions, records outside them are not returned (a county sees its county).
import type { CallerClaim } from '../../lib/caller-header';

interface Scoped {
  caller?: CallerClaim;
}

export function inScope(ctx: Scoped, divisionCode: string): boolean {
  const scope = ctx.caller?.divisionScope;
  return !scope || scope.some((prefix) => divisionCode.startsWith(prefix));
}

/** Keeps a looked-up record only when it is in scope. */
export function scoped<T extends { divisionCode: string }>(ctx: Scoped, row: T | null | Error): T | null | Error {
  return row && !(row instanceof Error) && !inScope(ctx, row.divisionCode) ? null : row;
}

export function scopedList<T extends { divisionCode: string }>(ctx: Scoped, rows: readonly T[]): T[] {
  return rows.filter((row) => inScope(ctx, row.divisionCode));
}

/** SQL condition (and its parameter) limiting a listing to the scope; `position` is the $n to use. */
export function scopeCondition(ctx: Scoped, position: number): { sql: string; params: unknown[] } {
  const scope = ctx.caller?.divisionScope;
  if (!scope) return { sql: '', params: [] };
  return { sql: ` AND division_code LIKE ANY($${position}::text[])`, params: [scope.map((prefix) => `${prefix}%`)] };
}
