// A table described once — column, GraphQL field, SQL type — drives both the bulk insert of seed data
// and the SELECT list that returns rows already shaped as GraphQL objects.

export interface Column {
  column: string;
  field: string;
  type: 'text' | 'date' | 'numeric';
}

export interface TableSpec {
  name: string;
  columns: readonly Column[];
}

/** SELECT list aliasing each column to its GraphQL field; dates come back as YYYY-MM-DD text. */
export function selectList(table: TableSpec): string {
  return table.columns
    .map((c) => {
      const value = c.type === 'date' ? `${c.column}::text` : c.type === 'numeric' ? `${c.column}::float8` : c.column;
      return `${value} AS "${c.field}"`;
    })
    .join(', ');
}

/** One INSERT for a whole chunk of records, passed as a single JSON parameter (fast on both engines). */
export function bulkInsertSql(table: TableSpec): string {
  const columns = table.columns.map((c) => c.column).join(', ');
  const fields = table.columns.map((c) => `"${c.field}"`).join(', ');
  const recordType = table.columns.map((c) => `"${c.field}" ${c.type}`).join(', ');
  return `INSERT INTO ${table.name} (${columns}) SELECT ${fields} FROM json_to_recordset($1::json) AS r(${recordType})`;
}
