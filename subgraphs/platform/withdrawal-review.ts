// Withdrawal of open data (撤回, Yunnan Art.36 ¶2): the developers whose grants use the withdrawn
// dataset are given notice of it (recorded, with the reason); the result can be reviewed (复核) by the
// data authority at the request of a party, and the authority upholds or reverses it (a reversal lifts
// the suspension).
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Queryable } from '../../lib/db/database';
import { approvingDataset, type Catalog } from '../../directives/catalog';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { changePolicy } from './grant-writer';
import { actorOf, forbidden } from './permissions';
import { divisionOfInstitution, requireAdminArea, requireInArea } from './institution-registry';
import type { PolicyChangeNotifier } from './policy-state';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

export interface WithdrawalDeps {
  catalog: Catalog;
  notifier: PolicyChangeNotifier;
}

/** Records notice of a withdrawal of open data to each developer whose grant in force uses the dataset. */
export async function noticeWithdrawal(tx: Queryable, catalog: Catalog, suspensionId: string, datasetCode: string): Promise<void> {
  const grants = await tx.query<{ id: string; granteeId: string; fields: string[] }>(
    `SELECT id, grantee_id AS "granteeId", fields FROM grant_record WHERE grantee_kind = 'developer' AND status = 'active' AND valid_until > now()`,
  );
  for (const grant of grants.filter((g) => g.fields.some((f) => approvingDataset(catalog, f)?.code === datasetCode))) {
    await tx.query('INSERT INTO withdrawal_notice (suspension_id, grant_id, developer_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [suspensionId, grant.id, grant.granteeId]);
  }
}

const NOTICE_SELECT = `n.suspension_id AS "suspensionId", n.grant_id AS "grantId", s.target_id AS dataset, s.reason, ${isoColumn('n.noticed_at')} AS "noticedAt", ${isoColumn('s.lifted_at')} AS "liftedAt"`;
const REVIEW_SELECT = `id, suspension_id AS "suspensionId", requested_by AS "requestedBy", reason, status, ${isoColumn('requested_at')} AS "requestedAt",
  decided_by AS "decidedBy", decision_note AS "decisionNote", ${isoColumn('decided_at')} AS "decidedAt"`;

export function withdrawalResolvers(deps: WithdrawalDeps): GraphQLResolverMap<Context> {
  const loadReview = async (db: Queryable, id: string) => (await db.query<{ id: string; suspensionId: string; status: string }>(`SELECT ${REVIEW_SELECT} FROM withdrawal_review WHERE id = $1`, [id]))[0];
  return {
    Query: {
      withdrawalNotices: async (_: unknown, __: unknown, ctx: Context) => {
        if (ctx.caller?.kind !== 'developer' || !ctx.caller.id) throw forbidden('无权查看撤回通知', 'withdrawal notices are for the developers using the data');
        return ctx.db.query(`SELECT ${NOTICE_SELECT} FROM withdrawal_notice n JOIN suspension s ON s.id = n.suspension_id WHERE n.developer_id = $1 ORDER BY n.noticed_at DESC`, [ctx.caller.id]);
      },
    },
    Mutation: {
      requestWithdrawalReview: async (_: unknown, args: { suspensionId: string; reason: string }, ctx: Context) => {
        const caller = ctx.caller;
        if (caller?.kind !== 'developer' || !caller.id) throw forbidden('复核须由受撤回影响的开发者申请', 'a review is asked for by a developer the withdrawal concerns');
        const noticed = await ctx.db.query('SELECT 1 FROM withdrawal_notice WHERE suspension_id = $1 AND developer_id = $2', [args.suspensionId, caller.id]);
        if (!noticed.length) throw badUserInput('您未收到该撤回通知', 'no notice of this withdrawal was given to you', { argument: 'suspensionId' });
        if (!args.reason.trim() || args.reason.length > 2000) throw badUserInput('请说明复核理由（2000字以内）', 'give the reason for the review (up to 2,000 characters)', { argument: 'reason' });
        const id = `withdrawal-review-${crypto.randomUUID()}`;
        await ctx.db.query(`INSERT INTO withdrawal_review (id, suspension_id, requested_by, reason, status) VALUES ($1, $2, $3, $4, 'pending')`, [id, args.suspensionId, caller.id, args.reason]);
        return loadReview(ctx.db, id);
      },
      decideWithdrawalReview: async (_: unknown, args: { id: string; reverse: boolean; note: string }, ctx: Context) => {
        const review = await loadReview(ctx.db, args.id);
        if (!review) throw badUserInput('复核申请不存在', 'no such review request', { argument: 'id' });
        const suspension = (await ctx.db.query<{ targetId: string }>('SELECT target_id AS "targetId" FROM suspension WHERE id = $1', [review.suspensionId]))[0];
        const dataset = [...deps.catalog.datasets.values()].find((d) => d.code === suspension?.targetId);
        // The authority of the provider's area (Yunnan Art.36 ¶2: 向公共数据主管部门申请复核).
        requireInArea(await requireAdminArea(ctx), dataset ? await divisionOfInstitution(ctx.db, dataset.providerCode) : undefined, `复核${review.id}的数据提供单位`, `the provider of review ${review.id}`);
        if (review.status !== 'pending') throw badUserInput('复核已决定', 'the review is already decided', { argument: 'id' });
        if (!args.note.trim()) throw badUserInput('请说明复核结论', 'give the review\'s reasons', { argument: 'note' });
        const actor = actorOf(ctx.caller);
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          await tx.query(`UPDATE withdrawal_review SET status = $2, decided_by = $3, decision_note = $4, decided_at = now() WHERE id = $1`, [review.id, args.reverse ? 'reversed' : 'upheld', actor, args.note]);
          if (args.reverse) {
            await tx.query(`UPDATE suspension SET lifted_at = now(), lifted_by = $2, lift_reason = $3 WHERE id = $1 AND lifted_at IS NULL`, [review.suspensionId, actor, `复核撤销撤回 / withdrawal reversed on review: ${args.note}`]);
          }
        });
        return loadReview(ctx.db, review.id);
      },
    },
  };
}
