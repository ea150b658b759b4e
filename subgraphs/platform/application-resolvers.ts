// Applications (一场景一申请、一需求一审核): filed by an institution (sharing) or a developer (opening)
// for fields of one provider's datasets and one scenario; reviewed stage by stage as the jurisdiction
// profile says (Guiyang-Gui'an: big-data department, then provider); each stage has a deadline in
// working days; an approval becomes a grant, a refusal cites its legal basis (Yunnan Art.29).
// Levels act here too (directives/levels.ts): L4+ data always gets the two-stage review and plain
// values of it a stated reason; IMPORTANT and CORE data are never auto-approved nor applied for open.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { approvingDataset, type Catalog } from '../../directives/catalog';
import { applicationLevels, FORMAL_CHECK_STAGE, highLevelCoordinates, isImportantOrCore, reviewPath } from '../../directives/levels';
import type { Queryable } from '../../lib/db/database';
import type { WorkingCalendar } from './calendar/working-days';
import { deadlineFor, type JurisdictionProfile, type Procedure } from './profiles/profile';
import { badUserInput } from '../common/errors';
import { scenarioArgument } from '../common/arguments';
import type { SubgraphContext } from '../common/run-subgraph';
import { changePolicy, upsertGrant } from './grant-writer';
import { maskNotes, refuseConflicts, reviewGrant, type GrantInferenceDeps } from './grant-inference';
import { actorOf, forbidden } from './permissions';
import { adminAreaOf, divisionOfInstitution, inAreaSql, requireAdminArea, requireInArea } from './institution-registry';
import type { PolicyChangeNotifier } from './policy-state';
import { isoColumn, chinaDay } from './sql-dates';
import { APPLICATION_CONTENTS, missingContents } from '../../directives/application-contents';
import { requireAgreementsAccepted } from './developer-apps';
import { scheduleDelivery } from './delivery';
import { joinRiskReasons, requireRiskCleared, RISK_REVIEW_STAGE, RISK_SELECT, type RiskColumns } from './risk-review';
import { PURPOSE_UNDERTAKING, undertakingRequired } from './purpose-binding';

type Context = SubgraphContext<Record<string, never>>;

export interface ApplicationDeps extends GrantInferenceDeps {
  catalog: Catalog;
  profile: JurisdictionProfile;
  calendar: WorkingCalendar;
  notifier: PolicyChangeNotifier;
  now?: () => Date;
}

interface ApplicationInput {
  purpose?: 'SHARE' | 'OPEN';
  scenario: string;
  scenarioName: string;
  description: string;
  legalBasis?: string;
  businessGoal?: string;
  securityMeasures?: string;
  fields: string[];
  plain?: string[];
  plainReason?: string;
  validFrom: string;
  validUntil: string;
  /** The applicant's undertaking on purpose and onward transfer (Guiyang Art.23, Ganzi Art.19). */
  purposeUndertaking?: boolean;
}

export const APPLICATION_SELECT = `id, applicant_kind AS "applicantKind", applicant_id AS "applicantId", operator, upper(purpose) AS purpose,
  scenario, scenario_name AS "scenarioName", description, legal_basis AS "legalBasis", business_goal AS "businessGoal", security_measures AS "securityMeasures", fields, plain, plain_reason AS "plainReason", provider_code AS "providerCode",
  ${isoColumn('valid_from')} AS "validFrom", ${isoColumn('valid_until')} AS "validUntil", stages, stage_index AS "stageIndex", upper(status) AS status,
  ${isoColumn('filed_at')} AS "filedAt", due_on::text AS "dueOn", ${isoColumn('decided_at')} AS "decidedAt", refusal_basis AS "refusalBasis",
  commitment_accepted AS "commitmentAccepted", agreement_accepted AS "agreementAccepted", grant_id AS "grantId",
  delivery_due_on::text AS "deliveryDueOn", ${isoColumn('delivered_at')} AS "deliveredAt",
  ${RISK_SELECT}, ${isoColumn('purpose_undertaking_at')} AS "purposeUndertakingAt"`;

