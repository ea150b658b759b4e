// Metering of authorized-operation products (seed 001 产品和服务定价: every call metered per product and
// developer): read from the audit log, which already records every request with its caller and the
// fields it returned (Yunnan Art.43(6)) — no second counter. A call is a request whose answer returned
// the product's root field without any error: refused or failed calls (a malformed argument, a spent
// budget) are not metered, nor billed. Months are Beijing calendar months.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Queryable } from '../../lib/db/database';
import { PRODUCT_COORDINATES } from '../../directives/products';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { developerOf } from './developer-apps';
import { inAreaSql, requireAdminArea } from './institution-registry';
import { isProvinceArea } from '../../directives/jurisdiction';

type Context = SubgraphContext<Record<string, never>>;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** [start, end) of a Beijing calendar month 'YYYY-MM', as instants. */
export function monthBounds(month: string): [string, string] {
  const m = MONTH.exec(month);
  if (!m) throw badUserInput('月份格式应为YYYY-MM', 'month must be YYYY-MM', { argument: 'month' });
  const [year, mon] = [Number(m[1]), Number(m[2])];
  const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
  return [`${month}-01T00:00:00+08:00`, `${next}-01T00:00:00+08:00`];
}

export interface MeteredCalls {
  product: string;
  callerKind: string;
  caller: string | null;
  calls: number;
}

/**
 * Answered calls per product and caller in [from, to) (instants), of the audit records `scope` selects:
 * an SQL condition over audit_record, its parameters pushed onto the list it is given. The one meter
 * of products: usage here, statements (authorized-operation-fees.ts) too.
 */
export async function meterProducts(db: Queryable, from: string, to: string, scope: (params: unknown[]) => string | Promise<string>): Promise<MeteredCalls[]> {
  const params: unknown[] = [PRODUCT_COORDINATES, from, to];
  const condition = await scope(params);
  return db.query<MeteredCalls>(
    `SELECT product, caller_kind AS "callerKind", CASE WHEN caller_kind = 'developer' THEN operator ELSE institution END AS caller, count(*)::int AS calls
     FROM (SELECT unnest(fields_returned) AS product, caller_kind, operator, institution FROM audit_record
           WHERE kind = 'query' AND error_codes = '{}' AND recorded_at >= $2::timestamptz AND recorded_at < $3::timestamptz AND fields_returned && $1::text[] AND ${condition}) used
     WHERE product = ANY($1::text[])
     GROUP BY 1, 2, 3 ORDER BY product, calls DESC, caller LIMIT 10000`,
    params,
  );
}

export function productUsageResolvers(): GraphQLResolverMap<Context> {
  return {
    Query: {
      productUsage: async (_: unknown, args: { month: string }, ctx: Context) => {
        const [from, to] = monthBounds(args.month);
        // A developer sees its own calls; an authority those of the institutions in its area, and a
        // province's authority the developers' too (developers belong to no area).
        return meterProducts(ctx.db, from, to, async (params) => {
          if (ctx.caller?.kind === 'developer') return `caller_kind = 'developer' AND operator = $${params.push(developerOf(ctx))}`;
          const area = await requireAdminArea(ctx);
          const institutions = `(caller_kind <> 'developer' AND ${inAreaSql('audit_record.institution', area, params)})`;
          return isProvinceArea(area) ? `(caller_kind = 'developer' OR ${institutions})` : institutions;
        });
      },
    },
  };
}
