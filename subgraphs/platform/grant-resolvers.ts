// Grants, emergency access and suspensions. Every change bumps the policy version and is announced,
// so every gateway replica enforces it within its cache lifetime (at once with Redis).
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { approvingDataset, type Catalog } from '../../directives/catalog';
import { badUserInput } from '../common/errors';
import { divisionPrefix, validateDivisionCode } from '../../lib/identifiers';
import type { SubgraphContext } from '../common/run-subgraph';
import { changePolicy, upsertGrant } from './grant-writer';
import { maskNotes, refuseConflicts, reviewGrant, type GrantInferenceDeps } from './grant-inference';
import { forbidden } from './permissions';
import { actsOn } from '../../directives/jurisdiction';
import { adminAreaOf, divisionOfGrantee, divisionOfInstitution, divisionOfTarget, granteeInAreaSql, requireAdminArea, requireInArea } from './institution-registry';
import { GRANT_SELECT, toGrant, type PolicyChangeNotifier } from './policy-state';
import { isoColumn } from './sql-dates';
import { noticeWithdrawal } from './withdrawal-review';

type Context = SubgraphContext<Record<string, never>>;

const SUSPENSION_SELECT = `id, target_kind AS "targetKind", target_id AS "targetId", scope, reason, created_by AS "createdBy",
  ${isoColumn('created_at')} AS "createdAt",
  ${isoColumn('lifted_at')} AS "liftedAt", lifted_by AS "liftedBy", lift_reason AS "liftReason"`;

/** A grant's status as of `at`: revoked and suspended as recorded, else from its validity window. */
export function grantStatus(grant: { status?: string; validFrom: string; validUntil: string }, at: Date): string {
  const status = grant.status ?? 'active';
  if (status !== 'active') return status;
  if (Date.parse(grant.validUntil) <= at.getTime()) return 'expired';
  if (Date.parse(grant.validFrom) > at.getTime()) return 'notYetValid';
  return 'active';
}

const grantView = (row: Parameters<typeof toGrant>[0], at: Date) => {
  const grant = toGrant(row);
  return { ...grant, granteeKind: grant.grantee.kind, granteeId: grant.grantee.id, plain: grant.plain ?? [], emergency: grant.emergency ?? false, status: grantStatus(grant, at), divisionScope: grant.divisionScope ?? null };
};

const REVIEW_NOTE_MAX = 2000;

/** A provider's notice of an emergency grant over its fields (Ganzi Art.38: purpose, scope and period), with the review once made. */
const NOTICE_SELECT = `n.grant_id AS "grantId", g.grantee_id AS institution, g.scenario, g.emergency_purpose AS purpose, n.fields,
  ${isoColumn('g.valid_from')} AS "validFrom", ${isoColumn('g.valid_until')} AS "validUntil", ${isoColumn('n.notified_at')} AS "notifiedAt",
  upper(r.outcome) AS "reviewOutcome", CASE WHEN r.reviewed_at IS NULL THEN NULL ELSE ${isoColumn('r.reviewed_at')} END AS "reviewedAt"
  FROM emergency_notice n JOIN grant_record g ON g.id = n.grant_id LEFT JOIN emergency_review r ON r.grant_id = n.grant_id`;

const actorOf = (ctx: Context) => `${ctx.caller?.id}/${ctx.caller?.operator ?? ''}`;

export interface GrantDeps extends GrantInferenceDeps {
  catalog: Catalog;
  notifier: PolicyChangeNotifier;
  now?: () => Date;
}

