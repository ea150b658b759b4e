// Keeping the registry of institutions (admin operations): list, register, deregister, reinstate.
// Each authority keeps its own area: institutions in it, authorities only below it (the level above
// reviews an authority: Yunnan Art.12 ¶2, Kunming Art.11 ¶2). Every change bumps the policy version
// and is announced, so every gateway replica honours or refuses the institution's tokens at once.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { covers, levelOf, areaOf, mayKeepRegistryEntry } from '../../directives/jurisdiction';
import { divisionName, divisionPrefix, validateCreditCode, validateDivisionCode } from '../../lib/identifiers';
import type { Queryable } from '../../lib/db/database';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { changePolicy } from './grant-writer';
import { INSTITUTION_SELECT, institutionOf, outsideArea, requireAdminArea, type Institution, type InstitutionKind } from './institution-registry';
import type { PolicyChangeNotifier } from './policy-state';

type Context = SubgraphContext<Record<string, never>>;

interface InstitutionInput {
  creditCode: string;
  name: string;
  division: string;
  kind?: 'AUTHORITY' | 'INSTITUTION';
  reason?: string | null;
}

const MAX_NAME = 200;

const actorOf = (ctx: Context) => `${ctx.caller?.id}/${ctx.caller?.operator ?? ''}`;

function view(row: Institution) {
  return {
    ...row,
    kind: row.kind.toUpperCase(),
    status: row.status.toUpperCase(),
    divisionName: divisionName(row.division) ?? null,
    level: levelOf(row.division) ?? null,
    area: row.kind === 'authority' ? areaOf(row.division) : null,
  };
}

async function load(db: Queryable, creditCode: string) {
  const row = await institutionOf(db, creditCode);
  return row && view(row);
}

function checkCreditCode(creditCode: string): void {
  const check = validateCreditCode(creditCode);
  if (!check.ok) throw badUserInput(check.zh, check.en, { argument: 'creditCode' });
}

function checkDivision(division: string, argument = 'division'): void {
  const check = validateDivisionCode(division);
  if (!check.ok) throw badUserInput(check.zh, check.en, { argument });
}

function checkReason(reason: string | null | undefined, zh: string, en: string): string {
  if (!reason?.trim()) throw badUserInput(zh, en, { argument: 'reason' });
  return reason.trim();
}

/** FORBIDDEN unless the admin's area keeps this entry (an institution in it, an authority below it). */
function requireKeeper(area: string, entry: { kind: InstitutionKind; division: string; creditCode: string }): void {
  if (mayKeepRegistryEntry(area, entry)) return;
  if (entry.kind === 'authority' && covers(area, entry.division)) {
    throw outsideArea(`主管部门${entry.creditCode}由上一级主管部门登记（云南省条例第十二条），其`, `authority ${entry.creditCode} is registered by the level above it (Yunnan Art.12): it`);
  }
  throw outsideArea(`机构${entry.creditCode}`, `institution ${entry.creditCode}`);
}

export function institutionResolvers(deps: { notifier: PolicyChangeNotifier }): GraphQLResolverMap<Context> {
  return {
    Query: {
      institutions: async (_: unknown, args: { division?: string | null; status?: 'ACTIVE' | 'DEREGISTERED' | null }, ctx: Context) => {
        const area = await requireAdminArea(ctx);
        // Authorities see their area; a narrower division inside it narrows the list further.
        let prefix = area;
        if (args.division) {
          checkDivision(args.division);
          const asked = divisionPrefix(args.division);
          if (asked.startsWith(area)) prefix = asked;
          else if (!area.startsWith(asked)) throw outsideArea(`行政区划${args.division}`, `division ${args.division}`);
        }
        const params: unknown[] = [`${prefix}%`];
        let where = 'division LIKE $1';
        if (args.status) where += ` AND status = $${params.push(args.status.toLowerCase())}`;
        const rows = await ctx.db.query<Institution>(`SELECT ${INSTITUTION_SELECT} FROM institution WHERE ${where} ORDER BY division, credit_code LIMIT 5000`, params);
        return rows.map(view);
      },
    },
    Mutation: {
      registerInstitution: async (_: unknown, { input }: { input: InstitutionInput }, ctx: Context) => {
        const area = await requireAdminArea(ctx);
        checkCreditCode(input.creditCode);
        const name = input.name?.trim() ?? '';
        if (!name || name.length > MAX_NAME) throw badUserInput(`机构名称须为1至${MAX_NAME}个字符`, `the name must be 1 to ${MAX_NAME} characters`, { argument: 'name' });
        checkDivision(input.division);
        const kind: InstitutionKind = input.kind === 'AUTHORITY' ? 'authority' : 'institution';
        requireKeeper(area, { kind, division: input.division, creditCode: input.creditCode });
        const existing = await institutionOf(ctx.db, input.creditCode);
        if (existing) {
          throw existing.status === 'active'
            ? badUserInput('该机构已登记', 'this institution is registered already', { argument: 'creditCode', reason: 'ALREADY_REGISTERED' })
            : badUserInput('该机构已注销登记，请使用恢复登记', 'this institution was deregistered: reinstate it instead', { argument: 'creditCode', reason: 'DEREGISTERED' });
        }
        await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query(
            `INSERT INTO institution (credit_code, name, division, kind, registered_by, register_reason) VALUES ($1, $2, $3, $4, $5, $6)`,
            [input.creditCode, name, input.division, kind, actorOf(ctx), input.reason?.trim() || null],
          ),
        );
        return load(ctx.db, input.creditCode);
      },
      deregisterInstitution: async (_: unknown, args: { creditCode: string; reason: string }, ctx: Context) => {
        const area = await requireAdminArea(ctx);
        checkCreditCode(args.creditCode);
        const reason = checkReason(args.reason, '请说明注销登记的理由', 'give the reason for deregistering');
        const entry = await institutionOf(ctx.db, args.creditCode);
        if (!entry) throw badUserInput('该机构未登记', 'no such institution in the registry', { argument: 'creditCode' });
        requireKeeper(area, entry);
        if (entry.status !== 'active') throw badUserInput('该机构已注销登记', 'this institution is deregistered already', { argument: 'creditCode' });
        // Its tokens are refused from the next request on, on every replica (the version bump is announced).
        await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query(`UPDATE institution SET status = 'deregistered', deregistered_by = $2, deregistered_at = now(), deregister_reason = $3 WHERE credit_code = $1`, [args.creditCode, actorOf(ctx), reason]),
        );
        return load(ctx.db, args.creditCode);
      },
      reinstateInstitution: async (_: unknown, args: { creditCode: string; reason: string }, ctx: Context) => {
        const area = await requireAdminArea(ctx);
        checkCreditCode(args.creditCode);
        const reason = checkReason(args.reason, '请说明恢复登记的理由', 'give the reason for reinstating');
        const entry = await institutionOf(ctx.db, args.creditCode);
        if (!entry) throw badUserInput('该机构未登记', 'no such institution in the registry', { argument: 'creditCode' });
        requireKeeper(area, entry);
        if (entry.status === 'active') throw badUserInput('该机构登记有效，无需恢复', 'this institution is registered and active', { argument: 'creditCode' });
        await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query(`UPDATE institution SET status = 'active', reinstated_by = $2, reinstated_at = now(), reinstate_reason = $3 WHERE credit_code = $1`, [args.creditCode, actorOf(ctx), reason]),
        );
        return load(ctx.db, args.creditCode);
      },
    },
  };
}
