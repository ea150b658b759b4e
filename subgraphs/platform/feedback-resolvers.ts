// 使用与质量反馈: the grantee reports how it used the data and what was wrong with it (Guiyang
// Art.22: within 10 working days); providers read the feedback on their data, admins all of it.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Catalog } from '../../directives/catalog';
import type { WorkingCalendar } from './calendar/working-days';
import { deadlineFor, type JurisdictionProfile } from './profiles/profile';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { forbidden } from './permissions';
import { adminAreaOf, granteeInAreaSql, inAreaSql, requireAdminArea } from './institution-registry';
import { chinaDay, isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const SELECT = `id, grant_id AS "grantId", institution, rating, quality_issues AS "qualityIssues", use_summary AS "useSummary",
  ${isoColumn('submitted_at')} AS "submittedAt", due_on::text AS "dueOn", late`;

export function feedbackResolvers(deps: { catalog: Catalog; profile: JurisdictionProfile; calendar: WorkingCalendar; now?: () => Date }): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  return {
    Query: {
      usageFeedback: async (_: unknown, args: { grantId?: string }, ctx: Context) => {
        const roles = ctx.caller?.roles ?? [];
        const params: unknown[] = [];
        let where = 'true';
        // An authority: feedback of institutions in its area.
        const area = await adminAreaOf(ctx);
        if (area !== undefined) where = inAreaSql('usage_feedback.institution', area, params);
        else if (roles.includes('provider')) {
          const types = [...deps.catalog.datasets.values()].filter((d) => d.providerCode === ctx.caller?.id).map((d) => `${d.typeName}.%`);
          where = `EXISTS (SELECT 1 FROM grant_record g, unnest(g.fields) f WHERE g.id = grant_id AND f LIKE ANY($${params.push(types)}::text[]))`;
        } else where = `institution = $${params.push(ctx.caller?.id)}`;
        if (args.grantId) where += ` AND grant_id = $${params.push(args.grantId)}`;
        return ctx.db.query(`SELECT ${SELECT} FROM usage_feedback WHERE ${where} ORDER BY submitted_at DESC LIMIT 500`, params);
      },
      // Guiyang Art.22 ¶4: active institution grants in the authority's area with no feedback by their
      // due date (counted from the grant, as submitUsageFeedback counts it). Empty where the profile sets no deadline.
      overdueUsageFeedback: async (_: unknown, __: unknown, ctx: Context) => {
        const params: unknown[] = [];
        const inArea = granteeInAreaSql(await requireAdminArea(ctx), params);
        if (deps.profile.sla.feedbackDays.workingDays === null) return [];
        const grants = await ctx.db.query<{ grantId: string; institution: string; grantedAt: string }>(
          `SELECT id AS "grantId", grantee_id AS institution, created_at::text AS "grantedAt" FROM grant_record
            WHERE grantee_kind = 'institution' AND status = 'active' AND NOT emergency AND ${inArea}
              AND NOT EXISTS (SELECT 1 FROM usage_feedback f WHERE f.grant_id = grant_record.id)
            ORDER BY created_at LIMIT 5000`,
          params,
        );
        const today = chinaDay(now());
        return grants
          .map((g) => ({ ...g, dueOn: deadlineFor(deps.profile, 'feedbackDays', new Date(g.grantedAt), deps.calendar).due, grantedAt: new Date(g.grantedAt).toISOString() }))
          .filter((g) => g.dueOn < today);
      },
    },
    Mutation: {
      submitUsageFeedback: async (_: unknown, args: { grantId: string; rating: number; useSummary: string; qualityIssues?: string }, ctx: Context) => {
        const [grant] = await ctx.db.query<{ granteeKind: string; granteeId: string; createdAt: string }>(
          `SELECT grantee_kind AS "granteeKind", grantee_id AS "granteeId", created_at::text AS "createdAt" FROM grant_record WHERE id = $1`,
          [args.grantId],
        );
        if (!grant) throw badUserInput('授权不存在', 'no such grant', { argument: 'grantId' });
        if (grant.granteeKind !== 'institution' || grant.granteeId !== ctx.caller?.id) throw forbidden('只能对本机构的授权反馈', 'feedback is given on your own institution\'s grants');
        if (!Number.isInteger(args.rating) || args.rating < 1 || args.rating > 5) throw badUserInput('评分为1至5', 'rating is 1 to 5', { argument: 'rating' });
        if (!args.useSummary.trim() || args.useSummary.length > 4000) throw badUserInput('请说明使用情况（4000字以内）', 'summarise the use (up to 4,000 characters)', { argument: 'useSummary' });
        const submittedAt = now();
        const due = deps.profile.sla.feedbackDays.workingDays === null ? null : deadlineFor(deps.profile, 'feedbackDays', new Date(grant.createdAt), deps.calendar).due;
        const id = `feedback-${crypto.randomUUID()}`;
        await ctx.db.query(
          `INSERT INTO usage_feedback (id, grant_id, institution, operator, rating, quality_issues, use_summary, submitted_at, due_on, late)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [id, args.grantId, ctx.caller!.id, ctx.caller!.operator ?? '', args.rating, args.qualityIssues ?? null, args.useSummary, submittedAt.toISOString(), due, due !== null && chinaDay(submittedAt) > due],
        );
        return (await ctx.db.query(`SELECT ${SELECT} FROM usage_feedback WHERE id = $1`, [id]))[0];
      },
    },
  };
}
