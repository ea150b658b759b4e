// Accounts and grants end with their agreement (Yunnan Art.45 ¶2: 协议不生效、无效、被撤销或者终止的，
// ……应当撤销账号或者重置密码; Yunnan-AO 开发利用要求(五): 开发利用协议终止、解除或被撤销的，运营机构
// 应当及时关闭开发主体的平台权限). A grant from an application ends at its agreed end (validUntil) or when
// revoked, at the gateways at once; a developer's agreements (acceptAgreement: the use agreement and
// security commitment) are ended here by a province authority, and in the same transaction every
// platform-issued API key of the developer is revoked and every active grant of it revoked. Its
// acceptances stop counting: new keys and applications wait for a new acceptance. Each ending is kept.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { isProvinceArea } from '../../directives/jurisdiction';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { changePolicy } from './grant-writer';
import { outsideArea, requireAdminArea } from './institution-registry';
import { actorOf } from './permissions';
import type { PolicyChangeNotifier } from './policy-state';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const REASON_MAX = 2000;

const END_SELECT = `id, developer_id AS developer, reason, ended_by AS "endedBy", ${isoColumn('ended_at')} AS "endedAt", grants_revoked AS "grantsRevoked", keys_revoked AS "keysRevoked"`;

export function agreementEndResolvers(deps: { notifier: PolicyChangeNotifier; now?: () => Date }): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  return {
    Mutation: {
      endAgreements: async (_: unknown, args: { developer: string; reason: string }, ctx: Context) => {
        // Agreements are province-wide texts (developer-apps.ts): a province authority ends them.
        const area = await requireAdminArea(ctx);
        if (!isProvinceArea(area)) throw outsideArea('开发者协议全省统一，终止', 'developer agreements are province-wide: ending one');
        const reason = args.reason.trim();
        if (!reason || Array.from(reason).length > REASON_MAX) throw badUserInput(`请说明协议终止的原因（至多${REASON_MAX}字）`, `give the reason the agreement ends (at most ${REASON_MAX} characters)`, { argument: 'reason' });
        const developer = args.developer.trim();
        const [accepted] = await ctx.db.query('SELECT 1 FROM agreement_acceptance WHERE developer_id = $1 AND ended_at IS NULL LIMIT 1', [developer]);
        if (!accepted) throw badUserInput('该开发者没有有效的协议', 'the developer has no agreement in effect', { argument: 'developer' });
        const at = now().toISOString();
        const actor = actorOf(ctx.caller);
        const id = `agreement-end-${crypto.randomUUID()}`;
        const revokeReason = `协议终止 / agreement ended: ${reason}`;
        return changePolicy(ctx.db, deps.notifier, async (tx) => {
          await tx.query('UPDATE agreement_acceptance SET ended_at = $2 WHERE developer_id = $1 AND ended_at IS NULL', [developer, at]);
          const keys = await tx.query<{ id: string }>(
            'UPDATE api_key SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE developer_id = $1 AND revoked_at IS NULL RETURNING id', [developer, at, actor, revokeReason]);
          const grants = await tx.query<{ id: string }>(
            `UPDATE grant_record SET status = 'revoked', updated_at = now() WHERE grantee_kind = 'developer' AND grantee_id = $1 AND status = 'active' RETURNING id`, [developer]);
          await tx.query(
            'INSERT INTO agreement_end (id, developer_id, reason, ended_by, ended_at, grants_revoked, keys_revoked) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [id, developer, reason, actor, at, grants.map((g) => g.id).sort(), keys.map((k) => k.id).sort()]);
          return (await tx.query(`SELECT ${END_SELECT} FROM agreement_end WHERE id = $1`, [id]))[0];
        });
      },
    },
  };
}
