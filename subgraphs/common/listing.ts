// One page of a keyset-paginated listing plus its total count, for any table.
import type { Database } from '../../lib/db/database';
import { checkPageSize, decodeCursor, toConnection, type Connection } from './pagination';

export interface ListingQuery<Row> {
  /** SELECT list (see selectList). */
  select: string;
  table: string;
  /** Filter using $1…$n of `params`. */
  where: string;
  params: readonly unknown[];
  /** Unique column the listing is ordered and paged by, and how to read it from a row. */
  keyColumn: string;
  keyOf: (row: Row) => string;
  first?: number | null;
  after?: string | null;
}

export async function listPage<Row>(db: Database, q: ListingQuery<Row>): Promise<Connection<Row>> {
  const first = checkPageSize(q.first);
  const after = decodeCursor(q.after) ?? '';
  const n = q.params.length;
  const [rows, [{ count }]] = await Promise.all([
    db.query<Row>(
      `SELECT ${q.select} FROM ${q.table} WHERE ${q.where} AND ${q.keyColumn} > $${n + 1} ORDER BY ${q.keyColumn} LIMIT $${n + 2}`,
      [...q.params, after, first + 1],
    ),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${q.table} WHERE ${q.where}`, q.params),
  ]);
  return toConnection(rows, first, q.keyOf, count);
}