interface ApplicationRow extends RiskColumns {
  id: string;
  applicantKind: 'institution' | 'developer';
  applicantId: string;
  purpose: 'SHARE' | 'OPEN';
  scenario: string;
  fields: string[];
  plain: string[];
  providerCode: string;
  validFrom: string;
  validUntil: string;
  stages: string[];
  stageIndex: number;
  status: 'PENDING' | 'APPROVED' | 'REFUSED';
  dueOn: string | null;
  filedAt: string;
  purposeUndertakingAt: string | null;
}

/** One application as the API shows it. */
export const loadApplication = async (db: Queryable, id: string) => (await db.query<ApplicationRow>(`SELECT ${APPLICATION_SELECT} FROM application WHERE id = $1`, [id]))[0];


/** Longest reason for plain values a reviewer is asked to read. */
const MAX_PLAIN_REASON = 2000;

/** The longest validity an application may ask for: 5 years, the longest agreement term of the seeds (Yunnan-AO). */
export const MAX_VALIDITY_MS = 5 * 366 * 86_400_000;

/** A validity window an application may ask for: well-formed, ordered, not over, ending within MAX_VALIDITY_MS. */
export function checkValidity(validFrom: string, validUntil: string, at: Date): { from: number; until: number } {
  const from = Date.parse(validFrom);
  const until = Date.parse(validUntil);
  if (Number.isNaN(from)) throw badUserInput('有效期起始时间格式错误', 'validFrom is not an ISO time', { argument: 'validFrom' });
  if (Number.isNaN(until)) throw badUserInput('有效期截止时间格式错误', 'validUntil is not an ISO time', { argument: 'validUntil' });
  if (from >= until) throw badUserInput('有效期起始时间须早于截止时间', 'validFrom must be a time before validUntil', { argument: 'validUntil' });
  if (until <= at.getTime()) throw badUserInput('有效期已过，截止时间须在将来', 'the validity lies in the past: validUntil must be in the future', { argument: 'validUntil' });
  if (until - at.getTime() > MAX_VALIDITY_MS) throw badUserInput('有效期截止时间不得晚于5年之后', 'validUntil may be at most 5 years from now', { argument: 'validUntil' });
  return { from, until };
}


/** Due date of a stage; past the calendar's years it counts weekdays only and says so in the step. */
function dueOn(deps: ApplicationDeps, procedure: Procedure, from: Date): { due: string; note?: string } {
  try {
    return { due: deadlineFor(deps.profile, procedure, from, deps.calendar).due };
  } catch (error) {
    let date = new Date(from);
    let left = deps.profile.sla[procedure].workingDays ?? 0;
    while (left > 0) {
      date = new Date(date.getTime() + 86_400_000);
      const day = new Date(date.getTime() + 8 * 3600_000).getUTCDay();
      if (day !== 0 && day !== 6) left -= 1;
    }
    return { due: chinaDay(date), note: `calendar incomplete (${(error as Error).message}); weekdays counted` };
  }
}

/** 无法定期限 — the note of a stage the text gives no deadline. */
export const NO_STATUTORY_DEADLINE = '无法定期限 / no statutory deadline';

/**
 * The profile's own big-data-department stage has no deadline in the text (Guiyang-Gui'an Art.22 ¶2:
 * 审核通过的，转至数据提供方 — the provider's 5 working days run from the forwarding). A stage the
 * levels imposed keeps the conditional answer deadline (see reviewPath).
 */
function untimedStage(profile: JurisdictionProfile, stage: string, levelReview: boolean): boolean {
  return stage === 'big-data-department' && !levelReview && profile.approvalStages.includes('big-data-department');
}

/** An application whose one stage is the authority's formal check (Ganzi Art.18 ¶2). */
function formalCheckOnly(profile: JurisdictionProfile, application: ApplicationRow): boolean {
  return profile.unconditionalFormalCheck !== undefined && application.stages.length === 1 && application.stages[0] === FORMAL_CHECK_STAGE;
}

export async function addStep(tx: Queryable, id: string, stage: string, action: string, actor: string, at: Date, due: string | null, note: string | null): Promise<void> {
  await tx.query(
    `INSERT INTO application_step (application_id, seq, stage, action, actor, at, due_on, note)
     VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM application_step WHERE application_id = $1), $2, $3, $4, $5, $6, $7)`,
    [id, stage, action, actor, at.toISOString(), due, note],
  );
}