export function grantResolvers(deps: GrantDeps): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  const reviewsByRequest = new WeakMap<Context, Map<string, Promise<string[]>>>();
  const isAdmin = (ctx: Context) => (ctx.caller?.roles ?? []).includes('admin');
  // A field is a provider's when the provider approves it (root fields: the dataset they return).
  const providedBy = (providerCode: string | undefined, coordinate: string) => providerCode !== undefined && approvingDataset(deps.catalog, coordinate)?.providerCode === providerCode;

  return {
    Query: {
      grants: async (_: unknown, args: { granteeId?: string }, ctx: Context) => {
        const params: unknown[] = [];
        let where = 'true';
        // An authority: the grants of grantees in its area; anyone else (an admin token of a mere institution too): its own.
        const area = await adminAreaOf(ctx);
        if (area !== undefined) where = granteeInAreaSql(area, params) + (args.granteeId ? ` AND grantee_id = $${params.push(args.granteeId)}` : '');
        else if ((ctx.caller?.kind === 'institution' || ctx.caller?.kind === 'developer') && ctx.caller.id) where = `grantee_kind = $${params.push(ctx.caller.kind)} AND grantee_id = $${params.push(ctx.caller.id)}`;
        else throw forbidden('无权查看授权', 'not allowed to list grants');
        return (await ctx.db.query(`SELECT ${GRANT_SELECT} FROM grant_record WHERE ${where} ORDER BY created_at DESC LIMIT 1000`, params)).map((r) => grantView(r as never, now()));
      },
      emergencyGrantsForReview: async (_: unknown, __: unknown, ctx: Context) => {
        const params: unknown[] = [now().toISOString()];
        const inArea = granteeInAreaSql(await requireAdminArea(ctx), params);
        // Reviewed ones are done (reviewEmergencyGrant).
        return (await ctx.db.query(
          `SELECT ${GRANT_SELECT} FROM grant_record WHERE emergency AND valid_until <= $1 AND ${inArea}
           AND NOT EXISTS (SELECT 1 FROM emergency_review r WHERE r.grant_id = grant_record.id) ORDER BY valid_until`,
          params,
        )).map((r) => grantView(r as never, now()));
      },
      emergencyNotices: async (_: unknown, __: unknown, ctx: Context) => {
        if (!(ctx.caller?.roles ?? []).includes('provider') || !ctx.caller?.id) throw forbidden('仅数据提供单位可查看应急授权告知', 'only data providers read emergency notices');
        return ctx.db.query(`SELECT ${NOTICE_SELECT} WHERE n.provider_code = $1 ORDER BY n.notified_at DESC LIMIT 500`, [ctx.caller.id]);
      },
      suspensions: async (_: unknown, args: { includeLifted?: boolean }, ctx: Context) => {
        const area = await requireAdminArea(ctx);
        const rows = await ctx.db.query<{ targetKind: string; targetId: string }>(`SELECT ${SUSPENSION_SELECT} FROM suspension ${args.includeLifted ? '' : 'WHERE lifted_at IS NULL'} ORDER BY created_at DESC LIMIT 1000`);
        // Each suspension is where its target is (an institution, a grant's grantee, a dataset's provider).
        const located = await Promise.all(rows.map((r) => divisionOfTarget(ctx.db, deps.catalog, { kind: r.targetKind, id: r.targetId })));
        return rows.filter((_, i) => actsOn(area, located[i]));
      },
    },
    Grant: {
      // Masks narrowed for this grantee under all its grants together (推断控制), said where the grant is
      // read. The review depends on the grantee only (this grant is among its grants), so a listing
      // reviews each grantee once, not once per grant.
      maskNotes: (g: { id: string; granteeKind: 'institution' | 'developer'; granteeId: string; scenario: string; fields: string[]; plain: string[]; validFrom: string; validUntil: string; status: string }, _: unknown, ctx: Context) => {
        if (g.status !== 'active') return [];
        let reviews = reviewsByRequest.get(ctx);
        if (!reviews) reviewsByRequest.set(ctx, (reviews = new Map()));
        const key = `${g.granteeKind}:${g.granteeId}`;
        let notes = reviews.get(key);
        if (!notes) reviews.set(key, (notes = reviewGrant(ctx.db, deps, { id: g.id, grantee: { kind: g.granteeKind, id: g.granteeId }, scenario: g.scenario, fields: g.fields, plain: g.plain, validFrom: g.validFrom, validUntil: g.validUntil }, now()).then(maskNotes)));
        return notes;
      },
    },
    Mutation: {
      revokeGrant: async (_: unknown, args: { id: string; reason: string }, ctx: Context) => {
        const [row] = await ctx.db.query(`SELECT ${GRANT_SELECT} FROM grant_record WHERE id = $1`, [args.id]);
        if (!row) throw badUserInput('授权不存在', 'no such grant', { argument: 'id' });
        const grant = toGrant(row as never);
        // A provider may revoke grants over its own datasets only; an authority those of grantees in its area.
        const providerMay = (ctx.caller?.roles ?? []).includes('provider') && grant.fields.every((f) => providedBy(ctx.caller?.id, f));
        if (!providerMay) {
          if (!isAdmin(ctx)) throw forbidden('无权撤销该授权', 'not allowed to revoke this grant');
          requireInArea(await requireAdminArea(ctx), await divisionOfGrantee(ctx.db, grant.grantee), `授权${args.id}的被授权机构`, `the grantee of grant ${args.id}`);
        }
        if (!args.reason.trim()) throw badUserInput('请说明撤销理由', 'give the reason for revoking', { argument: 'reason' });
        await changePolicy(ctx.db, deps.notifier, (tx) => tx.query(`UPDATE grant_record SET status = 'revoked', updated_at = now() WHERE id = $1`, [args.id]));
        return grantView((await ctx.db.query(`SELECT ${GRANT_SELECT} FROM grant_record WHERE id = $1`, [args.id]))[0] as never, now());
      },
      grantEmergencyAccess: async (_: unknown, args: { institution: string; scenario: string; fields: string[]; hours: number; reason: string }, ctx: Context) => {
        requireInArea(await requireAdminArea(ctx), await divisionOfInstitution(ctx.db, args.institution), `机构${args.institution}`, `institution ${args.institution}`);
        if (!Number.isInteger(args.hours) || args.hours < 1 || args.hours > 72) throw badUserInput('应急授权时长为1至72小时', 'emergency access lasts 1 to 72 hours', { argument: 'hours' });
        if (!args.fields.length) throw badUserInput('请列出授权的字段', 'list the fields granted', { argument: 'fields' });
        // Root fields (listings, lookups) are catalogued under the dataset they return.
        for (const f of args.fields) if (!approvingDataset(deps.catalog, f)) throw badUserInput(`${f} 不是目录中的字段`, `${f} is not a catalogued field`, { argument: 'fields' });
        if (!args.reason.trim()) throw badUserInput('请说明突发事件', 'describe the emergency', { argument: 'reason' });
        const start = now();
        const grant = {
          id: `emergency-${crypto.randomUUID()}`,
          grantee: { kind: 'institution' as const, id: args.institution },
          scenario: args.scenario,
          fields: args.fields,
          validFrom: start.toISOString(),
          validUntil: new Date(start.getTime() + args.hours * 3600_000).toISOString(),
          emergency: true,
        };
        // Each provider whose fields the grant covers is told its purpose, fields and period (Ganzi Art.38).
        const byProvider = new Map<string, string[]>();
        for (const f of args.fields) {
          const provider = approvingDataset(deps.catalog, f)!.providerCode;
          byProvider.set(provider, [...(byProvider.get(provider) ?? []), f]);
        }
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          refuseConflicts(await reviewGrant(tx, deps, grant, start));
          await upsertGrant(tx, grant);
          await tx.query('UPDATE grant_record SET emergency_purpose = $2 WHERE id = $1', [grant.id, args.reason.trim()]);
          for (const [provider, fields] of byProvider) {
            await tx.query('INSERT INTO emergency_notice (grant_id, provider_code, fields) VALUES ($1, $2, $3)', [grant.id, provider, fields]);
          }
        });
        return grantView((await ctx.db.query(`SELECT ${GRANT_SELECT} FROM grant_record WHERE id = $1`, [grant.id]))[0] as never, now());
      },
      // Ganzi Art.38: an expired emergency grant is reviewed by an authority of the grantee's area,
      // once; the outcome is recorded (who, when, why) and reaches the providers' notices.
      reviewEmergencyGrant: async (_: unknown, args: { grant: string; outcome: 'JUSTIFIED' | 'UNJUSTIFIED'; note: string }, ctx: Context) => {
        const area = await requireAdminArea(ctx);
        const [grant] = await ctx.db.query<{ kind: string; id: string; emergency: boolean; expired: boolean; reviewed: boolean }>(
          `SELECT grantee_kind AS kind, grantee_id AS id, emergency, valid_until <= $2 AS expired,
             EXISTS (SELECT 1 FROM emergency_review r WHERE r.grant_id = grant_record.id) AS reviewed
           FROM grant_record WHERE id = $1`,
          [args.grant, now().toISOString()],
        );
        if (!grant || !grant.emergency) throw badUserInput('没有此应急授权', 'no emergency grant with this id', { argument: 'grant' });
        requireInArea(area, await divisionOfGrantee(ctx.db, grant), `授权${args.grant}的被授权机构`, `the grantee of grant ${args.grant}`);
        if (!grant.expired) throw badUserInput('应急授权期满后方可复核', 'an emergency grant is reviewed once it has expired', { argument: 'grant' });
        const note = args.note.trim();
        if (!note || Array.from(note).length > REVIEW_NOTE_MAX) throw badUserInput(`请写明复核意见（至多${REVIEW_NOTE_MAX}字）`, `give the review's note (at most ${REVIEW_NOTE_MAX} characters)`, { argument: 'note' });
        const rows = await ctx.db.query(
          `INSERT INTO emergency_review (grant_id, outcome, note, reviewed_by) VALUES ($1, $2, $3, $4) ON CONFLICT (grant_id) DO NOTHING
           RETURNING grant_id AS "grantId", upper(outcome) AS outcome, note, reviewed_by AS "reviewedBy", ${isoColumn('reviewed_at')} AS "reviewedAt"`,
          [args.grant, args.outcome.toLowerCase(), note, actorOf(ctx)],
        );
        if (!rows.length || grant.reviewed) throw badUserInput('该应急授权已复核', 'this emergency grant is already reviewed', { argument: 'grant' });
        return rows[0];
      },
      suspend: async (_: unknown, args: { target: string; id: string; scope?: string; reason: string }, ctx: Context) => {
        const target = args.target.toLowerCase();
        const scope = (args.scope ?? 'BOTH').toLowerCase();
        const ownDataset = target === 'dataset' && [...deps.catalog.datasets.values()].some((d) => d.code === args.id && d.providerCode === ctx.caller?.id);
        // Providers may withdraw (撤回) their own data from opening at once (Yunnan Art.36); the rest is for admins.
        const providerWithdrawal = (ctx.caller?.roles ?? []).includes('provider') && ownDataset && scope === 'open';
        if (!providerWithdrawal) {
          if (!isAdmin(ctx)) throw forbidden('无权暂停', 'not allowed to suspend this');
          // An authority suspends what is in its area: an institution, a grant's grantee, a dataset's provider; developers the province.
          requireInArea(await requireAdminArea(ctx), await divisionOfTarget(ctx.db, deps.catalog, { kind: target, id: args.id }), `暂停对象${args.id}`, `the ${target} ${args.id}`);
        }
        if (target === 'dataset' && ![...deps.catalog.datasets.values()].some((d) => d.code === args.id)) throw badUserInput('数据集不存在', 'no such dataset code', { argument: 'id' });
        if (!args.reason.trim()) throw badUserInput('请说明暂停理由', 'give the reason', { argument: 'reason' });
        const id = `suspension-${crypto.randomUUID()}`;
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          await tx.query('INSERT INTO suspension (id, target_kind, target_id, scope, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [id, target, args.id, scope, args.reason, actorOf(ctx)]);
          // A withdrawal from opening is noticed to those using the data (Yunnan Art.36 ¶2).
          if (target === 'dataset' && scope !== 'share') await noticeWithdrawal(tx, deps.catalog, id, args.id);
        });
        return (await ctx.db.query(`SELECT ${SUSPENSION_SELECT} FROM suspension WHERE id = $1`, [id]))[0];
      },
      scopeGrant: async (_: unknown, args: { id: string; divisionCode?: string | null }, ctx: Context) => {
        if (!isAdmin(ctx)) throw forbidden('无权限定授权范围', 'not allowed to scope grants');
        const area = await requireAdminArea(ctx);
        const [grantee] = await ctx.db.query<{ kind: string; id: string }>('SELECT grantee_kind AS kind, grantee_id AS id FROM grant_record WHERE id = $1', [args.id]);
        if (!grantee) throw badUserInput('授权不存在', 'no such grant', { argument: 'id' });
        requireInArea(area, await divisionOfGrantee(ctx.db, grantee), `授权${args.id}的被授权机构`, `the grantee of grant ${args.id}`);
        let prefix: string | null = null;
        if (args.divisionCode) {
          const check = validateDivisionCode(args.divisionCode);
          if (!check.ok) throw badUserInput(check.zh, check.en, { argument: 'divisionCode' });
          prefix = divisionPrefix(args.divisionCode);
        }
        const rows = await changePolicy(ctx.db, deps.notifier, (tx) => tx.query('UPDATE grant_record SET division_scope = $2, updated_at = now() WHERE id = $1 RETURNING id', [args.id, prefix]));
        if (!rows.length) throw badUserInput('授权不存在', 'no such grant', { argument: 'id' });
        return grantView((await ctx.db.query(`SELECT ${GRANT_SELECT} FROM grant_record WHERE id = $1`, [args.id]))[0] as never, now());
      },
      liftSuspension: async (_: unknown, args: { id: string; reason?: string | null }, ctx: Context) => {
        // Lifting is kept in the history with who lifted and why, like the suspension itself.
        if (!args.reason?.trim()) throw badUserInput('请说明解除暂停的理由', 'give the reason for lifting the suspension', { argument: 'reason' });
        const area = await requireAdminArea(ctx);
        const [suspension] = await ctx.db.query<{ kind: string; id: string }>('SELECT target_kind AS kind, target_id AS id FROM suspension WHERE id = $1', [args.id]);
        if (suspension) requireInArea(area, await divisionOfTarget(ctx.db, deps.catalog, suspension), `暂停对象${suspension.id}`, `the ${suspension.kind} ${suspension.id}`);
        const rows = await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query(`UPDATE suspension SET lifted_at = now(), lifted_by = $2, lift_reason = $3 WHERE id = $1 AND lifted_at IS NULL RETURNING id`, [args.id, actorOf(ctx), args.reason]),
        );
        if (!rows.length) throw badUserInput('暂停不存在或已解除', 'no such suspension in force', { argument: 'id' });
        return (await ctx.db.query(`SELECT ${SUSPENSION_SELECT} FROM suspension WHERE id = $1`, [args.id]))[0];
      },
    },
  };
}
