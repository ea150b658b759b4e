// Shared data kept to its purpose (Guiyang Art.23: 不得直接或以改变数据形式等方式提供给第三方，也不得
// 用于或变相用于其他目的。本机关内部需变更使用目的，应征得数据提供方的许可; Ganzi Art.19: 不得扩大使用
// 范围，不得以任何形式提供给第三方……定期审查数据使用情况). Where the profile says so:
// - a sharing application carries the applicant's undertaking (recorded on the application);
// - the grantee asks for a change of purpose (`requestPurposeChange`: the new scenario and why), which
//   the grant's provider consents to or refuses; only a consent moves the grant to the new scenario;
// - each grant's use is reviewed periodically by its grantee (`recordUseReview`), and
//   `grantsDueForUseReview` lists the active grants whose last review (or start) is older than the
//   profile's period (a platform default where the text gives none).
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { approvingDataset, type Catalog } from '../../directives/catalog';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import type { JurisdictionProfile } from './profiles/profile';
import { actorOf, forbidden, hasRole } from './permissions';
import { adminAreaOf, granteeInAreaSql } from './institution-registry';
import { changePolicy } from './grant-writer';
import { GRANT_SELECT, type GrantRow, type PolicyChangeNotifier } from './policy-state';
import { grantStatus } from './grant-resolvers';
import { isoColumn } from './sql-dates';
import { requiredText, scenarioArgument } from '../common/arguments';

type Context = SubgraphContext<Record<string, never>>;

/** What the applicant undertakes (Guiyang Art.23, Ganzi Art.19). */
export const PURPOSE_UNDERTAKING = '仅用于本单位依法履职及申请所述场景，不以任何形式提供给第三方，变更使用目的须经数据提供方许可'
  + ' / used only for the duty and scenario applied for, passed to no third party in any form, its purpose changed only with the provider\'s consent';

/** The profile's purpose binding where a sharing application must carry the undertaking. */
export function undertakingRequired(profile: JurisdictionProfile, purpose: 'SHARE' | 'OPEN'): JurisdictionProfile['purposeBinding'] {
  return purpose === 'SHARE' ? profile.purposeBinding : undefined;
}

const CHANGE_SELECT = `id, grant_id AS "grantId", institution, provider_code AS "providerCode", old_scenario AS "oldScenario", new_scenario AS "newScenario",
  reason, upper(status) AS status, requested_by AS "requestedBy", ${isoColumn('requested_at')} AS "requestedAt",
  decided_by AS "decidedBy", decision_note AS "decisionNote", ${isoColumn('decided_at')} AS "decidedAt"`;

const DAY_MS = 86_400_000;

