// Risk review before a grant joins personal data across datasets (Yunnan Art.44: 因数据汇聚、关联分析
// 等原因，可能产生涉密、敏感数据的，应当进行安全评估，并根据评估意见采取相应的安全措施; Kunming Art.27 ¶3,
// Art.28). Where the profile asks for it, an application whose fields — with the applicant's active
// grants for the same scenario — reach personal data of two or more datasets is flagged at filing
// (riskReview REQUIRED, with its reasons) and cannot be approved until the data authority of the
// provider's area records the assessment's outcome; an UNACCEPTABLE outcome leaves only a refusal.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Catalog } from '../../directives/catalog';
import { personalDatasets } from '../../directives/join-risk';
import type { Queryable } from '../../lib/db/database';
import { badUserInput } from '../common/errors';
import { requiredText } from '../common/arguments';
import type { SubgraphContext } from '../common/run-subgraph';
import type { JurisdictionProfile } from './profiles/profile';
import { actorOf } from './permissions';
import { divisionOfInstitution, requireAdminArea, requireInArea } from './institution-registry';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

/** The step label of the assessment in an application's steps. */
export const RISK_REVIEW_STAGE = 'risk-review';

const OUTCOMES = { ACCEPTABLE: 'acceptable', UNACCEPTABLE: 'unacceptable' } as const;

export const RISK_SELECT = `risk_review AS "riskStatus", risk_reasons AS "riskReasons", risk_note AS "riskNote", risk_reviewed_by AS "riskReviewedBy", ${isoColumn('risk_reviewed_at')} AS "riskReviewedAt"`;

export interface RiskColumns {
  riskStatus: 'required' | 'acceptable' | 'unacceptable' | null;
  riskReasons: string[] | null;
  riskNote: string | null;
  riskReviewedBy: string | null;
  riskReviewedAt: string | null;
}

/**
 * The reasons an application needs the review, or none. `at`: grants still valid then count (a join
 * happens within one scenario: purpose binding keeps other scenarios' data apart).
 */
export async function joinRiskReasons(tx: Queryable, deps: { catalog: Catalog; profile: JurisdictionProfile }, applicant: { kind: string; id: string }, scenario: string, fields: readonly string[], at: Date): Promise<string[]> {
  if (!deps.profile.joinRiskReview) return [];
  const grants = await tx.query<{ id: string; fields: string[] }>(
    `SELECT id, fields FROM grant_record WHERE grantee_kind = $1 AND grantee_id = $2 AND scenario = $3 AND status = 'active' AND valid_until > $4 ORDER BY id`,
    [applicant.kind, applicant.id, scenario, at.toISOString()],
  );
  const own = personalDatasets(deps.catalog, fields);
  if (!own.size) return [];
  // The other datasets the applicant's grants in this scenario already reach, and which grants bring them.
  const joined = new Map(own);
  const joinedGrants: string[] = [];
  for (const grant of grants) {
    const added = [...personalDatasets(deps.catalog, grant.fields)].filter(([code]) => !own.has(code));
    for (const [code, name] of added) joined.set(code, name);
    if (added.length) joinedGrants.push(grant.id);
  }
  if (joined.size < 2) return [];
  const names = [...joined.values()];
  const codes = [...joined.keys()];
  const withGrants = joinedGrants.length ? `（与授权 ${joinedGrants.join('、')} 合并）` : '';
  return [`场景「${scenario}」将关联${names.join('、')}的个人信息${withGrants}，须经安全评估（${deps.profile.joinRiskReview.article}） / `
    + `personal data of ${codes.join(', ')} would be joined in scenario ${scenario}${joinedGrants.length ? ` (with grants ${joinedGrants.join(', ')})` : ''}: a risk assessment is required (${deps.profile.joinRiskReview.article})`];
}

/** Refuses an approval the risk review still holds (not assessed, or assessed as unacceptable). */
export function requireRiskCleared(row: RiskColumns & { id: string }): void {
  if (row.riskStatus === 'required') {
    throw badUserInput('该申请将关联多个数据集的个人信息，须待数据主管部门完成安全评估后方可批准', 'the application would join personal data across datasets: it cannot be approved before the data authority records its risk review', { argument: 'id', problem: 'RISK_REVIEW_REQUIRED' });
  }
  if (row.riskStatus === 'unacceptable') {
    throw badUserInput('安全评估结论为风险不可接受，不能批准', 'the risk review found the risk unacceptable: the application cannot be approved', { argument: 'id', problem: 'RISK_UNACCEPTABLE' });
  }
}

export function riskReviewResolvers(deps: { load: (db: Queryable, id: string) => Promise<unknown>; addStep: (tx: Queryable, id: string, stage: string, action: string, actor: string, at: Date, due: string | null, note: string | null) => Promise<void>; now?: () => Date }): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  return {
    Application: {
      riskReview: (a: RiskColumns) => (a.riskStatus === null ? null : {
        status: a.riskStatus.toUpperCase(), reasons: a.riskReasons ?? [], note: a.riskNote, reviewedBy: a.riskReviewedBy, reviewedAt: a.riskReviewedAt,
      }),
    },
    Mutation: {
      recordRiskReview: async (_: unknown, args: { id: string; outcome: keyof typeof OUTCOMES; note: string }, ctx: Context) => {
        const [row] = await ctx.db.query<{ providerCode: string; status: string; riskStatus: string | null }>(
          `SELECT provider_code AS "providerCode", status, risk_review AS "riskStatus" FROM application WHERE id = $1`, [args.id]);
        if (!row) throw badUserInput('申请不存在', 'no such application', { argument: 'id' });
        // The authority of the provider's area assesses (Yunnan Art.44: 公共数据主管部门).
        requireInArea(await requireAdminArea(ctx), await divisionOfInstitution(ctx.db, row.providerCode), `申请${args.id}的数据提供单位`, `the provider of application ${args.id}`);
        if (!Object.hasOwn(OUTCOMES, args.outcome)) throw badUserInput('评估结论无效', 'unknown outcome', { argument: 'outcome' });
        const note = requiredText(args.note, 'note', '请写明评估意见及安全措施', 'state the assessment and the security measures it requires');
        if (row.riskStatus !== 'required' || row.status !== 'pending') throw badUserInput('该申请无待办的安全评估', 'the application has no risk review pending', { argument: 'id' });
        const at = now();
        return ctx.db.transaction(async (tx) => {
          await tx.query(`UPDATE application SET risk_review = $2, risk_note = $3, risk_reviewed_by = $4, risk_reviewed_at = $5 WHERE id = $1 AND risk_review = 'required'`,
            [args.id, OUTCOMES[args.outcome], note, actorOf(ctx.caller), at.toISOString()]);
          await deps.addStep(tx, args.id, RISK_REVIEW_STAGE, `risk-${OUTCOMES[args.outcome]}`, actorOf(ctx.caller), at, null, note);
          return deps.load(tx, args.id);
        });
      },
    },
  };
}
