// The developer portal's apps and agreements (issue 15): a developer (signed in, or calling with one
// of its keys) registers apps, each bound to the legal entity that answers for it by its unified
// social credit code (GB 32100, checked here), and accepts the security commitment and the use
// agreement (Yunnan Art.35) in their current versions. Acceptance is recorded per developer, kind and
// version, with its time; publishing a new version makes it the current one, to be accepted again.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { GraphQLError } from 'graphql';
import type { Queryable } from '../../lib/db/database';
import { validateCreditCode } from '../../lib/identifiers';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

export const AGREEMENT_KINDS = ['security-commitment', 'use-agreement'] as const;
const APP_NAME_MAX = 100;

export const APP_SELECT = `id, name, credit_code AS "creditCode", status, ${isoColumn('created_at')} AS "createdAt"`;

/** The developer a portal operation acts for; the shield lets only developers in, this is the belt. */
export function developerOf(ctx: Context): string {
  if (ctx.caller?.kind !== 'developer' || typeof ctx.caller.id !== 'string' || !ctx.caller.id) {
    throw new GraphQLError('仅开发者可使用开发者门户 / only developers use the developer portal', { extensions: { code: 'FORBIDDEN' } });
  }
  return ctx.caller.id;
}

interface AgreementRow {
  kind: string;
  version: string;
  title: string;
  text: string;
  publishedAt: string;
  accepted: boolean;
}

/** The agreements in force (the newest version of each kind), and whether this developer accepted that version. */
export async function currentAgreements(db: Queryable, developer: string): Promise<AgreementRow[]> {
  return db.query<AgreementRow>(
    `SELECT DISTINCT ON (a.kind) a.kind, a.version, a.title, a.body AS text, ${isoColumn('a.published_at')} AS "publishedAt",
       EXISTS (SELECT 1 FROM agreement_acceptance x WHERE x.developer_id = $1 AND x.kind = a.kind AND x.version = a.version) AS accepted
     FROM agreement a ORDER BY a.kind, a.published_at DESC, a.version DESC`,
    [developer],
  );
}

export function developerAppResolvers(): GraphQLResolverMap<Context> {
  return {
    Query: {
      myApps: async (_: unknown, __: unknown, ctx: Context) =>
        ctx.db.query(`SELECT ${APP_SELECT} FROM developer_app WHERE developer_id = $1 ORDER BY created_at, id`, [developerOf(ctx)]),
      agreements: async (_: unknown, __: unknown, ctx: Context) => currentAgreements(ctx.db, developerOf(ctx)),
    },
    Mutation: {
      registerApp: async (_: unknown, args: { name: string; creditCode: string }, ctx: Context) => {
        const developer = developerOf(ctx);
        const name = args.name.trim();
        if (!name || Array.from(name).length > APP_NAME_MAX) {
          throw badUserInput(`应用名称应为1至${APP_NAME_MAX}个字符`, `the app's name must have 1 to ${APP_NAME_MAX} characters`, { argument: 'name' });
        }
        const code = validateCreditCode(args.creditCode.trim());
        if (!code.ok) throw badUserInput(`统一社会信用代码无效：${code.zh}`, `invalid unified social credit code: ${code.en}`, { argument: 'creditCode', reason: code.reason });
        const id = `app-${crypto.randomBytes(6).toString('hex')}`;
        const rows = await ctx.db.query(
          `INSERT INTO developer_app (id, developer_id, name, credit_code) VALUES ($1, $2, $3, $4)
           ON CONFLICT (developer_id, name) DO NOTHING RETURNING ${APP_SELECT}`,
          [id, developer, name, args.creditCode.trim()],
        );
        if (!rows.length) throw badUserInput('已有同名应用', 'you already have an app of this name', { argument: 'name' });
        return rows[0];
      },
      acceptAgreement: async (_: unknown, args: { kind: string; version: string }, ctx: Context) => {
        const developer = developerOf(ctx);
        if (!(AGREEMENT_KINDS as readonly string[]).includes(args.kind)) {
          throw badUserInput(`协议种类应为 ${AGREEMENT_KINDS.join('、')}`, `the kind must be one of ${AGREEMENT_KINDS.join(', ')}`, { argument: 'kind' });
        }
        // Only the version in force can be accepted: accepting an old text would not cover the new one.
        const current = (await currentAgreements(ctx.db, developer)).find((a) => a.kind === args.kind);
        if (!current || current.version !== args.version) {
          throw badUserInput('只能接受现行版本的协议', `only the version in force can be accepted${current ? ` (${current.version})` : ''}`, { argument: 'version', current: current?.version ?? null });
        }
        await ctx.db.query('INSERT INTO agreement_acceptance (developer_id, kind, version) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [developer, args.kind, args.version]);
        return { ...current, accepted: true };
      },
    },
  };
}
