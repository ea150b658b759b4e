// Agreements of authorized operation (seed 001): operation agreements (运营协议, 【运营机构选择】) between
// the implementing agency's side (an authority) and an operator — scope of datasets and fields, never
// 不予开放 data (Yunnan Art.38), products, security requirements, at most 5 years — and development
// agreements (开发利用协议, 【开发主体选择】) between an operator and a developer entity: selected,
// published (公示) at least 5 working days, then signed; at most 3 years; rights, fees, exit. Signing
// grants the developer its products under the agreement's scenario until the agreement ends; ending it
// (termination here, expiry by time) closes them (【开发利用要求】(五), see authorized-operation-rights.ts).
import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Queryable } from '../../lib/db/database';
import { datasetByCode, type Catalog } from '../../directives/catalog';
import { PRODUCT_COORDINATES } from '../../directives/products';
import {
  DEVELOPMENT_TERM_MAX_MONTHS, inoperableFields, isFreePurpose, OPERATION_TERM_MAX_MONTHS, PUBLICITY_WORKING_DAYS, PURPOSES, publicityOver, termAllowed, type Purpose,
} from '../../directives/authorized-operation';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { CalendarRangeError, type WorkingCalendar } from './calendar/working-days';
import { changePolicy, upsertGrant } from './grant-writer';
import type { PolicyChangeNotifier } from './policy-state';
import { actorOf } from './permissions';
import { requireAdminArea } from './institution-registry';
import { callerParty, checkedText, isAuthority, newId, partyById, refuseBlocked, requireCallerParty } from './authorized-operation-parties';
import { DEVELOPMENT_IN_FORCE, OPERATION_IN_FORCE, today } from './authorized-operation-sql';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

export interface AgreementDeps {
  catalog: Catalog;
  calendar: WorkingCalendar;
  notifier: PolicyChangeNotifier;
}


const OPERATION_SELECT = `o.id, o.agency_id AS "agencyId", o.operator_id AS "operatorId", o.datasets, o.fields, o.products,
  o.security_requirements AS "securityRequirements", o.term_months AS "termMonths", ${isoColumn('o.signed_at')} AS "signedAt", ${isoColumn('o.ends_at')} AS "endsAt",
  CASE WHEN o.terminated_at IS NOT NULL THEN 'TERMINATED' WHEN o.ends_at <= now() THEN 'EXPIRED' ELSE 'ACTIVE' END AS status,
  CASE WHEN o.terminated_at IS NULL THEN NULL ELSE ${isoColumn('o.terminated_at')} END AS "terminatedAt", o.termination_reason AS "terminationReason"`;

const DEVELOPMENT_SELECT = `d.id, d.operation_agreement_id AS "operationAgreementId", d.operator_id AS "operatorId", d.developer_id AS "developerId", d.purpose, d.scenario,
  d.rights, d.exit_terms AS "exitTerms", d.products, d.fee_fen AS "feeFen", d.term_months AS "termMonths", ${isoColumn('d.selected_at')} AS "selectedAt",
  CASE WHEN d.published_at IS NULL THEN NULL ELSE ${isoColumn('d.published_at')} END AS "publishedAt",
  CASE WHEN d.signed_at IS NULL THEN NULL ELSE ${isoColumn('d.signed_at')} END AS "signedAt",
  CASE WHEN d.ends_at IS NULL THEN NULL ELSE ${isoColumn('d.ends_at')} END AS "endsAt",
  CASE WHEN d.terminated_at IS NOT NULL THEN 'TERMINATED' WHEN d.signed_at IS NULL AND d.published_at IS NULL THEN 'SELECTED' WHEN d.signed_at IS NULL THEN 'PUBLISHED'
       WHEN d.ends_at <= now() THEN 'EXPIRED' ELSE 'ACTIVE' END AS status,
  CASE WHEN d.terminated_at IS NULL THEN NULL ELSE ${isoColumn('d.terminated_at')} END AS "terminatedAt", d.termination_reason AS "terminationReason"`;

