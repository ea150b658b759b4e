// One page of a division listing (personsByDivision, legalEntitiesByDivision, licencesByDivision):
// keyset pagination in (division_code, key) order, which the (division_code, key) index serves for any
// division prefix — the cost is the page's, not the area's (issue 19: walking the primary key and
// filtering by division discarded 377,723 rows to find 21). The columns are in collation "C", so the
// same btree answers the prefix match and the order. totalCount is a thunk: computed only when the
// query selects it, from the maintained per-division counts.
import type { Queryable } from '../../lib/db/database';
import { countInDivisions, type CountedTable } from './division-counts';
import { listingPrefixes } from './division-scope';
import { checkPageSize, decodeCursor, toConnection, type Connection } from './pagination';
import { badUserInput } from './errors';

export interface DivisionListing<Row extends { divisionCode: string }> {
  /** SELECT list (see selectList). */
  select: string;
  counted: CountedTable;
  /** The listing's division prefix (a validated divisionPrefixArgument). */
  divisionPrefix: string;
  /** Divisions a scoped grant limits the listing to (scopeOf), when it does. */
  scope?: readonly string[];
  /** Equality on the counted table's facet column (a licence's type), when asked. */
  facet?: string;
  /** Unique column that orders records within a division, and how to read it from a row. */
  keyColumn: string;
  keyOf: (row: Row) => string;
  first?: number | null;
  after?: string | null;
}

/** The position a cursor carries: the last row's division and key. */
function positionOf(after: string | null | undefined): [string, string] {
  const sealed = decodeCursor(after);
  if (sealed === null) return ['', ''];
  let position: unknown;
  try {
    position = JSON.parse(sealed);
  } catch {
    position = null;
  }
  if (!Array.isArray(position) || position.length !== 2 || position.some((part) => typeof part !== 'string')) {
    throw badUserInput('游标无效', 'invalid cursor', { argument: 'after' });
  }
  return position as [string, string];
}

export async function listDivisionPage<Row extends { divisionCode: string }>(db: Queryable, q: DivisionListing<Row>): Promise<Connection<Row>> {
  const first = checkPageSize(q.first);
  const [afterDivision, afterKey] = positionOf(q.after);
  const prefixes = listingPrefixes(q.divisionPrefix, q.scope);
  const facet = q.facet !== undefined && q.counted.facetColumn ? ` AND ${q.counted.facetColumn} = $5` : '';
  const rows: Row[] = [];
  // One index range per prefix, in order, until the page (and one more row, for hasNextPage) is full:
  // usually one statement; a scoped grant over several counties may take one per county.
  for (const prefix of prefixes) {
    if (rows.length > first) break;
    if (afterDivision.slice(0, prefix.length) > prefix) continue; // the cursor is past this range
    // Start at the later of the cursor and the range's own start: PostgreSQL positions the index scan
    // on the row comparison, so a bound below the range ('', '') would walk every division before it.
    const [fromDivision, fromKey] = afterDivision < prefix ? [prefix, ''] : [afterDivision, afterKey];
    const params: unknown[] = [`${prefix}%`, fromDivision, fromKey, first + 1 - rows.length];
    if (facet) params.push(q.facet);
    rows.push(
      ...(await db.query<Row>(
        `SELECT ${q.select} FROM ${q.counted.table}
         WHERE division_code LIKE $1${facet} AND (division_code, ${q.keyColumn}) > ($2, $3)
         ORDER BY division_code, ${q.keyColumn} LIMIT $4`,
        params,
      )),
    );
  }
  return toConnection(rows, first, (row) => JSON.stringify([row.divisionCode, q.keyOf(row)]), () =>
    countInDivisions(db, q.counted, prefixes, facet ? q.facet : undefined),
  );
}
