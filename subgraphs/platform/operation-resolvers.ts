// The persisted-query safelist (admin actions): register an operation, retire it, list them. Each
// change bumps the policy version and is announced, so every gateway replica picks it up at once.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { Kind, parse, type DocumentNode } from 'graphql';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { operationHash } from '../../protocol/operation-list';
import { changePolicy } from './grant-writer';
import { requireAdminArea, requireProvinceAuthority } from './institution-registry';
import type { PolicyChangeNotifier } from './policy-state';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const MAX_DOCUMENT_CHARS = 50_000;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export const OPERATION_SELECT = `hash, name, document, registered_by AS "registeredBy",
  ${isoColumn('registered_at')} AS "registeredAt",
  retired_by AS "retiredBy",
  ${isoColumn('retired_at')} AS "retiredAt",
  retire_reason AS "retireReason"`;

/** The one named operation a registered document must hold (fragments allowed beside it). */
function checkDocument(name: string, document: string): void {
  if (!OPERATION_NAME.test(name)) throw badUserInput('操作名称格式错误', 'the name must be a GraphQL name of at most 100 characters', { argument: 'name' });
  if (document.length === 0 || document.length > MAX_DOCUMENT_CHARS) {
    throw badUserInput(`操作文本应为1至${MAX_DOCUMENT_CHARS}个字符`, `the document must have 1 to ${MAX_DOCUMENT_CHARS} characters`, { argument: 'document' });
  }
  let parsed: DocumentNode;
  try {
    parsed = parse(document, { maxTokens: 5000 });
  } catch (error) {
    throw badUserInput(`操作文本无法解析：${(error as Error).message}`, `the document does not parse: ${(error as Error).message}`, { argument: 'document' });
  }
  const operations = parsed.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const others = parsed.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION);
  if (operations.length !== 1 || others.length) throw badUserInput('操作文本须恰含一个操作', 'the document must hold exactly one operation (and its fragments)', { argument: 'document' });
  const [operation] = operations;
  if (operation.kind !== Kind.OPERATION_DEFINITION || operation.name?.value !== name) {
    throw badUserInput('操作名称须与文本中的操作名一致', 'the name must be the name of the document\'s operation', { argument: 'name' });
  }
}

export function operationResolvers(deps: { notifier: PolicyChangeNotifier }): GraphQLResolverMap<Context> {
  const by = (ctx: Context) => `${ctx.caller?.id ?? ''}/${ctx.caller?.operator ?? ''}`;
  return {
    Query: {
      registeredOperations: async (_: unknown, args: { includeRetired?: boolean }, ctx: Context) => {
        await requireAdminArea(ctx);
        return ctx.db.query(`SELECT ${OPERATION_SELECT} FROM registered_operation ${args.includeRetired ? '' : 'WHERE retired_at IS NULL'} ORDER BY registered_at DESC, hash`);
      },
    },
    Mutation: {
      registerOperation: async (_: unknown, args: { name: string; document: string }, ctx: Context) => {
        // The safelist applies on every gateway of the platform: the province's authority keeps it.
        await requireProvinceAuthority(ctx);
        checkDocument(args.name, args.document);
        const hash = operationHash(args.document);
        // Registering a retired operation again puts it back in force under the new registrant.
        await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query(
            `INSERT INTO registered_operation (hash, name, document, registered_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (hash) DO UPDATE SET name = EXCLUDED.name, registered_by = EXCLUDED.registered_by, registered_at = now(),
               retired_by = NULL, retired_at = NULL, retire_reason = NULL`,
            [hash, args.name, args.document, by(ctx)],
          ),
        );
        return (await ctx.db.query(`SELECT ${OPERATION_SELECT} FROM registered_operation WHERE hash = $1`, [hash]))[0];
      },
      retireOperation: async (_: unknown, args: { hash: string; reason: string }, ctx: Context) => {
        await requireProvinceAuthority(ctx);
        if (!args.reason.trim()) throw badUserInput('请说明停用理由', 'give the reason for retiring', { argument: 'reason' });
        const rows = await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query('UPDATE registered_operation SET retired_by = $2, retired_at = now(), retire_reason = $3 WHERE hash = $1 AND retired_at IS NULL RETURNING hash', [args.hash, by(ctx), args.reason]),
        );
        if (!rows.length) throw badUserInput('没有在用的此操作', 'no registered operation in force has this hash', { argument: 'hash' });
        return (await ctx.db.query(`SELECT ${OPERATION_SELECT} FROM registered_operation WHERE hash = $1`, [args.hash]))[0];
      },
    },
  };
}
