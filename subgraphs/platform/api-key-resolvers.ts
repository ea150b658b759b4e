// API keys issued by the platform (issue 15 item 2), managed by their developer: created for one of
// its apps once both agreements in force are accepted (Yunnan Art.35), shown once, stored only as a
// digest; rotated (the old key keeps working beside the new one for the overlap, then expires) and
// revoked. Creation, rotation and revocation bump the policy version and are announced, so every gateway drops
// the key from its cache at once (gateway/identity/platform-keys.ts).
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Queryable } from '../../lib/db/database';
import { newPlatformKey } from '../../protocol/api-key';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { developerOf, requireAgreementsAccepted } from './developer-apps';
import { changePolicy } from './grant-writer';
import type { PolicyChangeNotifier } from './policy-state';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const KEY_NAME_MAX = 100;
const REASON_MAX = 500;
/** Longest overlap of a rotation: a week is enough to roll a key out; longer keeps a replaced key alive for nothing. */
export const MAX_OVERLAP_HOURS = 168;
/** Keys in use (not revoked, not expired) per app: enough for rotation and a few deployments. */
const LIVE_KEYS_PER_APP = 10;

export const KEY_SELECT = `id, app_id AS "appId", name, prefix,
  CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
       WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired'
       WHEN expires_at IS NOT NULL THEN 'expiring'
       ELSE 'active' END AS status,
  ${isoColumn('created_at')} AS "createdAt",
  CASE WHEN last_used_at IS NULL THEN NULL ELSE ${isoColumn('last_used_at')} END AS "lastUsedAt",
  CASE WHEN expires_at IS NULL THEN NULL ELSE ${isoColumn('expires_at')} END AS "expiresAt",
  CASE WHEN revoked_at IS NULL THEN NULL ELSE ${isoColumn('revoked_at')} END AS "revokedAt"`;

const LIVE = `revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;

async function keyOf(db: Queryable, id: string) {
  return (await db.query<{ id: string; status: string }>(`SELECT ${KEY_SELECT} FROM api_key WHERE id = $1`, [id]))[0];
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || Array.from(trimmed).length > KEY_NAME_MAX) throw badUserInput(`密钥名称应为1至${KEY_NAME_MAX}个字符`, `the key's name must have 1 to ${KEY_NAME_MAX} characters`, { argument: 'name' });
  return trimmed;
}

/** The developer's own key with this id, or a coded error (another developer's key is as unknown as a missing one). */
async function ownKey(db: Queryable, developer: string, id: string): Promise<{ id: string; appId: string; name: string; revoked: boolean; expired: boolean; replacedBy: string | null }> {
  const [row] = await db.query<{ id: string; appId: string; name: string; revoked: boolean; expired: boolean; replacedBy: string | null }>(
    `SELECT id, app_id AS "appId", name, revoked_at IS NOT NULL AS revoked, (expires_at IS NOT NULL AND expires_at <= now()) AS expired, replaced_by AS "replacedBy"
     FROM api_key WHERE id = $1 AND developer_id = $2`,
    [id, developer],
  );
  if (!row) throw badUserInput('没有此密钥', 'you have no key with this id', { argument: 'id' });
  return row;
}

async function issue(tx: Queryable, developer: string, appId: string, name: string) {
  const made = newPlatformKey();
  await tx.query('INSERT INTO api_key (id, app_id, developer_id, name, prefix, secret_hash) VALUES ($1, $2, $3, $4, $5, $6)', [made.id, appId, developer, name, made.prefix, made.secretHash]);
  return made;
}

