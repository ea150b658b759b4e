// 数据回流 (Yunnan Art.18): a lower-level public body asks a higher-level provider for the provider's
// data about its own division; the provider answers within the profile's days (dataReturnAnswer) and an
// approval is a grant limited to the requester's division (division_scope), never wider.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { approvingDataset, type Catalog } from '../../directives/catalog';
import { divisionPrefix } from '../../lib/identifiers/divisions';
import type { WorkingCalendar } from './calendar/working-days';
import { deadlineFor, type JurisdictionProfile } from './profiles/profile';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { actorOf, forbidden, hasRole } from './permissions';
import { adminAreaOf, divisionOfInstitution, inAreaSql } from './institution-registry';
import { checkValidity } from './application-resolvers';
import { requiredText, scenarioArgument } from '../common/arguments';
import { changePolicy, upsertGrant } from './grant-writer';
import type { PolicyChangeNotifier } from './policy-state';
import { chinaDay, isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const SELECT = `id, institution, provider_code AS "providerCode", fields, division_scope AS "divisionScope", reason, status,
  ${isoColumn('filed_at')} AS "filedAt", due_on::text AS "dueOn", answer, answered_by AS "answeredBy", grant_id AS "grantId",
  scenario, ${isoColumn('valid_until')} AS "validUntil"`;

interface ReturnRow {
  id: string;
  institution: string;
  providerCode: string;
  fields: string[];
  divisionScope: string;
  status: string;
  dueOn: string;
  scenario: string;
  validUntil: string;
}

interface ReturnInput { scenario: string; fields: string[]; reason: string; validUntil: string }

export function dataReturnResolvers(deps: { catalog: Catalog; profile: JurisdictionProfile; calendar: WorkingCalendar; notifier: PolicyChangeNotifier; now?: () => Date }): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  const load = async (ctx: Context, id: string) => (await ctx.db.query<ReturnRow>(`SELECT ${SELECT} FROM data_return WHERE id = $1`, [id]))[0];

  return {
    Query: {
      dataReturns: async (_: unknown, args: { overdue?: boolean }, ctx: Context) => {
        const caller = ctx.caller!;
        const params: unknown[] = [];
        let where: string;
        const area = await adminAreaOf(ctx);
        if (area !== undefined) where = inAreaSql('data_return.institution', area, params);
        else if (hasRole(caller, 'provider')) where = `(provider_code = $${params.push(caller.id)} OR institution = $${params.length})`;
        else where = `institution = $${params.push(caller.id)}`;
        if (args.overdue) where += ` AND status = 'pending' AND due_on < $${params.push(chinaDay(now()))}::date`;
        return ctx.db.query(`SELECT ${SELECT} FROM data_return WHERE ${where} ORDER BY filed_at DESC LIMIT 500`, params);
      },
    },
    Mutation: {
      requestDataReturn: async (_: unknown, { input }: { input: ReturnInput }, ctx: Context) => {
        const caller = ctx.caller!;
        const filedAt = now();
        scenarioArgument(input.scenario);
        const reason = requiredText(input.reason, 'reason', '请说明回流用途', 'state what the returned data is for');
        if (!input.fields.length) throw badUserInput('请列出申请回流的字段', 'list the fields to be returned', { argument: 'fields' });
        const datasets = input.fields.map((coordinate) => {
          const dataset = approvingDataset(deps.catalog, coordinate);
          const attribute = deps.catalog.fields.get(coordinate)?.share?.attribute;
          if (!dataset || !attribute || attribute === 'NONE') throw badUserInput(`${coordinate} 不是可共享的目录字段`, `${coordinate} is not a shared catalogued field`, { argument: 'fields' });
          return dataset;
        });
        const providers = new Set(datasets.map((d) => d.providerCode));
        if (providers.size !== 1) throw badUserInput('一次回流申请只能针对一个数据提供单位的数据', 'one data-return request covers the data of one provider', { argument: 'fields' });
        const [providerCode] = providers;
        checkValidity(filedAt.toISOString(), input.validUntil, filedAt);
        // Art.18: returned from a higher level to a lower one, so the requester's division lies strictly inside the provider's.
        const own = await divisionOfInstitution(ctx.db, caller.id!);
        const providerDivision = await divisionOfInstitution(ctx.db, providerCode);
        if (!own || !providerDivision || own === providerDivision || !own.startsWith(divisionPrefix(providerDivision))) {
          throw badUserInput('数据回流由上级公共机构向下级公共机构提供（云南 第十八条）', 'data is returned by a higher-level body to a lower-level one inside its area (Yunnan Art.18)', { argument: 'fields', problem: 'NOT_A_LOWER_LEVEL' });
        }
        const due = deadlineFor(deps.profile, 'dataReturnAnswer', filedAt, deps.calendar).due;
        const id = `return-${crypto.randomUUID()}`;
        await ctx.db.query(
          `INSERT INTO data_return (id, institution, operator, provider_code, scenario, fields, division_scope, reason, valid_until, filed_at, due_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [id, caller.id, caller.operator ?? '', providerCode, input.scenario, input.fields, divisionPrefix(own), reason, input.validUntil, filedAt.toISOString(), due],
        );
        return load(ctx, id);
      },
      answerDataReturn: async (_: unknown, args: { id: string; approve: boolean; answer: string }, ctx: Context) => {
        const row = await load(ctx, args.id);
        if (!row) throw badUserInput('回流申请不存在', 'no such data-return request', { argument: 'id' });
        if (!hasRole(ctx.caller, 'provider') || ctx.caller?.id !== row.providerCode) throw forbidden('只有数据提供单位可以答复回流申请', 'only the providing body answers a data-return request');
        const answer = args.answer?.trim() ?? '';
        if (!answer || answer.length > 4000) throw badUserInput('请说明答复（不同意的须说明理由）', 'give the answer (the reasons, when refusing)', { argument: 'answer' });
        if (row.status !== 'pending') throw badUserInput('回流申请已答复', 'the request is already answered', { argument: 'id' });
        const at = now();
        if (args.approve && Date.parse(row.validUntil) <= at.getTime()) throw badUserInput('申请的有效期已过', 'the validity asked for has passed', { argument: 'id' });
        const grantId = args.approve ? `grant-${row.id}` : null;
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          // The grant is limited to the requester's own division, whatever the fields.
          if (grantId) {
            await upsertGrant(tx, {
              id: grantId, grantee: { kind: 'institution', id: row.institution }, scenario: row.scenario, fields: row.fields, plain: [],
              validFrom: at.toISOString(), validUntil: row.validUntil, divisionScope: row.divisionScope,
            });
          }
          await tx.query(`UPDATE data_return SET status = $2, answer = $3, answered_by = $4, answered_at = $5, grant_id = $6 WHERE id = $1`,
            [row.id, args.approve ? 'approved' : 'refused', answer, actorOf(ctx.caller), at.toISOString(), grantId]);
        });
        return load(ctx, row.id);
      },
    },
    DataReturn: {
      status: (r: ReturnRow) => r.status.toUpperCase(),
      overdue: (r: ReturnRow) => r.status === 'pending' && r.dueOn < chinaDay(now()),
    },
  };
}