export interface DevelopmentRow {
  id: string;
  operationAgreementId: string;
  operatorId: string;
  developerId: string;
  purpose: Purpose;
  scenario: string;
  products: string[];
  feeFen: number[];
  publishedAt: string | null;
  signedAt: string | null;
  endsAt: string | null;
  terminatedAt: string | null;
  status: string;
}

/** The publicity's last working day; null until published, or while the calendar lacks that year (CALENDAR_FILES). */
function publicityEndsOn(calendar: WorkingCalendar, publishedAt: string | null): string | null {
  if (!publishedAt) return null;
  try {
    return calendar.addWorkingDays(new Date(publishedAt), PUBLICITY_WORKING_DAYS);
  } catch (error) {
    if (error instanceof CalendarRangeError) return null;
    throw error;
  }
}

/** A development agreement as the API shows it: fees paired with products, the publicity's last day. */
export function developmentView(calendar: WorkingCalendar) {
  return (row: DevelopmentRow) => ({
    ...row,
    fees: row.products.map((product, i) => ({ product, feeFen: row.feeFen[i] })),
    publicityEndsOn: publicityEndsOn(calendar, row.publishedAt),
  });
}

export async function operationAgreements(db: Queryable, where = 'true', params: unknown[] = []) {
  return db.query<{ id: string; operatorId: string; products: string[]; status: string; endsAt: string }>(`SELECT ${OPERATION_SELECT} FROM ao_operation_agreement o WHERE ${where} ORDER BY o.signed_at, o.id`, params);
}

export async function developmentAgreements(db: Queryable, where = 'true', params: unknown[] = []): Promise<DevelopmentRow[]> {
  return db.query<DevelopmentRow>(`SELECT ${DEVELOPMENT_SELECT} FROM ao_development_agreement d WHERE ${where} ORDER BY d.selected_at, d.id`, params);
}

async function developmentById(db: Queryable, id: string): Promise<DevelopmentRow> {
  const [row] = await developmentAgreements(db, 'd.id = $1', [id]);
  if (!row) throw badUserInput('没有此开发利用协议', 'no such development agreement', { argument: 'id' });
  return row;
}

/** The operator's own development agreement, or a coded error (another operator's is as unknown as a missing one). */
async function operatorsAgreement(ctx: Context, id: string): Promise<DevelopmentRow> {
  const operator = await requireCallerParty(ctx, 'OPERATOR');
  const row = await developmentById(ctx.db, id);
  if (row.operatorId !== operator.id) throw badUserInput('没有此开发利用协议', 'no such development agreement', { argument: 'id' });
  return row;
}

function checkTerm(months: number, max: number, zh: string, en: string): void {
  if (!termAllowed(months, max)) throw badUserInput(`${zh}期限应为1至${max}个月`, `${en} term must be 1 to ${max} months`, { argument: 'termMonths', max });
}

function checkProducts(products: readonly string[], allowed: readonly string[]): void {
  const outside = products.filter((p) => !allowed.includes(p));
  if (!products.length || outside.length || new Set(products).size !== products.length) {
    throw badUserInput(`产品清单应为不重复的已声明产品${outside.length ? `，不含：${outside.join('、')}` : ''}`, `the product list must name distinct declared products${outside.length ? `, not ${outside.join(', ')}` : ''}`, { argument: 'products' });
  }
}

/** Ends a development agreement and revokes its product grant, inside the caller's transaction. */
async function endDevelopment(tx: Queryable, where: string, params: unknown[], reason: string): Promise<void> {
  const ended = await tx.query<{ grantId: string | null }>(
    `UPDATE ao_development_agreement d SET terminated_at = now(), termination_reason = $${params.length + 1} WHERE ${where} AND d.terminated_at IS NULL RETURNING grant_id AS "grantId"`,
    [...params, reason],
  );
  const grants = ended.map((e) => e.grantId).filter((g): g is string => g !== null);
  if (grants.length) await tx.query(`UPDATE grant_record SET status = 'revoked', updated_at = now() WHERE id = ANY($1::text[])`, [grants]);
}

