// DataLoader factories: every entity reference and list field is served by one SQL statement per
// batch (`= ANY($1)`), however many keys the query plan sends. Loaders never consult policy.
import DataLoader from 'dataloader';
import type { Database } from '../../lib/db/database';

/** One row (or null) per key. `sql` selects rows whose key is in $1 (a text[]). */
export function rowByKey<Row>(db: Database, sql: string, keyOf: (row: Row) => string): DataLoader<string, Row | null> {
  return new DataLoader(async (keys) => {
    const rows = await db.query<Row>(sql, [keys]);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** All rows per key (one-to-many). `sql` selects rows whose grouping key is in $1, in the order wanted. */
export function rowsByGroup<Row>(db: Database, sql: string, groupOf: (row: Row) => string): DataLoader<string, Row[]> {
  return new DataLoader(async (keys) => {
    const rows = await db.query<Row>(sql, [keys]);
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const key = groupOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}