export function purposeBindingResolvers(deps: { catalog: Catalog; profile: JurisdictionProfile; notifier: PolicyChangeNotifier; now?: () => Date }): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  const binding = () => {
    if (!deps.profile.purposeBinding) {
      throw badUserInput(`本地区规章未设此程序，共享数据不得用于其他目的（${deps.profile.name}）`, `this jurisdiction has no purpose-change procedure: shared data is used for its purpose only (${deps.profile.name})`, { argument: 'grantId' });
    }
    return deps.profile.purposeBinding;
  };
  const loadChange = async (ctx: Context, id: string) => (await ctx.db.query(`SELECT ${CHANGE_SELECT} FROM purpose_change WHERE id = $1`, [id]))[0];
  // The grantee's own active grant, or a coded refusal.
  const ownActiveGrant = async (ctx: Context, grantId: string): Promise<GrantRow> => {
    const [grant] = await ctx.db.query<GrantRow>(`SELECT ${GRANT_SELECT} FROM grant_record WHERE id = $1`, [grantId]);
    if (!grant) throw badUserInput('授权不存在', 'no such grant', { argument: 'grantId' });
    if (grant.granteeKind !== 'institution' || grant.granteeId !== ctx.caller?.id) throw forbidden('只有被授权机构可以办理', 'only the grantee does this');
    if (grantStatus(grant, now()) !== 'active') throw badUserInput('授权不在有效期内或已撤销', 'the grant is not active', { argument: 'grantId' });
    return grant;
  };

  return {
    Query: {
      // The grantee its own requests, a provider those over its data, an authority those of its area's grantees.
      purposeChanges: async (_: unknown, __: unknown, ctx: Context) => {
        const params: unknown[] = [];
        const area = await adminAreaOf(ctx);
        let where: string;
        if (area !== undefined) where = `institution IN (SELECT grantee_id FROM grant_record WHERE ${granteeInAreaSql(area, params)})`;
        else if (hasRole(ctx.caller, 'provider')) where = `(provider_code = $${params.push(ctx.caller!.id)} OR institution = $${params.length})`;
        else where = `institution = $${params.push(ctx.caller!.id)}`;
        return ctx.db.query(`SELECT ${CHANGE_SELECT} FROM purpose_change WHERE ${where} ORDER BY requested_at DESC LIMIT 500`, params);
      },
      grantsDueForUseReview: async (_: unknown, __: unknown, ctx: Context) => {
        const { useReviewDays } = binding();
        const at = now();
        const params: unknown[] = [at.toISOString(), new Date(at.getTime() - useReviewDays * DAY_MS).toISOString()];
        const area = await adminAreaOf(ctx);
        const whose = area !== undefined ? granteeInAreaSql(area, params) : `grantee_kind = 'institution' AND grantee_id = $${params.push(ctx.caller!.id)}`;
        const rows = await ctx.db.query<GrantRow & { lastReviewedAt: string | null }>(
          `SELECT ${GRANT_SELECT}, (SELECT ${isoColumn('max(r.reviewed_at)')} FROM grant_use_review r WHERE r.grant_id = grant_record.id) AS "lastReviewedAt"
           FROM grant_record WHERE status = 'active' AND valid_from <= $1 AND valid_until > $1 AND NOT emergency AND ${whose}
           AND coalesce((SELECT max(r.reviewed_at) FROM grant_use_review r WHERE r.grant_id = grant_record.id), valid_from) <= $2
           ORDER BY id LIMIT 1000`,
          params,
        );
        return rows.map((r) => {
          const since = r.lastReviewedAt ?? r.validFrom;
          return { grantId: r.id, institution: r.granteeId, scenario: r.scenario, lastReviewedAt: r.lastReviewedAt, dueSince: new Date(Date.parse(since) + useReviewDays * DAY_MS).toISOString() };
        });
      },
    },
    Mutation: {
      requestPurposeChange: async (_: unknown, args: { grantId: string; scenario: string; reason: string }, ctx: Context) => {
        binding();
        const grant = await ownActiveGrant(ctx, args.grantId);
        scenarioArgument(args.scenario);
        if (args.scenario === grant.scenario) throw badUserInput('新场景与原场景相同', 'the new scenario is the grant\'s own', { argument: 'scenario' });
        const reason = requiredText(args.reason, 'reason', '请说明变更使用目的的理由及依据', 'state why the purpose changes, and the basis');
        const [pending] = await ctx.db.query(`SELECT 1 FROM purpose_change WHERE grant_id = $1 AND status = 'pending'`, [grant.id]);
        if (pending) throw badUserInput('该授权已有待处理的用途变更申请', 'a purpose change of this grant is already pending', { argument: 'grantId' });
        // Asked of the provider whose data it is (the grant covers one provider's data, 一需求一审核).
        const providerCode = approvingDataset(deps.catalog, grant.fields[0])?.providerCode;
        if (!providerCode) throw badUserInput('无法确定数据提供方', 'the grant\'s provider cannot be told', { argument: 'grantId' });
        const id = `purpose-change-${crypto.randomUUID()}`;
        await ctx.db.query(
          `INSERT INTO purpose_change (id, grant_id, institution, provider_code, old_scenario, new_scenario, reason, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [id, grant.id, grant.granteeId, providerCode, grant.scenario, args.scenario, reason, actorOf(ctx.caller), now().toISOString()],
        );
        return loadChange(ctx, id);
      },
      decidePurposeChange: async (_: unknown, args: { id: string; consent: boolean; note: string }, ctx: Context) => {
        const change = (await loadChange(ctx, args.id)) as { grantId: string; providerCode: string; status: string; oldScenario: string; newScenario: string } | undefined;
        if (!change) throw badUserInput('用途变更申请不存在', 'no such purpose change', { argument: 'id' });
        if (!hasRole(ctx.caller, 'provider') || ctx.caller?.id !== change.providerCode) throw forbidden('只有数据提供方可以许可用途变更', 'only the data\'s provider consents to a purpose change');
        const note = requiredText(args.note, 'note', '请说明许可或不许可的理由', 'give the reason for consenting or refusing');
        if (change.status !== 'PENDING') throw badUserInput('用途变更申请已处理', 'the purpose change is already decided', { argument: 'id' });
        const at = now().toISOString();
        const decide = (tx: { query: (sql: string, params?: readonly unknown[]) => Promise<unknown[]> }) => tx.query(
          `UPDATE purpose_change SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5 WHERE id = $1 AND status = 'pending'`,
          [args.id, args.consent ? 'consented' : 'refused', actorOf(ctx.caller), note, at]);
        if (!args.consent) {
          await decide(ctx.db);
        } else {
          // Only a consent moves the grant to the new scenario: the old one stops at the gateways at once.
          await changePolicy(ctx.db, deps.notifier, async (tx) => {
            await decide(tx);
            await tx.query(`UPDATE grant_record SET scenario = $2, updated_at = now() WHERE id = $1 AND scenario = $3`, [change.grantId, change.newScenario, change.oldScenario]);
          });
        }
        return loadChange(ctx, args.id);
      },
      recordUseReview: async (_: unknown, args: { grantId: string; note: string }, ctx: Context) => {
        binding();
        const grant = await ownActiveGrant(ctx, args.grantId);
        const note = requiredText(args.note, 'note', '请写明使用情况审查结论', 'state what the review of the use found');
        await ctx.db.query(`INSERT INTO grant_use_review (grant_id, reviewed_by, note, reviewed_at) VALUES ($1, $2, $3, $4)`, [grant.id, actorOf(ctx.caller), note, now().toISOString()]);
        return { grantId: grant.id, reviewedBy: actorOf(ctx.caller), note, reviewedAt: now().toISOString() };
      },
    },
  };
}
