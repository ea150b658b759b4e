// SQL_EXPLAIN=on: a subgraph explains each distinct statement it issues (the first few times, with
// the parameters of those calls, as PostgreSQL plans them) and reports the scans it found on
// /internal/sql-plans — how an operator, and the query-plans test, see that a statement walks an index
// rather than a whole table on the data set at hand (issue 19). Off by default and refused in
// production: it costs an EXPLAIN per call. The report holds statement texts and plan nodes, never
// parameter values (they are personal identifiers).
import type { Database } from './database';

/** How many calls of one statement text are explained (different parameters may plan differently). */
const EXPLAINED_CALLS = 3;

export interface PlannedScan {
  /** Plan node type, e.g. 'Seq Scan', 'Index Scan', 'Bitmap Heap Scan', 'Index Only Scan'. */
  node: string;
  relation: string;
  index?: string;
}

export interface StatementPlans {
  statement: string;
  calls: number;
  /** The scans of each explained call, in plan order. */
  plans: PlannedScan[][];
}

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Index names under a node (a Bitmap Heap Scan reads the bitmaps its Bitmap Index Scans build). */
function indexesUnder(node: PlanNode): string[] {
  return [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexesUnder)];
}

/** The scans of relations in an EXPLAIN (FORMAT JSON) plan tree. */
export function scansOf(node: PlanNode): PlannedScan[] {
  const relation = node['Relation Name'];
  const index = node['Node Type'] === 'Bitmap Heap Scan' ? indexesUnder(node).join(' ') : node['Index Name'];
  const own: PlannedScan[] = relation ? [{ node: node['Node Type'] ?? '?', relation, ...(index ? { index } : {}) }] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scansOf)];
}

const EXPLAINABLE = /^\s*(SELECT|WITH)\b/i;

export interface ExplainingDatabase extends Database {
  plans(): StatementPlans[];
}

/** Wraps `db` so that the first calls of each SELECT are explained before they run. */
export function explainStatements(db: Database): ExplainingDatabase {
  const seen = new Map<string, StatementPlans>();
  return {
    ...db,
    async query(sql, params) {
      let entry = seen.get(sql);
      if (!entry) seen.set(sql, (entry = { statement: sql.replace(/\s+/g, ' ').trim(), calls: 0, plans: [] }));
      entry.calls++;
      if (entry.calls <= EXPLAINED_CALLS && EXPLAINABLE.test(sql)) {
        const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        const plan = typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'];
        entry.plans.push(scansOf((plan as { Plan: PlanNode }[])[0].Plan));
      }
      return db.query(sql, params);
    },
    plans: () => [...seen.values()],
  };
}