/** The filing step's note on a two-stage review the levels imposed: which fields, and the auto-approval it replaced. */
function levelReviewNote(highLevel: string[], importantOrCore: string[], wouldAutoApprove: boolean): string {
  let zh = `${highLevel.join('、')}为L4级及以上数据，须经数据主管部门和数据提供单位两级审核`;
  let en = `${highLevel.join(', ')}: L4+ data, reviewed by the data authority and then the provider`;
  if (wouldAutoApprove) {
    zh += `，不予自动批准${importantOrCore.length ? `（${importantOrCore.join('、')}为重要数据或核心数据，从不自动批准）` : ''}`;
    en += `, not approved automatically${importantOrCore.length ? ` (${importantOrCore.join(', ')}: IMPORTANT or CORE data, never approved automatically)` : ''}`;
  }
  return `${zh} / ${en}`;
}


/**
 * Turns an application into a grant. What the grantee would then see under all its grants is checked
 * first (inference control): a masked value no mask can protect refuses the approval; masks narrowed
 * for this grantee are recorded as a step the applicant and the approver both read.
 */
async function approve(tx: Queryable, deps: ApplicationDeps, row: ApplicationRow, stage: string, at: Date, deliveredNow = stage === 'platform'): Promise<string> {
  // Yunnan Art.44: a join of personal data across datasets is approved only after its risk review.
  requireRiskCleared(row);
  const grantId = `grant-${row.id}`;
  const grant = { id: grantId, grantee: { kind: row.applicantKind, id: row.applicantId }, scenario: row.scenario, fields: row.fields, plain: row.plain, validFrom: row.validFrom, validUntil: row.validUntil };
  const review = await reviewGrant(tx, deps, grant, at);
  refuseConflicts(review);
  await upsertGrant(tx, grant, row.id);
  await tx.query(`UPDATE application SET status = 'approved', decided_at = $2, grant_id = $3 WHERE id = $1`, [row.id, at.toISOString(), grantId]);
  // The delivery deadline starts (Yunnan Art.29); the platform's own approval is the delivery itself.
  await scheduleDelivery(tx, deps, row, at, deliveredNow);
  const notes = maskNotes(review);
  if (notes.length) await addStep(tx, row.id, stage, 'masks-narrowed', 'platform', at, null, notes.join('\n'));
  return grantId;
}

