// Releasing an aggregate product (授权运营, 可用不可见): counts computed by the domain's own database
// (GROUP BY pushed down: no record leaves the subgraph), released as a fixed grid of cells.
//
// Defence against differencing — a fixed released grid (固定发布网格):
// - every dimension a caller may filter on is a dimension of the cells, and filters take whole values
//   of it (a whole division, whole age bands, whole kinds), so a filter only chooses WHICH cells are
//   returned, never what a cell counts: a cell has one released value whatever the query;
// - the division dimension is the finest one on record (the division code of the registration), never
//   a roll-up: no province or prefecture total is released, so no subtraction of released cells from a
//   released total can isolate a suppressed cell (which is why complementary suppression is not needed);
// - every cell of the lattice is returned, empty ones included, and a cell counting fewer records than
//   the product's minimum size (directives/products.ts) is returned as suppressed, with no count.
// Any combination of answers is thus a combination of released cells, each ≥ the minimum size.
import { DIVISIONS } from '../../lib/identifiers';
import type { Queryable } from '../../lib/db/database';
import { minimumCellSizeOf } from '../../directives/products';
import { divisionPrefixArgument } from './arguments';

/** One released cell: its dimensions, and its count unless suppressed. */
export type ReleasedCell<D extends string> = Record<D, string> & { count: number | null; suppressed: boolean };

export interface ReleasedTable<D extends string> {
  product: string;
  minimumCellSize: number;
  cells: ReleasedCell<D>[];
}

/**
 * A whole division (validated as the `divisionCode` argument): its LIKE pattern, and every division code
 * at or under it — within `scope` when the product relies on a grant limited to some divisions (数据回流:
 * the gateway passes its prefixes, subgraphs/common/division-scope.ts), so cells outside are not returned.
 */
export function divisionLattice(divisionCode: string, scope?: readonly string[]): { like: string; codes: string[] } {
  const prefix = divisionPrefixArgument(divisionCode);
  const inScope = (code: string) => !scope || scope.some((p) => code.startsWith(p));
  return { like: `${prefix}%`, codes: DIVISIONS.filter((d) => d.code.startsWith(prefix) && inScope(d.code)).map((d) => d.code) };
}

/** The values a filter keeps of a dimension: all of them without a filter, else those asked for (in the dimension's order). */
export function chosen(all: readonly string[], filter: readonly string[] | null | undefined): string[] {
  if (!filter) return [...all];
  const asked = new Set(filter);
  return all.filter((v) => asked.has(v));
}

function cartesian<D extends string>(dimensions: readonly (readonly [D, readonly string[]])[]): Record<D, string>[] {
  return dimensions.reduce<Record<D, string>[]>(
    (cells, [name, values]) => cells.flatMap((cell) => values.map((value) => ({ ...cell, [name]: value }))),
    [{} as Record<D, string>],
  );
}

/**
 * Runs `sql` — a GROUP BY selecting the dimensions (as their names) and `count` — and releases the
 * lattice of `dimensions`: each cell with its count when ≥ the product's minimum size, else suppressed.
 */
export async function releaseAggregate<D extends string>(
  db: Queryable,
  coordinate: string,
  dimensions: readonly (readonly [D, readonly string[]])[],
  sql: string,
  params: readonly unknown[],
): Promise<ReleasedTable<D>> {
  const names = dimensions.map(([name]) => name);
  const keyOf = (cell: Record<string, unknown>) => names.map((n) => String(cell[n])).join('|');
  const minimumCellSize = minimumCellSizeOf(coordinate);
  const lattice = cartesian(dimensions);
  if (lattice.length === 0) return { product: coordinate, minimumCellSize, cells: [] };
  const rows = await db.query<Record<string, unknown> & { count: number }>(sql, params);
  const counted = new Map(rows.map((row) => [keyOf(row), Number(row.count)]));
  const cells = lattice.map((cell) => {
    const count = counted.get(keyOf(cell)) ?? 0;
    return count >= minimumCellSize ? { ...cell, count, suppressed: false } : { ...cell, count: null, suppressed: true };
  });
  return { product: coordinate, minimumCellSize, cells };
}
