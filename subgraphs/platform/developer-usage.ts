// A developer's requests per day (from the audit log: every GraphQL request through the channel leaves
// one record, Yunnan Art.43(6)) against its daily quota. The quota is the rate limit that applies to a
// developer over all its scenarios (RATE_LIMIT_CALLER_POINTS per RATE_LIMIT_DURATION seconds, read
// from the same settings as the gateways) taken over a day: the most requests the gateways let through
// in one day, not a separate budget.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { settingError } from '../../lib/env-settings';
import type { Queryable } from '../../lib/db/database';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { developerOf } from './developer-apps';
import { chinaDay } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const MAX_DAYS = 90;

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw settingError(name, raw, 'an integer ≥ 1');
  return value;
}

/** Requests a developer may make in one day: its cross-scenario ceiling per window, times the windows in a day (gateway/limits/rate-limits.ts defaults). */
export function developerDailyQuota(env: NodeJS.ProcessEnv = process.env): number {
  const points = positiveInteger(env, 'RATE_LIMIT_POINTS', 600);
  const callerPoints = positiveInteger(env, 'RATE_LIMIT_CALLER_POINTS', points * 3);
  const duration = positiveInteger(env, 'RATE_LIMIT_DURATION', 60);
  return Math.min(2_147_483_647, callerPoints * Math.max(1, Math.floor(86_400 / duration)));
}

/** Requests per Beijing calendar day of `developer` over the last `days` days (today included), oldest first, days without requests as 0. */
export async function requestsPerDay(db: Queryable, developer: string, days: number, now = new Date()): Promise<{ day: string; requests: number }[]> {
  const first = chinaDay(new Date(now.getTime() - (days - 1) * 86_400_000));
  const rows = await db.query<{ day: string; requests: number }>(
    `SELECT to_char((recorded_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS day, count(*)::int AS requests
     FROM audit_record WHERE caller_kind = 'developer' AND operator = $1 AND recorded_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
     GROUP BY 1`,
    [developer, first],
  );
  const counted = new Map(rows.map((r) => [r.day, r.requests]));
  return Array.from({ length: days }, (_, i) => {
    const day = chinaDay(new Date(now.getTime() - (days - 1 - i) * 86_400_000));
    return { day, requests: counted.get(day) ?? 0 };
  });
}

export function developerUsageResolvers(quota = developerDailyQuota()): GraphQLResolverMap<Context> {
  return {
    Query: {
      myUsage: async (_: unknown, args: { days?: number | null }, ctx: Context) => {
        const developer = developerOf(ctx);
        const days = args.days ?? 30;
        if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw badUserInput(`天数应为1至${MAX_DAYS}`, `days must be 1 to ${MAX_DAYS}`, { argument: 'days' });
        return (await requestsPerDay(ctx.db, developer, days)).map((d) => ({ ...d, quota }));
      },
    },
  };
}
