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
import { problemSeq, verifyAuditStore } from './audit/verify-store';
import { forbidden } from './permissions';
import { adminAreaOf, inAreaSql, notAnAuthority, requireAdminArea } from './institution-registry';
import { badUserInput } from '../common/errors';
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

/** Longest range of a per-day series: a quarter (92 days), enough for a chart, bounded for the store. */
export const MAX_USAGE_DAYS = 92;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The days from..to (Beijing calendar days, both included), or a coded error for a bad or too long range. */
function usageRange(from: string, to: string): { from: string; to: string } {
  const valid = (d: string) => DAY.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
  if (!valid(from)) throw badUserInput('起始日期应为 YYYY-MM-DD', 'from must be a day, YYYY-MM-DD', { argument: 'from' });
  if (!valid(to)) throw badUserInput('截止日期应为 YYYY-MM-DD', 'to must be a day, YYYY-MM-DD', { argument: 'to' });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1) throw badUserInput('截止日期不得早于起始日期', 'to must not be before from', { argument: 'to' });
  if (days > MAX_USAGE_DAYS) throw badUserInput(`时间范围至多${MAX_USAGE_DAYS}天`, `the range may cover at most ${MAX_USAGE_DAYS} days`, { argument: 'to' });
  return { from, to };
}

interface ChainStatus {
  verified: boolean;
  checkedAt: string;
  checked: number;
  verifiedThroughSeq: number;
  headSeq: number | null;
  brokenAtSeq: number | null;
  problem: string | null;
}

/**
 * The chain's verification status, by the same walk as `npm run audit:verify` (verify-store.ts): every
 * record from the genesis, in one snapshot. A whole walk each time — a record altered after an earlier
 * check must still be found — but one at a time: callers asking meanwhile share the walk under way.
 */
function chainStatusReader(): (db: Database) => Promise<ChainStatus> {
  let walking: Promise<ChainStatus> | undefined;
  return (db) => {
    walking ??= (async (): Promise<ChainStatus> => {
      const checkedAt = new Date().toISOString();
      const result = await verifyAuditStore(db);
      if (result.ok) return { verified: true, checkedAt, checked: result.checked, verifiedThroughSeq: result.headSeq, headSeq: result.headSeq, brokenAtSeq: null, problem: null };
      const broken = problemSeq(result.problem);
      const [head] = await db.query<{ seq: number }>('SELECT seq::float8 AS seq FROM audit_chain_head WHERE id = 1');
      return { verified: false, checkedAt, checked: result.checked, verifiedThroughSeq: Math.max(0, broken - 1), headSeq: head?.seq ?? null, brokenAtSeq: broken, problem: result.message };
    })().finally(() => {
      walking = undefined;
    });
    return walking;
  };
}

export function auditResolvers(options: AuditReadOptions): GraphQLResolverMap<Context> {
  const chainStatus = chainStatusReader();
  const page = async (db: Database, sql: string, params: unknown[], first: number) => db.query<AuditRecord>(sql, [...params, first + 1]);
  return {
    Query: {
      // Any data authority: the chain is one for the whole log, and its status names no record's content.
      auditChainStatus: async (_: unknown, __: unknown, ctx: Context) => {
        await requireAdminArea(ctx);
        return chainStatus(ctx.db);
      },
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
      // Requests per Beijing day by dataset × institution × scenario, counted in SQL over a bounded range
      // (a provider's own datasets only, Yunnan Art.30; an authority's area).
      auditUsagePerDay: async (_: unknown, args: { from: string; to: string }, ctx: Context) => {
        const range = usageRange(args.from, args.to);
        const params: unknown[] = [];
        const scope = await scopeOf(ctx, options);
        const condition = where({}, scope, params);
        const from = `($${params.push(range.from)}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
        const until = `(($${params.push(range.to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;
        const datasetFilter = 'datasets' in scope ? `WHERE dataset = ANY($${params.push(scope.datasets)}::text[])` : '';
        return ctx.db.query(
          `SELECT day, dataset, institution, scenario, count(*)::int AS requests
           FROM (SELECT to_char((recorded_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS day, unnest(datasets) AS dataset, institution, scenario
                 FROM audit_record WHERE ${condition} AND recorded_at >= ${from} AND recorded_at < ${until} AND decision <> 'denied') used
           ${datasetFilter}
           GROUP BY day, dataset, institution, scenario ORDER BY day, requests DESC, dataset LIMIT 10000`,
          params,
        );
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
