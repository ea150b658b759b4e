// Parties of authorized operation (授权运营, seed 001 【术语定义】): implementing agencies (实施机构),
// operators (运营机构) and developer entities (开发主体), each a legal person by its unified social
// credit code (GB 32100, checked), registered by an authority, with the account that acts for it: an
// institution's credit code (its tokens) for agencies and operators, a developer account (its keys and
// portal tokens) for developers. Also the helpers the other authorized-operation modules share.
import crypto from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Queryable } from '../../lib/db/database';
import { validateCreditCode } from '../../lib/identifiers';
import { PARTY_KINDS, type PartyKind } from '../../directives/authorized-operation';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { adminAreaOf, requireAdminArea } from './institution-registry';
import { actorOf, forbidden, hasRole } from './permissions';
import { isoColumn } from './sql-dates';
import { blockedSql, today } from './authorized-operation-sql';

type Context = SubgraphContext<Record<string, never>>;

export const newId = (prefix: string): string => `${prefix}-${crypto.randomBytes(6).toString('hex')}`;


const PARTY_SELECT = (today: string) => `id, kind, name, credit_code AS "creditCode", account, ${isoColumn('registered_at')} AS "registeredAt", ${blockedSql('ao_party.id', today)} AS blocked`;

export interface Party {
  id: string;
  kind: PartyKind;
  name: string;
  creditCode: string;
  account: string;
  blocked: boolean;
}


export async function partyById(db: Queryable, id: string, argument = 'partyId'): Promise<Party> {
  const [party] = await db.query<Party>(`SELECT ${PARTY_SELECT('$2')} FROM ao_party WHERE id = $1`, [id, today()]);
  if (!party) throw badUserInput('没有此授权运营参与方', 'no such party of authorized operation', { argument });
  return party;
}

/** Seed 001 黑名单: a suspended, cancelled or excluded party enters no new agreement. */
export function refuseBlocked(party: Party): void {
  if (party.blocked) {
    throw new GraphQLError(`${party.name}已被列入黑名单（暂停、取消或禁入），不得签订新协议 / the party is blacklisted (suspended, cancelled or excluded): no new agreements`, {
      extensions: { code: 'FORBIDDEN', reason: 'BLACKLISTED', party: party.id },
    });
  }
}

/** Whether the caller is an authority (admin token of a registered authority). */
export async function isAuthority(ctx: Context): Promise<boolean> {
  return hasRole(ctx.caller, 'admin') && (await adminAreaOf(ctx)) !== undefined;
}

/** The party of `kind` the caller acts for: an institution for agencies and operators, a developer account for developers. */
export async function callerParty(ctx: Context, kind: PartyKind): Promise<Party | undefined> {
  const callerKind = kind === 'DEVELOPER' ? 'developer' : 'institution';
  if (ctx.caller?.kind !== callerKind || typeof ctx.caller.id !== 'string') return undefined;
  const [party] = await ctx.db.query<Party>(`SELECT ${PARTY_SELECT('$3')} FROM ao_party WHERE kind = $1 AND account = $2`, [kind, ctx.caller.id, today()]);
  return party;
}

export async function requireCallerParty(ctx: Context, kind: PartyKind): Promise<Party> {
  const party = await callerParty(ctx, kind);
  if (!party) {
    const role = { IMPLEMENTING_AGENCY: ['实施机构', 'an implementing agency'], OPERATOR: ['运营机构', 'an operator'], DEVELOPER: ['开发主体', 'a developer entity'] }[kind];
    throw forbidden(`仅登记的${role[0]}可执行此操作`, `only ${role[1]} registered for authorized operation may do this`);
  }
  return party;
}

/** A trimmed text of 1..max characters, or a coded error naming the argument. */
export function checkedText(value: string, argument: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed || Array.from(trimmed).length > max) throw badUserInput(`${argument}应为1至${max}个字符`, `${argument} must have 1 to ${max} characters`, { argument });
  return trimmed;
}

export function authorizedOperationPartyResolvers(): GraphQLResolverMap<Context> {
  return {
    Query: {
      // Authorities, and operators: they select developer entities (and supervise them) by these ids.
      operationParties: async (_: unknown, __: unknown, ctx: Context) => {
        if (!(await isAuthority(ctx))) await requireCallerParty(ctx, 'OPERATOR');
        return ctx.db.query(`SELECT ${PARTY_SELECT('$1')} FROM ao_party ORDER BY registered_at, id`, [today()]);
      },
    },
    Mutation: {
      registerOperationParty: async (_: unknown, args: { input: { kind: PartyKind; name: string; creditCode: string; account?: string | null } }, ctx: Context) => {
        await requireAdminArea(ctx);
        const { kind } = args.input;
        if (!(PARTY_KINDS as readonly string[]).includes(kind)) throw badUserInput('参与方种类无效', 'unknown party kind', { argument: 'kind' });
        const name = checkedText(args.input.name, 'name', 200);
        const creditCode = args.input.creditCode.trim();
        const check = validateCreditCode(creditCode);
        if (!check.ok) throw badUserInput(`统一社会信用代码无效：${check.zh}`, `invalid unified social credit code: ${check.en}`, { argument: 'creditCode', reason: check.reason });
        // Developers act through their developer account; agencies and operators through their institution's tokens.
        let account = creditCode;
        if (kind === 'DEVELOPER') {
          account = (args.input.account ?? '').trim();
          if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(account)) throw badUserInput('开发主体须指明其开发者账号', "a developer entity needs its developer account id", { argument: 'account' });
        }
        const rows = await ctx.db.query<{ id: string }>(
          `INSERT INTO ao_party (id, kind, name, credit_code, account, registered_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, credit_code) DO NOTHING RETURNING id`,
          [newId('party'), kind, name, creditCode, account, actorOf(ctx.caller)],
        );
        if (!rows.length) throw badUserInput('该统一社会信用代码已登记为此类参与方', 'this credit code is already registered as a party of this kind', { argument: 'creditCode' });
        return partyById(ctx.db, rows[0].id);
      },
    },
  };
}