export function applicationResolvers(deps: ApplicationDeps): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  const load = loadApplication;

  return {
    Query: {
      applications: async (_: unknown, args: { status?: string }, ctx: Context) => {
        const caller = ctx.caller;
        const roles = caller?.roles ?? [];
        const params: unknown[] = [];
        let where = 'true';
        // An authority: applications for providers in its area; an admin token of a mere institution counts for nothing more.
        const area = await adminAreaOf(ctx);
        if (area !== undefined) where = inAreaSql('application.provider_code', area, params);
        else if (roles.includes('provider')) where = `provider_code = $${params.push(caller!.id)}`;
        else if ((caller?.kind === 'institution' || caller?.kind === 'developer') && caller.id) where = `applicant_kind = $${params.push(caller.kind)} AND applicant_id = $${params.push(caller.id)}`;
        else throw forbidden('无权查看申请', 'not allowed to list applications');
        if (args.status) where += ` AND status = $${params.push(args.status.toLowerCase())}`;
        return ctx.db.query(`SELECT ${APPLICATION_SELECT} FROM application WHERE ${where} ORDER BY filed_at DESC LIMIT 500`, params);
      },
      overdueApplications: async (_: unknown, __: unknown, ctx: Context) => {
        const params: unknown[] = [chinaDay(now())];
        const inArea = inAreaSql('application.provider_code', await requireAdminArea(ctx), params);
        return ctx.db.query(`SELECT ${APPLICATION_SELECT} FROM application WHERE status = 'pending' AND due_on < $1::date AND ${inArea} ORDER BY due_on`, params);
      },
    },
    Application: {
      currentStage: (a: ApplicationRow) => (a.status === 'PENDING' ? a.stages[a.stageIndex] : null),
      highLevelFields: (a: ApplicationRow) => highLevelCoordinates(deps.catalog, a.fields),
      overdue: (a: ApplicationRow) => a.status === 'PENDING' && a.dueOn !== null && a.dueOn < chinaDay(now()),
      steps: (a: ApplicationRow, _: unknown, ctx: Context) =>
        ctx.db.query(`SELECT stage, action, actor, ${isoColumn('at')} AS at, due_on::text AS "dueOn", note FROM application_step WHERE application_id = $1 ORDER BY seq`, [a.id]),
    },
    Mutation: {
      applyForAccess: async (_: unknown, { input }: { input: ApplicationInput }, ctx: Context) => {
        const caller = ctx.caller;
        const purpose = input.purpose ?? 'SHARE';
        const applicantKind = purpose === 'SHARE' ? 'institution' : 'developer';
        if (caller?.kind !== applicantKind || !caller.id) {
          throw forbidden(purpose === 'SHARE' ? '共享申请须由公共机构提出' : '开放申请须由开发者提出', purpose === 'SHARE' ? 'sharing applications come from public institutions' : 'open-data applications come from developers');
        }
        scenarioArgument(input.scenario);
        if (!input.fields.length) throw badUserInput('请列出申请的字段', 'list the fields applied for', { argument: 'fields' });
        const policies = input.fields.map((coordinate) => {
          const policy = deps.catalog.fields.get(coordinate);
          // Root fields (listings, lookups) are approved by the provider of the dataset they return.
          const dataset = approvingDataset(deps.catalog, coordinate);
          if (!policy || !dataset) throw badUserInput(`${coordinate} 不是目录中的字段`, `${coordinate} is not a catalogued field`, { argument: 'fields' });
          // 重要数据 and 核心数据 are never open (Data Security Law Art.21; GB/T 43697-2024; Ganzi Art.25):
          // said for what it is, whatever the catalog's open attribute says.
          if (purpose === 'OPEN' && isImportantOrCore(policy.level)) {
            throw badUserInput(`${coordinate}为${policy.level}级（重要数据、核心数据），不予开放，不能提出开放申请`,
              `${coordinate} is ${policy.level} data (重要数据 / 核心数据), which is never open: it cannot be applied for as open data`,
              { argument: 'fields', problem: 'LEVEL_FORBIDS_OPEN' });
          }
          const attribute = purpose === 'SHARE' ? policy.share?.attribute : policy.open?.attribute;
          if (attribute === 'NONE' || !attribute) {
            throw badUserInput(`${coordinate} ${purpose === 'SHARE' ? '不予共享' : '不予开放'}，不能申请`, `${coordinate} is ${purpose === 'SHARE' ? 'not shared' : 'not open'}: it cannot be applied for`, { argument: 'fields' });
          }
          return { policy, attribute, dataset };
        });
        const providers = new Set(policies.map((p) => p.dataset.providerCode));
        if (providers.size !== 1) throw badUserInput('一次申请只能针对一个数据提供单位的数据', 'one application covers the datasets of one provider (一需求一审核)', { argument: 'fields' });
        const plain = input.plain ?? [];
        if (!plain.every((f) => input.fields.includes(f))) throw badUserInput('明文字段须在申请字段之内', 'plain fields must be among the fields applied for', { argument: 'plain' });
        const levels = applicationLevels(deps.catalog, input.fields, plain);
        const plainReason = input.plainReason?.trim() || null;
        // Plain values of L4+ data only for a stated reason, which the reviewers read (Ganzi Art.36 数据脱敏;
        // Yunnan Art.43(5): 脱敏数据 handling is supervised).
        if (levels.plainHighLevel.length && !plainReason) {
          throw badUserInput(`${levels.plainHighLevel.join('、')}为L4级及以上数据，申请明文须说明理由`,
            `${levels.plainHighLevel.join(', ')} ${levels.plainHighLevel.length > 1 ? 'are' : 'is'} L4+ data: state why plain values are needed (plainReason)`, { argument: 'plainReason' });
        }
        if (plainReason && plainReason.length > MAX_PLAIN_REASON) {
          throw badUserInput(`明文理由不得超过${MAX_PLAIN_REASON}字`, `plainReason may be at most ${MAX_PLAIN_REASON} characters`, { argument: 'plainReason' });
        }
        const { from, until } = checkValidity(input.validFrom, input.validUntil, now());
        // Yunnan Art.35: the developer's recorded acceptance of the agreements in force, not a flag it sends.
        if (purpose === 'OPEN') await requireAgreementsAccepted(ctx.db, caller.id);
        const unconditional = policies.every((p) => p.attribute === 'UNCONDITIONAL');
        // Ganzi Art.18 ¶2: a conditional-share application states its need basis, business goal and security measures.
        const contents = deps.profile.conditionalShareContents;
        const missing = purpose === 'SHARE' && !unconditional && contents ? missingContents(contents.required, input) : [];
        if (missing.length) {
          throw badUserInput(`有条件共享申请须写明${missing.map((m) => APPLICATION_CONTENTS[m].zh).join('、')}`,
            `a conditional-share application must state its ${missing.map((m) => APPLICATION_CONTENTS[m].en).join(', ')} (${contents!.article})`, { argument: missing[0], missing });
        }
        // Guiyang Art.23, Ganzi Art.19: the applicant undertakes to keep to the purpose and pass nothing on.
        const binding = undertakingRequired(deps.profile, purpose);
        if (binding && input.purposeUndertaking !== true) {
          throw badUserInput(`共享申请须承诺：${PURPOSE_UNDERTAKING.split(' / ')[0]}（${binding.article}）`, `a sharing application carries the undertaking (purposeUndertaking: true): ${PURPOSE_UNDERTAKING.split(' / ')[1]} (${binding.article})`, { argument: 'purposeUndertaking' });
        }
        // L4+ data: the data authority reviews, then the provider, whatever the profile; never approved
        // automatically (IMPORTANT and CORE above all). See reviewPath.
        const path = reviewPath(levels, { purpose, unconditional }, deps.profile);
        const { autoApprove, stages } = path;
        // A stage the levels imposed gets the answer deadline of conditional data: a person reviews it, as conditional data.
        const procedure: Procedure = purpose === 'OPEN' ? 'conditionalOpenAnswer' : unconditional && !path.levelReview ? 'unconditionalShareAnswer' : 'conditionalShareAnswer';
        const filedAt = now();
        const untimed = untimedStage(deps.profile, stages[0], path.levelReview);
        const { due, note } = untimed ? { due: null, note: `${NO_STATUTORY_DEADLINE}（${deps.profile.approvalBasis.article}）` } : dueOn(deps, procedure, filedAt);
        const levelNote = path.levelReview ? levelReviewNote(levels.highLevel, levels.importantOrCore, path.autoApprovalWithheld) : null;
        const id = `app-${crypto.randomUUID()}`;
        const actor = actorOf(ctx.caller);
        return changePolicy(ctx.db, deps.notifier, async (tx) => {
          await tx.query(
            `INSERT INTO application (id, applicant_kind, applicant_id, operator, purpose, scenario, scenario_name, description, legal_basis, fields, plain,
               provider_code, valid_from, valid_until, stages, status, filed_at, due_on, commitment_accepted, agreement_accepted, plain_reason, business_goal, security_measures)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,'pending',$16,$17,$18,$19,$20,$21,$22)`,
            [id, applicantKind, caller.id, caller.operator ?? caller.id, purpose.toLowerCase(), input.scenario, input.scenarioName, input.description, input.legalBasis ?? null,
              input.fields, plain, [...providers][0], new Date(from).toISOString(), new Date(until).toISOString(), stages, filedAt.toISOString(), due,
              purpose === 'OPEN', purpose === 'OPEN', plainReason, input.businessGoal?.trim() || null, input.securityMeasures?.trim() || null],
          );
          await addStep(tx, id, stages[0], 'filed', actor, filedAt, due, [levelNote, note].filter(Boolean).join('\n') || null);
          if (binding) await tx.query('UPDATE application SET purpose_undertaking_at = $2 WHERE id = $1', [id, filedAt.toISOString()]);
          // Yunnan Art.44, Kunming Art.27: a join of personal data across datasets waits for the authority's risk review.
          const risks = await joinRiskReasons(tx, deps, { kind: applicantKind, id: caller.id! }, input.scenario, input.fields, filedAt);
          if (risks.length) {
            await tx.query(`UPDATE application SET risk_review = 'required', risk_reasons = $2 WHERE id = $1`, [id, risks]);
            await addStep(tx, id, RISK_REVIEW_STAGE, 'risk-review-required', 'platform', filedAt, null, risks.join('\n'));
          }
          // Inference control at filing too: the applicant learns at once what cannot be granted as asked.
          const review = await reviewGrant(tx, deps, { id: `grant-${id}`, grantee: { kind: applicantKind, id: caller.id! }, scenario: input.scenario, fields: input.fields, plain, validFrom: new Date(from).toISOString(), validUntil: new Date(until).toISOString() }, filedAt);
          refuseConflicts(review);
          if (!autoApprove && review.adjustments.length) await addStep(tx, id, stages[0], 'masks-narrowed', 'platform', filedAt, null, maskNotes(review).join('\n'));
          if (autoApprove && !risks.length) {
            await approve(tx, deps, (await load(tx, id))!, 'platform', filedAt);
            await addStep(tx, id, 'platform', 'auto-approved', 'platform', filedAt, null, `${deps.profile.name}: ${deps.profile.approvalBasis.article}`);
          }
          return load(tx, id);
        });
      },
      decideApplication: async (_: unknown, args: { id: string; approve: boolean; legalBasis?: string; note?: string }, ctx: Context) => {
        const application = await load(ctx.db, args.id);
        if (!application) throw badUserInput('申请不存在', 'no such application', { argument: 'id' });
        if (application.status !== 'PENDING') throw badUserInput('申请已办结', 'the application is already decided', { argument: 'id' });
        const stage = application.stages[application.stageIndex];
        const roles = ctx.caller?.roles ?? [];
        const mayDecide = stage === 'big-data-department' ? roles.includes('admin') : roles.includes('provider') && ctx.caller?.id === application.providerCode;
        if (mayDecide && stage === 'big-data-department') {
          // The authority stage belongs to the authority of the provider's area (Yunnan Art.12 ¶3: 同级公共数据主管部门; Kunming Art.11).
          requireInArea(await requireAdminArea(ctx), await divisionOfInstitution(ctx.db, application.providerCode), `申请${application.id}的数据提供单位`, `the provider of application ${application.id}`);
        }
        if (!mayDecide) throw forbidden(`当前审核环节为「${stage}」，您无权审核`, `the application is at the ${stage} stage, which you do not review`);
        if (!args.approve && !args.legalBasis?.trim()) {
          throw badUserInput('拒绝须说明法律依据', 'a refusal must cite its legal basis (Yunnan Art.29)', { argument: 'legalBasis' });
        }
        const at = now();
        const actor = actorOf(ctx.caller);
        return changePolicy(ctx.db, deps.notifier, async (tx) => {
          if (!args.approve) {
            await tx.query(`UPDATE application SET status = 'refused', decided_at = $2, refusal_basis = $3 WHERE id = $1`, [application.id, at.toISOString(), args.legalBasis]);
            await addStep(tx, application.id, stage, 'refused', actor, at, null, args.note ?? args.legalBasis ?? null);
          } else if (application.stageIndex + 1 < application.stages.length) {
            const next = application.stages[application.stageIndex + 1];
            const { due, note } = dueOn(deps, application.purpose === 'OPEN' ? 'conditionalOpenAnswer' : 'conditionalShareAnswer', at);
            await tx.query('UPDATE application SET stage_index = stage_index + 1, due_on = $2 WHERE id = $1', [application.id, due]);
            await addStep(tx, application.id, stage, 'approved', actor, at, null, args.note ?? null);
            await addStep(tx, application.id, next, 'forwarded', actor, at, due, note ?? null);
          } else if (formalCheckOnly(deps.profile, application)) {
            // Ganzi Art.18 ¶2: 审核结果自动同步至公共数据提供单位，申请单位自动取得数据使用授权.
            await approve(tx, deps, application, stage, at, true);
            await addStep(tx, application.id, stage, 'approved', actor, at, null, args.note ?? null);
            await addStep(tx, application.id, 'provider', 'notified', 'platform', at, null,
              `形式审核结果已同步至数据提供单位 / the formal check's result was sent to the provider (${deps.profile.unconditionalFormalCheck!.article})`);
          } else {
            await approve(tx, deps, application, stage, at);
            await addStep(tx, application.id, stage, 'approved', actor, at, null, args.note ?? null);
          }
          return load(tx, application.id);
        });
      },
    },
  };
}
