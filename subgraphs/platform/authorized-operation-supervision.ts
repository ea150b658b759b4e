// Supervision of authorized operation (seed 001): the blacklist (【产品和服务开发】 ¶4: 警告, 暂停, 取消, 禁入
// with an end date) — measures other than a warning stop the party's product calls
// (authorized-operation-rights.ts) and new agreements (refuseBlocked) —; evaluations (【工作评估】:
// 通过 / 未通过 / 限期整改, rectified within 30 days, overdue until the party is evaluated again); and
// quality-correction requests (【数据质量管理】: the provider answers within 10 working days).
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { datasetByCode, type Catalog } from '../../directives/catalog';
import { BLACKLIST_MEASURES, EVALUATION_OUTCOMES, QUALITY_CORRECTION_WORKING_DAYS, RECTIFICATION_DAYS, type BlacklistMeasure } from '../../directives/authorized-operation';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { CalendarRangeError, type WorkingCalendar } from './calendar/working-days';
import { changePolicy } from './grant-writer';
import type { PolicyChangeNotifier } from './policy-state';
import { actorOf, forbidden, hasRole } from './permissions';
import { callerParty, checkedText, isAuthority, newId, partyById, requireCallerParty, type Party } from './authorized-operation-parties';
import { OPERATION_IN_FORCE, today } from './authorized-operation-sql';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const BLACKLIST_SELECT = `id, party_id AS "partyId", measure, reason, CASE WHEN until_on IS NULL THEN NULL ELSE to_char(until_on, 'YYYY-MM-DD') END AS "untilOn",
  entered_by AS "enteredBy", ${isoColumn('entered_at')} AS "enteredAt", (until_on IS NULL OR until_on >= $1::date) AS "inForce"`;

const EVALUATION_SELECT = `e.id, e.party_id AS "partyId", e.outcome, e.note, CASE WHEN e.rectification_due_on IS NULL THEN NULL ELSE to_char(e.rectification_due_on, 'YYYY-MM-DD') END AS "rectificationDueOn",
  e.evaluated_by AS "evaluatedBy", ${isoColumn('e.evaluated_at')} AS "evaluatedAt",
  EXISTS (SELECT 1 FROM ao_evaluation n WHERE n.party_id = e.party_id AND (n.evaluated_at, n.id) > (e.evaluated_at, e.id)) AS superseded`;
const OVERDUE_RECTIFICATION = `e.outcome = 'RECTIFY' AND e.rectification_due_on < $1::date AND NOT EXISTS (SELECT 1 FROM ao_evaluation n WHERE n.party_id = e.party_id AND (n.evaluated_at, n.id) > (e.evaluated_at, e.id))`;

const CORRECTION_SELECT = `id, operator_id AS "operatorId", provider_code AS "providerCode", dataset, description, ${isoColumn('filed_at')} AS "filedAt",
  to_char(due_on, 'YYYY-MM-DD') AS "dueOn", answer, CASE WHEN answered_at IS NULL THEN NULL ELSE ${isoColumn('answered_at')} END AS "answeredAt"`;

/** Authorities supervise operators and agencies; an operator the developers of its own development agreements. */
async function requireSupervisor(ctx: Context, party: Party): Promise<void> {
  if (await isAuthority(ctx)) return;
  const operator = await callerParty(ctx, 'OPERATOR');
  if (operator && party.kind === 'DEVELOPER') {
    const [own] = await ctx.db.query('SELECT 1 FROM ao_development_agreement WHERE operator_id = $1 AND developer_id = $2 LIMIT 1', [operator.id, party.id]);
    if (own) return;
  }
  throw forbidden('主管部门监督运营机构，运营机构监督其开发主体', 'authorities supervise operators, an operator the developers of its agreements');
}

/** Ids of the parties whose supervision records the caller sees: all for an authority, an operator its developers. */
async function visibleParties(ctx: Context): Promise<string[] | undefined> {
  if (await isAuthority(ctx)) return undefined;
  const operator = await requireCallerParty(ctx, 'OPERATOR');
  const rows = await ctx.db.query<{ id: string }>('SELECT DISTINCT developer_id AS id FROM ao_development_agreement WHERE operator_id = $1', [operator.id]);
  return [operator.id, ...rows.map((r) => r.id)];
}

