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
import { isProvinceArea } from '../../directives/jurisdiction';
import { outsideArea, requireAdminArea } from './institution-registry';
import { actorOf } from './permissions';
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
       EXISTS (SELECT 1 FROM agreement_acceptance x WHERE x.developer_id = $1 AND x.kind = a.kind AND x.version = a.version AND x.ended_at IS NULL) AS accepted
     FROM agreement a ORDER BY a.kind, a.published_at DESC, a.version DESC`,
    [developer],
  );
}

/** Keys and conditional open data only under the agreements in force, accepted (Yunnan Art.35: 签署安全承诺书，签订开放利用协议). */
export async function requireAgreementsAccepted(db: Queryable, developer: string): Promise<void> {
  const missing = (await currentAgreements(db, developer)).filter((a) => !a.accepted);
  if (missing.length) {
    throw new GraphQLError(
      `须先接受现行的${missing.map((a) => a.title).join('和')}（云南省公共数据管理办法第三十五条） / accept the agreements in force first: ${missing.map((a) => `${a.kind} v${a.version}`).join(', ')} (Yunnan Art.35)`,
      { extensions: { code: 'AGREEMENTS_NOT_ACCEPTED', missing: missing.map((a) => ({ kind: a.kind, version: a.version })) } },
    );
  }
}

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$/;
const TITLE_MAX = 100;
const TEXT_MAX = 20_000;

function checkKind(kind: string): void {
  if (!(AGREEMENT_KINDS as readonly string[]).includes(kind)) {
    throw badUserInput(`协议种类应为 ${AGREEMENT_KINDS.join('、')}`, `the kind must be one of ${AGREEMENT_KINDS.join(', ')}`, { argument: 'kind' });
  }
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
        checkKind(args.kind);
        // Only the version in force can be accepted: accepting an old text would not cover the new one.
        const current = (await currentAgreements(ctx.db, developer)).find((a) => a.kind === args.kind);
        if (!current || current.version !== args.version) {
          throw badUserInput('只能接受现行版本的协议', `only the version in force can be accepted${current ? ` (${current.version})` : ''}`, { argument: 'version', current: current?.version ?? null });
        }
        // After an ending (agreement-end.ts) accepting again is a new agreement; the ending stays in agreement_end.
        await ctx.db.query(
          `INSERT INTO agreement_acceptance (developer_id, kind, version) VALUES ($1, $2, $3)
           ON CONFLICT (developer_id, kind, version) DO UPDATE SET accepted_at = now(), ended_at = NULL WHERE agreement_acceptance.ended_at IS NOT NULL`,
          [developer, args.kind, args.version]);
        return { ...current, accepted: true };
      },
      // A new version is in force at once: every developer sees it as not accepted, and keys and
      // conditional open data wait for its acceptance (Yunnan Art.35). Older versions and their
      // acceptances stay recorded. Texts are province-wide, so only a province authority publishes.
      publishAgreement: async (_: unknown, args: { kind: string; version: string; title: string; text: string }, ctx: Context) => {
        const area = await requireAdminArea(ctx);
        if (!isProvinceArea(area)) throw outsideArea('协议文本全省统一，发布', 'agreements are province-wide: publishing one');
        checkKind(args.kind);
        const version = args.version.trim();
        if (!VERSION.test(version)) throw badUserInput('版本号应为1至20个字母、数字、点或连字符', 'the version must be 1 to 20 letters, digits, dots or hyphens', { argument: 'version' });
        const title = args.title.trim();
        if (!title || Array.from(title).length > TITLE_MAX) throw badUserInput(`标题应为1至${TITLE_MAX}个字符`, `the title must have 1 to ${TITLE_MAX} characters`, { argument: 'title' });
        const text = args.text.trim();
        if (!text || Array.from(text).length > TEXT_MAX) throw badUserInput(`正文应为1至${TEXT_MAX}个字符`, `the text must have 1 to ${TEXT_MAX} characters`, { argument: 'text' });
        const rows = await ctx.db.query<AgreementRow>(
          `INSERT INTO agreement (kind, version, title, body, published_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
           RETURNING kind, version, title, body AS text, ${isoColumn('published_at')} AS "publishedAt", false AS accepted`,
          [args.kind, version, title, text, actorOf(ctx.caller)],
        );
        if (!rows.length) throw badUserInput('该版本已发布，协议文本不可更改，请使用新版本号', 'this version is already published and a text is never changed: use a new version', { argument: 'version' });
        return rows[0];
      },
    },
  };
}