export function apiKeyResolvers(deps: { notifier: PolicyChangeNotifier }): GraphQLResolverMap<Context> {
  return {
    Query: {
      apiKeys: async (_: unknown, __: unknown, ctx: Context) =>
        ctx.db.query(`SELECT ${KEY_SELECT} FROM api_key WHERE developer_id = $1 ORDER BY created_at DESC, id`, [developerOf(ctx)]),
    },
    Mutation: {
      createApiKey: async (_: unknown, args: { appId: string; name: string }, ctx: Context) => {
        const developer = developerOf(ctx);
        const name = checkName(args.name);
        const [app] = await ctx.db.query<{ status: string }>('SELECT status FROM developer_app WHERE id = $1 AND developer_id = $2', [args.appId, developer]);
        if (!app) throw badUserInput('没有此应用', 'you have no app with this id', { argument: 'appId' });
        if (app.status !== 'active') throw badUserInput('应用已撤销，不能再发放密钥', 'the app is withdrawn: no keys are issued for it', { argument: 'appId' });
        await requireAgreementsAccepted(ctx.db, developer);
        // Announced like a policy change: gateways drop their set of known key ids (their negative
        // cache, gateway/identity/platform-keys.ts), so the new key works at once on every replica.
        const made = await changePolicy(ctx.db, deps.notifier, async (tx) => {
          const [{ live }] = await tx.query<{ live: number }>(`SELECT count(*)::int AS live FROM api_key WHERE app_id = $1 AND ${LIVE}`, [args.appId]);
          if (live >= LIVE_KEYS_PER_APP) throw badUserInput(`每个应用最多${LIVE_KEYS_PER_APP}个有效密钥，请先吊销不用的密钥`, `an app holds at most ${LIVE_KEYS_PER_APP} keys in use: revoke one first`, { argument: 'appId' });
          return issue(tx, developer, args.appId, name);
        });
        return { key: made.key, apiKey: await keyOf(ctx.db, made.id) };
      },
      rotateApiKey: async (_: unknown, args: { id: string; overlapHours?: number | null }, ctx: Context) => {
        const developer = developerOf(ctx);
        const overlap = args.overlapHours ?? 24;
        if (!Number.isInteger(overlap) || overlap < 0 || overlap > MAX_OVERLAP_HOURS) {
          throw badUserInput(`交替期应为0至${MAX_OVERLAP_HOURS}小时`, `the overlap must be 0 to ${MAX_OVERLAP_HOURS} hours`, { argument: 'overlapHours' });
        }
        const old = await ownKey(ctx.db, developer, args.id);
        if (old.revoked || old.expired || old.replacedBy) throw badUserInput('只能轮换在用且未被轮换过的密钥', 'only a key in use that was not rotated before can be rotated', { argument: 'id' });
        await requireAgreementsAccepted(ctx.db, developer);
        // The old key's new expiry must reach every gateway: a policy change, announced.
        const made = await changePolicy(ctx.db, deps.notifier, async (tx) => {
          const next = await issue(tx, developer, old.appId, old.name);
          const rows = await tx.query(
            `UPDATE api_key SET expires_at = now() + make_interval(hours => $2::int), replaced_by = $3 WHERE id = $1 AND replaced_by IS NULL AND ${LIVE} RETURNING id`,
            [old.id, overlap, next.id],
          );
          if (!rows.length) throw badUserInput('该密钥刚被轮换或吊销', 'the key was just rotated or revoked', { argument: 'id' });
          return next;
        });
        return { key: made.key, apiKey: await keyOf(ctx.db, made.id) };
      },
      revokeApiKey: async (_: unknown, args: { id: string; reason: string }, ctx: Context) => {
        const developer = developerOf(ctx);
        const reason = args.reason.trim();
        if (!reason || Array.from(reason).length > REASON_MAX) throw badUserInput(`请说明吊销理由（至多${REASON_MAX}字）`, `give the reason for revoking (at most ${REASON_MAX} characters)`, { argument: 'reason' });
        const key = await ownKey(ctx.db, developer, args.id);
        if (key.revoked) throw badUserInput('该密钥已吊销', 'the key is already revoked', { argument: 'id' });
        await changePolicy(ctx.db, deps.notifier, (tx) =>
          tx.query('UPDATE api_key SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [key.id, developer, reason]),
        );
        return keyOf(ctx.db, key.id);
      },
    },
  };
}
