// 需求清单: an institution that needs data the catalog does not list files a demand; it is answered
// (agreed, to be catalogued and provided, or declined with reasons) by whoever the profile's article
// names — the data authority, which settles it with the bodies concerned (Yunnan Art.28 ¶2, Kunming
// Art.16 ¶2, Guiyang Art.22 ¶5: no day count), or the provider within 5 working days (Ganzi Art.21).
// A demand past its due date is shown as overdue, to its filer and to the authority. Where the profile
// says so, the public (developers) file demands for data not yet open, which the named provider answers
// after its assessment, without a day count (Ganzi Art.27).
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { WorkingCalendar } from './calendar/working-days';
import { deadlineFor, type JurisdictionProfile } from './profiles/profile';
import { badUserInput } from '../common/errors';
import { requiredText } from '../common/arguments';
import type { SubgraphContext } from '../common/run-subgraph';
import { actorOf, forbidden, hasRole } from './permissions';
import { adminAreaOf, inAreaSql, institutionOf } from './institution-registry';
import { chinaDay, isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const SELECT = `id, institution, filer_kind AS "filerKind", provider_code AS "providerCode", description, need_basis AS "needBasis", status,
  ${isoColumn('filed_at')} AS "filedAt", due_on::text AS "dueOn", answer, answered_by AS "answeredBy", ${isoColumn('answered_at')} AS "answeredAt"`;

interface DemandRow {
  id: string;
  institution: string;
  providerCode: string | null;
  status: string;
  dueOn: string | null;
}

const OUTCOMES = { AGREED: 'agreed', DECLINED: 'declined' } as const;

export function demandListResolvers(deps: { profile: JurisdictionProfile; calendar: WorkingCalendar; now?: () => Date }): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  const hasDeadline = deps.profile.sla.demandAnswer.workingDays !== null;

  return {
    Query: {
      dataDemands: async (_: unknown, args: { overdue?: boolean }, ctx: Context) => {
        const caller = ctx.caller!;
        const params: unknown[] = [];
        let where: string;
        // An authority: demands of institutions in its area; a provider: those naming it and its own; others: their own.
        const area = await adminAreaOf(ctx);
        if (caller.kind === 'developer') where = `filer_kind = 'developer' AND institution = $${params.push(caller.id)}`;
        else if (area !== undefined) where = `filer_kind = 'institution' AND ${inAreaSql('data_demand.institution', area, params)}`;
        else if (hasRole(caller, 'provider')) where = `(provider_code = $${params.push(caller.id)} OR (filer_kind = 'institution' AND institution = $${params.length}))`;
        else where = `filer_kind = 'institution' AND institution = $${params.push(caller.id)}`;
        if (args.overdue) where += ` AND status = 'pending' AND due_on < $${params.push(chinaDay(now()))}::date`;
        return ctx.db.query(`SELECT ${SELECT} FROM data_demand WHERE ${where} ORDER BY filed_at DESC LIMIT 500`, params);
      },
    },
    Mutation: {
      fileDataDemand: async (_: unknown, { input }: { input: { description: string; needBasis: string; providerCode?: string } }, ctx: Context) => {
        const caller = ctx.caller!;
        const description = requiredText(input.description, 'description', '请说明所需数据', 'describe the data needed');
        const needBasis = requiredText(input.needBasis, 'needBasis', '请说明履职需要及依据', 'state the duty that needs it and its legal basis');
        const providerCode = input.providerCode?.trim() || null;
        const fromPublic = caller.kind === 'developer';
        const openDemand = deps.profile.openDataDemand;
        if (fromPublic && !openDemand) throw forbidden('本地区开放平台不受理数据需求申请', 'in this jurisdiction the open-data platform takes no demands from the public');
        // Ganzi Art.21 (institutions) and Art.27 (the public): the provider answers, so the demand must name a registered one.
        if ((deps.profile.id === 'ganzi' || fromPublic) && !providerCode) {
          const article = fromPublic ? openDemand!.article : '甘孜 第二十一条';
          throw badUserInput(`请指明数据提供单位（${article}）`, `name the providing body (${article})`, { argument: 'providerCode' });
        }
        if (providerCode && !(await institutionOf(ctx.db, providerCode))) throw badUserInput('数据提供单位未登记', 'the providing body is not registered', { argument: 'providerCode' });
        const filedAt = now();
        // Art.27's demands have no day count (the 5 working days of Art.21 are the institutions').
        const due = hasDeadline && !fromPublic ? deadlineFor(deps.profile, 'demandAnswer', filedAt, deps.calendar).due : null;
        const id = `demand-${crypto.randomUUID()}`;
        await ctx.db.query(
          `INSERT INTO data_demand (id, institution, operator, provider_code, description, need_basis, filed_at, due_on, filer_kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [id, caller.id, caller.operator ?? '', providerCode, description, needBasis, filedAt.toISOString(), due, fromPublic ? 'developer' : 'institution'],
        );
        return (await ctx.db.query(`SELECT ${SELECT} FROM data_demand WHERE id = $1`, [id]))[0];
      },
      answerDataDemand: async (_: unknown, args: { id: string; outcome: keyof typeof OUTCOMES; answer: string }, ctx: Context) => {
        const [row] = await ctx.db.query<DemandRow>(`SELECT ${SELECT} FROM data_demand WHERE id = $1`, [args.id]);
        if (!row) throw badUserInput('需求不存在', 'no such demand', { argument: 'id' });
        const area = await adminAreaOf(ctx);
        const isNamedProvider = hasRole(ctx.caller, 'provider') && row.providerCode !== null && row.providerCode === ctx.caller?.id;
        // The authority of the filer's area answers (it settles the demand with the bodies concerned); the named provider may too.
        if (!isNamedProvider && area === undefined) throw forbidden('只有数据主管部门或所指明的数据提供单位可以答复', 'only the data authority or the named provider answers a demand');
        if (!isNamedProvider && area !== undefined) {
          const params: unknown[] = [args.id];
          const [visible] = await ctx.db.query(`SELECT 1 FROM data_demand WHERE id = $1 AND ${inAreaSql('data_demand.institution', area, params)}`, params);
          if (!visible) throw forbidden('该需求不在本部门辖区', 'the demand is outside your area');
        }
        if (!Object.hasOwn(OUTCOMES, args.outcome)) throw badUserInput('答复结果无效', 'unknown outcome', { argument: 'outcome' });
        const answer = requiredText(args.answer, 'answer', '请说明答复内容（不同意的须说明理由）', 'give the answer (the reasons, when declining)');
        if (row.status !== 'pending') throw badUserInput('需求已答复', 'the demand is already answered', { argument: 'id' });
        await ctx.db.query(
          `UPDATE data_demand SET status = $2, answer = $3, answered_by = $4, answered_at = $5 WHERE id = $1 AND status = 'pending'`,
          [args.id, OUTCOMES[args.outcome], answer, actorOf(ctx.caller), now().toISOString()],
        );
        return (await ctx.db.query(`SELECT ${SELECT} FROM data_demand WHERE id = $1`, [args.id]))[0];
      },
    },
    DataDemand: {
      status: (d: DemandRow) => d.status.toUpperCase(),
      overdue: (d: DemandRow) => d.status === 'pending' && d.dueOn !== null && d.dueOn < chinaDay(now()),
    },
  };
}