export function authorizedOperationAgreementResolvers(deps: AgreementDeps): GraphQLResolverMap<Context> {
  const view = developmentView(deps.calendar);
  return {
    Query: {
      operationAgreements: async (_: unknown, __: unknown, ctx: Context) => {
        if (await isAuthority(ctx)) return operationAgreements(ctx.db);
        const own = [await callerParty(ctx, 'OPERATOR'), await callerParty(ctx, 'IMPLEMENTING_AGENCY')].filter(Boolean).map((p) => p!.id);
        return operationAgreements(ctx.db, '(o.operator_id = ANY($1::text[]) OR o.agency_id = ANY($1::text[]))', [own]);
      },
      developmentAgreements: async (_: unknown, __: unknown, ctx: Context) => {
        if (ctx.caller?.kind === 'developer') {
          const developer = await callerParty(ctx, 'DEVELOPER');
          return developer ? (await developmentAgreements(ctx.db, 'd.developer_id = $1', [developer.id])).map(view) : [];
        }
        if (await isAuthority(ctx)) return (await developmentAgreements(ctx.db)).map(view);
        const operator = await callerParty(ctx, 'OPERATOR');
        return operator ? (await developmentAgreements(ctx.db, 'd.operator_id = $1', [operator.id])).map(view) : [];
      },
    },
    Mutation: {
      signOperationAgreement: async (_: unknown, args: { input: { agencyId: string; operatorId: string; datasets: string[]; fields: string[]; products: string[]; securityRequirements: string; termMonths: number } }, ctx: Context) => {
        await requireAdminArea(ctx);
        const input = args.input;
        const agency = await partyById(ctx.db, input.agencyId, 'agencyId');
        const operator = await partyById(ctx.db, input.operatorId, 'operatorId');
        if (agency.kind !== 'IMPLEMENTING_AGENCY') throw badUserInput('agencyId须为实施机构', 'agencyId must be an implementing agency', { argument: 'agencyId' });
        if (operator.kind !== 'OPERATOR') throw badUserInput('operatorId须为运营机构', 'operatorId must be an operator', { argument: 'operatorId' });
        refuseBlocked(operator);
        // Seed 001 【运营机构选择】(二): 运营期限原则上最长不超过5年.
        checkTerm(input.termMonths, OPERATION_TERM_MAX_MONTHS, '运营协议', "an operation agreement's");
        const unknownDatasets = input.datasets.filter((d) => !datasetByCode(deps.catalog, d));
        if (!input.datasets.length || unknownDatasets.length) throw badUserInput(`数据资源范围应为目录中的数据集${unknownDatasets.length ? `，不含：${unknownDatasets.join('、')}` : ''}`, `the scope must name catalogued datasets${unknownDatasets.length ? `, not ${unknownDatasets.join(', ')}` : ''}`, { argument: 'datasets' });
        // Yunnan Art.38: 不予开放 data is never operated; nor fields outside the datasets in scope.
        const { notOpen, unknown } = inoperableFields(deps.catalog, input.fields);
        if (notOpen.length) {
          throw new GraphQLError(`不予开放的数据不得纳入授权运营（云南省公共数据管理办法第三十八条）：${notOpen.join('、')} / data not open (不予开放) is never operated (Yunnan Art.38): ${notOpen.join(', ')}`, {
            extensions: { code: 'BAD_USER_INPUT', argument: 'fields', reason: 'NOT_OPEN', fields: notOpen },
          });
        }
        const outside = input.fields.filter((f) => !unknown.includes(f) && !input.datasets.includes(deps.catalog.fields.get(f)?.dataset?.code ?? ''));
        if (!input.fields.length || unknown.length || outside.length) {
          throw badUserInput(`字段应为所列数据集中的目录字段：${[...unknown, ...outside].join('、')}`, `fields must be catalogued fields of the datasets in scope: ${[...unknown, ...outside].join(', ')}`, { argument: 'fields' });
        }
        checkProducts(input.products, PRODUCT_COORDINATES);
        const security = checkedText(input.securityRequirements, 'securityRequirements', 5000);
        const id = newId('opa');
        await ctx.db.query(
          `INSERT INTO ao_operation_agreement (id, agency_id, operator_id, datasets, fields, products, security_requirements, term_months, signed_by, ends_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(months => $8::int))`,
          [id, agency.id, operator.id, input.datasets, input.fields, input.products, security, input.termMonths, actorOf(ctx.caller)],
        );
        return (await operationAgreements(ctx.db, 'o.id = $1', [id]))[0];
      },
      terminateOperationAgreement: async (_: unknown, args: { id: string; reason: string }, ctx: Context) => {
        await requireAdminArea(ctx);
        const reason = checkedText(args.reason, 'reason', 500);
        const [found] = await operationAgreements(ctx.db, 'o.id = $1', [args.id]);
        if (!found) throw badUserInput('没有此运营协议', 'no such operation agreement', { argument: 'id' });
        if (found.status !== 'ACTIVE') throw badUserInput('该运营协议已终止或到期', 'the operation agreement has already ended', { argument: 'id' });
        // The developers' agreements under it end with it: the operator can no longer deliver (【开发利用要求】(五)).
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          await tx.query('UPDATE ao_operation_agreement SET terminated_at = now(), termination_reason = $2 WHERE id = $1 AND terminated_at IS NULL', [args.id, reason]);
          await endDevelopment(tx, 'd.operation_agreement_id = $1', [args.id], `运营协议终止 / operation agreement terminated: ${reason}`);
        });
        return (await operationAgreements(ctx.db, 'o.id = $1', [args.id]))[0];
      },
      selectDeveloper: async (_: unknown, args: { input: { operationAgreementId: string; developerId: string; purpose: Purpose; rights: string; exitTerms: string; fees: { product: string; feeFen: number }[]; termMonths: number } }, ctx: Context) => {
        const operator = await requireCallerParty(ctx, 'OPERATOR');
        refuseBlocked(operator);
        const input = args.input;
        const [operation] = await operationAgreements(ctx.db, 'o.id = $1 AND o.operator_id = $2', [input.operationAgreementId, operator.id]);
        if (!operation) throw badUserInput('没有此运营协议', 'you have no such operation agreement', { argument: 'operationAgreementId' });
        if (operation.status !== 'ACTIVE') throw badUserInput('运营协议已终止或到期', 'the operation agreement has ended', { argument: 'operationAgreementId' });
        const developer = await partyById(ctx.db, input.developerId, 'developerId');
        if (developer.kind !== 'DEVELOPER') throw badUserInput('developerId须为开发主体', 'developerId must be a developer entity', { argument: 'developerId' });
        refuseBlocked(developer);
        if (!(PURPOSES as readonly string[]).includes(input.purpose)) throw badUserInput('用途类别无效', 'unknown purpose', { argument: 'purpose' });
        // Seed 001 【开发主体选择】(四): 协议期限原则上不超过3年.
        checkTerm(input.termMonths, DEVELOPMENT_TERM_MAX_MONTHS, '开发利用协议', "a development agreement's");
        const products = input.fees.map((f) => f.product);
        checkProducts(products, operation.products);
        // Seed 001 【产品和服务定价】: free for public governance and welfare; a fee per call otherwise, whole fen.
        const badFee = input.fees.find((f) => !Number.isInteger(f.feeFen) || f.feeFen < 0 || f.feeFen > 100_000_000 || (isFreePurpose(input.purpose) && f.feeFen !== 0));
        if (badFee) {
          throw badUserInput(isFreePurpose(input.purpose) ? '用于公共治理、公益事业的产品免费提供，费用应为0' : '运营服务费应为不小于0的整数（分）', isFreePurpose(input.purpose) ? 'products for public governance or welfare are free: fees must be 0' : 'fees are whole fen, not negative', { argument: 'fees', product: badFee.product });
        }
        const id = newId('dev');
        await ctx.db.query(
          `INSERT INTO ao_development_agreement (id, operation_agreement_id, operator_id, developer_id, purpose, scenario, rights, exit_terms, products, fee_fen, term_months, selected_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [id, operation.id, operator.id, developer.id, input.purpose, `ao-${id}`, checkedText(input.rights, 'rights', 5000), checkedText(input.exitTerms, 'exitTerms', 5000), products, input.fees.map((f) => f.feeFen), input.termMonths, actorOf(ctx.caller)],
        );
        return view(await developmentById(ctx.db, id));
      },
      publishDeveloperSelection: async (_: unknown, args: { id: string }, ctx: Context) => {
        const row = await operatorsAgreement(ctx, args.id);
        if (row.status !== 'SELECTED') throw badUserInput('只能公示尚未公示的选定结果', 'only a selection not yet published can be published', { argument: 'id' });
        await ctx.db.query('UPDATE ao_development_agreement SET published_at = now() WHERE id = $1 AND published_at IS NULL', [row.id]);
        return view(await developmentById(ctx.db, row.id));
      },
      signDevelopmentAgreement: async (_: unknown, args: { id: string }, ctx: Context) => {
        const row = await operatorsAgreement(ctx, args.id);
        if (row.status !== 'PUBLISHED') throw badUserInput('只能签订已公示、尚未签订的协议', 'only a published selection not yet signed can be signed', { argument: 'id', status: row.status });
        // Seed 001 【开发主体选择】(三)(四): 公示不少于5个工作日，经公示无异议后签订.
        const endsOn = view(row).publicityEndsOn;
        if (endsOn === null) {
          throw badUserInput('工作日历未覆盖公示期所在年份，无法确认公示期届满（请加载该年日历：CALENDAR_FILES）', "the working-day calendar does not cover the publicity's year: its end cannot be known (load that year with CALENDAR_FILES)", { argument: 'id', reason: 'CALENDAR_NOT_COVERED' });
        }
        if (!publicityOver(today(), endsOn)) {
          throw badUserInput(`公示期不少于${PUBLICITY_WORKING_DAYS}个工作日，至${endsOn}届满，届满后方可签订`, `the selection is published for at least ${PUBLICITY_WORKING_DAYS} working days, until ${endsOn}: sign after that`, { argument: 'id', reason: 'PUBLICITY_RUNNING', publicityEndsOn: endsOn });
        }
        const developer = await partyById(ctx.db, row.developerId);
        refuseBlocked(developer);
        const [operation] = await operationAgreements(ctx.db, 'o.id = $1', [row.operationAgreementId]);
        if (operation.status !== 'ACTIVE') throw badUserInput('运营协议已终止或到期', 'the operation agreement has ended', { argument: 'id' });
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          const [signed] = await tx.query<{ signedAt: string; endsAt: string }>(
            `UPDATE ao_development_agreement SET signed_at = now(), ends_at = LEAST(now() + make_interval(months => term_months), $2::timestamptz), grant_id = $3
             WHERE id = $1 AND signed_at IS NULL AND terminated_at IS NULL RETURNING ${isoColumn('signed_at')} AS "signedAt", ${isoColumn('ends_at')} AS "endsAt"`,
            [row.id, operation.endsAt, `ao-grant-${row.id}`],
          );
          if (!signed) throw badUserInput('该协议刚被签订或终止', 'the agreement was just signed or ended', { argument: 'id' });
          // The developer's right to its products: a grant under the agreement's scenario, ending with it.
          await upsertGrant(tx, { id: `ao-grant-${row.id}`, grantee: { kind: 'developer', id: developer.account }, scenario: row.scenario, fields: row.products, validFrom: signed.signedAt, validUntil: signed.endsAt });
        });
        return view(await developmentById(ctx.db, row.id));
      },
      terminateDevelopmentAgreement: async (_: unknown, args: { id: string; reason: string }, ctx: Context) => {
        const row = (await isAuthority(ctx)) ? await developmentById(ctx.db, args.id) : await operatorsAgreement(ctx, args.id);
        if (row.status === 'TERMINATED' || row.status === 'EXPIRED') throw badUserInput('该协议已终止或到期', 'the agreement has already ended', { argument: 'id' });
        const reason = checkedText(args.reason, 'reason', 500);
        await changePolicy(ctx.db, deps.notifier, (tx) => endDevelopment(tx, 'd.id = $1', [row.id], reason));
        return view(await developmentById(ctx.db, row.id));
      },
    },
  };
}
