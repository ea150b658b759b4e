// Reading the audit log: admins everything, providers the use of their own datasets (Yunnan Art.30),
// data subjects the accesses to their own records (Yunnan Art.24) — found through the keyed hash of
// their identity number, never by storing it.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Database } from '../../lib/db/database';
import type { AuditRecord } from './audit/chain';
import { subjectHash } from '../../protocol/audit-entry';
import { checkPageSize, decodeCursor, encodeCursor } from '../common/pagination';
import type { SubgraphContext } from '../common/run-subgraph';
import { AUDIT_SELECT } from './audit/appender';
import { forbidden } from './permissions';
import { adminAreaOf, inAreaSql, notAnAuthority } from './institution-registry';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

export interface AuditReadOptions {
  /** Provider credit code → the dataset codes it provides (from the catalog). */
  datasetsOfProvider: (providerCode: string) => string[];
  subjectKey: string;
}

interface Filter {
  institution?: string;
  scenario?: string;
  dataset?: string;
  decision?: string;
  from?: string;
  to?: string;
  /** Only records whose answer returned L4+ fields (true), or none (false). */
  highLevel?: boolean;
}

/** What a reader sees of the audit log: an authority the records of institutions in its area, a provider only records touching its datasets. */
type AuditScope = { area: string } | { datasets: string[] };

async function scopeOf(ctx: Context, options: AuditReadOptions): Promise<AuditScope> {
  const roles = ctx.caller?.roles ?? [];
  const area = await adminAreaOf(ctx);
  if (area !== undefined) return { area };
  if (roles.includes('provider') && ctx.caller?.id) return { datasets: options.datasetsOfProvider(ctx.caller.id) };
  if (roles.includes('admin')) throw notAnAuthority();
  throw forbidden('无权查看审计记录', 'not allowed to read the audit log');
}

function where(filter: Filter, scope: AuditScope, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if ('datasets' in scope) add('datasets && ?::text[]', scope.datasets);
  else clauses.push(inAreaSql('audit_record.institution', scope.area, params));
  if (filter.institution) add('institution = ?', filter.institution);
  if (filter.scenario) add('scenario = ?', filter.scenario);
  if (filter.dataset) add('? = ANY(datasets)', filter.dataset);
  if (filter.decision) add('decision = ?', filter.decision);
  if (filter.from) add('recorded_at >= ?::timestamptz', filter.from);
  if (filter.to) add('recorded_at < ?::timestamptz', filter.to);
  // Written as the predicate of audit_record_high_level_idx (migration 10), so the index serves it.
  if (filter.highLevel === true) clauses.push("high_level_fields <> '{}'");
  if (filter.highLevel === false) clauses.push("high_level_fields = '{}'");
  return clauses.length ? clauses.join(' AND ') : 'true';
}

export function auditResolvers(options: AuditReadOptions): GraphQLResolverMap<Context> {
  const page = async (db: Database, sql: string, params: unknown[], first: number) => db.query<AuditRecord>(sql, [...params, first + 1]);
  return {
    Query: {
      auditRecords: async (_: unknown, args: { filter?: Filter; first?: number; after?: string }, ctx: Context) => {
        const first = checkPageSize(args.first);
        const params: unknown[] = [];
        let condition = where(args.filter ?? {}, await scopeOf(ctx, options), params);
        const after = decodeCursor(args.after);
        if (after) {
          params.push(Number(after));
          condition += ` AND seq < $${params.length}`;
        }
        const rows = await page(ctx.db, `SELECT ${AUDIT_SELECT} FROM audit_record WHERE ${condition} ORDER BY seq DESC LIMIT $${params.length + 1}`, params, first);
        const records = rows.slice(0, first).map((r) => ({ ...r, subjectCount: r.subjects.length, highLevel: (r.highLevelFields ?? []).length > 0 }));
        return { records, nextCursor: rows.length > first ? encodeCursor(String(records[records.length - 1].seq)) : null };
      },
      myAccesses: async (_: unknown, args: { first?: number; after?: string }, ctx: Context) => {
        const first = checkPageSize(args.first);
        const hash = subjectHash(options.subjectKey, ctx.caller!.id!);
        const after = decodeCursor(args.after);
        const rows = await ctx.db.query<AuditRecord>(
          `SELECT ${AUDIT_SELECT} FROM audit_record WHERE subjects @> ARRAY[$1]::text[] AND kind = 'query' ${after ? 'AND seq < $3' : ''}
           ORDER BY seq DESC LIMIT $2`,
          after ? [hash, first, Number(after)] : [hash, first],
        );
        return rows.map((r) => ({
          recordedAt: r.recordedAt,
          callerKind: r.callerKind,
          institution: r.institution,
          developer: r.callerKind === 'developer' ? r.operator : null,
          scenario: r.scenario,
          datasets: r.datasets,
          fields: [...r.fieldsReturned, ...r.fieldsMasked],
        }));
      },
      auditUsage: async (_: unknown, args: { from?: string; to?: string }, ctx: Context) => {
        const params: unknown[] = [];
        const scope = await scopeOf(ctx, options);
        const condition = where({ from: args.from, to: args.to }, scope, params);
        const datasetFilter = 'datasets' in scope ? `WHERE dataset = ANY($${params.push(scope.datasets)}::text[])` : '';
        return ctx.db.query(
          `SELECT dataset, institution, scenario, count(*)::int AS requests,
                  ${isoColumn('max(recorded_at)')} AS "lastUsedAt"
           FROM (SELECT unnest(datasets) AS dataset, institution, scenario, recorded_at FROM audit_record WHERE ${condition} AND decision <> 'denied') used
           ${datasetFilter}
           GROUP BY dataset, institution, scenario ORDER BY requests DESC, dataset LIMIT 1000`,
          params,
        );
      },
    },
  };
}