export function authorizedOperationSupervisionResolvers(deps: { catalog: Catalog; calendar: WorkingCalendar; notifier: PolicyChangeNotifier }): GraphQLResolverMap<Context> {
  return {
    Query: {
      operationBlacklist: async (_: unknown, __: unknown, ctx: Context) => {
        const parties = await visibleParties(ctx);
        return ctx.db.query(`SELECT ${BLACKLIST_SELECT} FROM ao_blacklist_entry WHERE $2::text[] IS NULL OR party_id = ANY($2::text[]) ORDER BY entered_at, id`, [today(), parties ?? null]);
      },
      operationEvaluations: async (_: unknown, args: { overdue?: boolean | null }, ctx: Context) => {
        const parties = await visibleParties(ctx);
        return ctx.db.query(
          `SELECT ${EVALUATION_SELECT} FROM ao_evaluation e WHERE ($2::text[] IS NULL OR e.party_id = ANY($2::text[])) AND (${args.overdue ? OVERDUE_RECTIFICATION : 'true'}) ORDER BY e.evaluated_at, e.id`,
          [today(), parties ?? null],
        );
      },
      qualityCorrections: async (_: unknown, args: { overdue?: boolean | null }, ctx: Context) => {
        // Authorities all; an operator its requests; a provider those addressed to it.
        let scope = 'true';
        const params: unknown[] = [today()];
        if (!(await isAuthority(ctx))) {
          const operator = await callerParty(ctx, 'OPERATOR');
          const clauses = [];
          if (operator) clauses.push(`operator_id = $${params.push(operator.id)}`);
          if (hasRole(ctx.caller, 'provider')) clauses.push(`provider_code = $${params.push(ctx.caller!.id)}`);
          if (!clauses.length) throw forbidden('仅运营机构、数据提供单位和主管部门可查看校核申请', 'only operators, providers and authorities read correction requests');
          scope = `(${clauses.join(' OR ')})`;
        }
        const overdue = args.overdue ? `answered_at IS NULL AND due_on < $1::date` : '$1::date IS NOT NULL';
        return ctx.db.query(`SELECT ${CORRECTION_SELECT} FROM ao_quality_correction WHERE ${scope} AND ${overdue} ORDER BY filed_at, id`, params);
      },
    },
    Mutation: {
      addBlacklistEntry: async (_: unknown, args: { partyId: string; measure: BlacklistMeasure; reason: string; untilOn?: string | null }, ctx: Context) => {
        const party = await partyById(ctx.db, args.partyId);
        await requireSupervisor(ctx, party);
        if (!(BLACKLIST_MEASURES as readonly string[]).includes(args.measure)) throw badUserInput('黑名单措施无效', 'unknown blacklist measure', { argument: 'measure' });
        const reason = checkedText(args.reason, 'reason', 1000);
        const untilOn = args.untilOn?.trim() || null;
        if (untilOn !== null && (!DATE.test(untilOn) || Number.isNaN(Date.parse(untilOn)) || untilOn < today())) throw badUserInput('截止日期应为今天或以后的YYYY-MM-DD', 'untilOn must be a date YYYY-MM-DD, today or later', { argument: 'untilOn' });
        // 限制其未来参与资格: an exclusion names its end; a warning and a cancellation have none.
        if (args.measure === 'EXCLUSION' && !untilOn) throw badUserInput('禁入须指明截止日期', 'an exclusion needs its end date (untilOn)', { argument: 'untilOn' });
        if ((args.measure === 'WARNING' || args.measure === 'CANCELLATION') && untilOn) throw badUserInput('警告和取消不设截止日期', 'a warning or a cancellation has no end date', { argument: 'untilOn' });
        const id = newId('blk');
        // Announced: gateways drop the party's cached policy state, its product calls stop at once.
        await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query('INSERT INTO ao_blacklist_entry (id, party_id, measure, reason, until_on, entered_by) VALUES ($1, $2, $3, $4, $5, $6)', [id, party.id, args.measure, reason, untilOn, actorOf(ctx.caller)]),
        );
        return (await ctx.db.query(`SELECT ${BLACKLIST_SELECT} FROM ao_blacklist_entry WHERE id = $2`, [today(), id]))[0];
      },
      evaluateOperationParty: async (_: unknown, args: { partyId: string; outcome: string; note: string }, ctx: Context) => {
        const party = await partyById(ctx.db, args.partyId);
        await requireSupervisor(ctx, party);
        if (!(EVALUATION_OUTCOMES as readonly string[]).includes(args.outcome)) throw badUserInput('评估结果无效', 'unknown evaluation outcome', { argument: 'outcome' });
        const note = checkedText(args.note, 'note', 2000);
        const id = newId('eval');
        // 限期整改: 30日内完成整改 (calendar days, from the evaluation's Beijing day).
        await ctx.db.query(
          `INSERT INTO ao_evaluation (id, party_id, outcome, note, rectification_due_on, evaluated_by) VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'RECTIFY' THEN $5::date + $6::int ELSE NULL END, $7)`,
          [id, party.id, args.outcome, note, today(), RECTIFICATION_DAYS, actorOf(ctx.caller)],
        );
        return (await ctx.db.query(`SELECT ${EVALUATION_SELECT} FROM ao_evaluation e WHERE e.id = $1`, [id]))[0];
      },
      requestQualityCorrection: async (_: unknown, args: { dataset: string; description: string }, ctx: Context) => {
        const operator = await requireCallerParty(ctx, 'OPERATOR');
        const dataset = datasetByCode(deps.catalog, args.dataset);
        const [inScope] = dataset ? await ctx.db.query(`SELECT 1 FROM ao_operation_agreement o WHERE o.operator_id = $1 AND $2 = ANY(o.datasets) AND ${OPERATION_IN_FORCE}`, [operator.id, args.dataset]) : [];
        if (!dataset || !inScope) throw badUserInput('只能就运营协议范围内的数据集提出校核', 'ask for corrections of datasets in your operation scope only', { argument: 'dataset' });
        const description = checkedText(args.description, 'description', 2000);
        const filedAt = new Date();
        // 【数据质量管理】 ¶2: 自收到数据校核申请之日起10个工作日内 — on the profile's working-day calendar.
        let dueOn: string;
        try {
          dueOn = deps.calendar.addWorkingDays(filedAt, QUALITY_CORRECTION_WORKING_DAYS);
        } catch (error) {
          if (!(error instanceof CalendarRangeError)) throw error;
          throw badUserInput('工作日历未覆盖答复期限所在年份（请加载该年日历：CALENDAR_FILES）', "the working-day calendar does not cover the answer's due year (load it with CALENDAR_FILES)", { reason: 'CALENDAR_NOT_COVERED' });
        }
        const id = newId('qc');
        await ctx.db.query(
          'INSERT INTO ao_quality_correction (id, operator_id, provider_code, dataset, description, filed_by, filed_at, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [id, operator.id, dataset.providerCode, args.dataset, description, actorOf(ctx.caller), filedAt.toISOString(), dueOn],
        );
        return (await ctx.db.query(`SELECT ${CORRECTION_SELECT} FROM ao_quality_correction WHERE id = $1`, [id]))[0];
      },
      answerQualityCorrection: async (_: unknown, args: { id: string; answer: string }, ctx: Context) => {
        const [row] = await ctx.db.query<{ providerCode: string; answeredAt: string | null }>(`SELECT ${CORRECTION_SELECT} FROM ao_quality_correction WHERE id = $1`, [args.id]);
        if (!row) throw badUserInput('没有此校核申请', 'no such correction request', { argument: 'id' });
        if (!hasRole(ctx.caller, 'provider') || ctx.caller?.id !== row.providerCode) throw forbidden('只有数据提供单位可以答复校核申请', 'only the providing body answers a correction request');
        if (row.answeredAt) throw badUserInput('该校核申请已答复', 'the request is already answered', { argument: 'id' });
        await ctx.db.query('UPDATE ao_quality_correction SET answer = $2, answered_by = $3, answered_at = now() WHERE id = $1 AND answered_at IS NULL', [args.id, checkedText(args.answer, 'answer', 2000), actorOf(ctx.caller)]);
        return (await ctx.db.query(`SELECT ${CORRECTION_SELECT} FROM ao_quality_correction WHERE id = $1`, [args.id]))[0];
      },
    },
  };
}
