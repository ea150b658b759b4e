// GET /internal/policy-state?kind=&id=: what a gateway needs to decide a caller's requests;
// GET /internal/operations: the persisted-query safelist in force; GET /internal/catalog: the
// catalog's entries in force; GET /internal/api-key?id=&digest=: a platform-issued API key's state.
// Signed by the gateway like every internal call; read from the database, the source of truth.
import type { Database } from '../../lib/db/database';
import { jsonResponse, type PlainResponse, type PlainRoutes } from '../../lib/http/http-server';
import type { ApiKeyState } from '../../protocol/api-key';
import { API_KEY_IDS_PATH, API_KEY_PATH, CATALOG_PATH, OPERATIONS_PATH, POLICY_STATE_PATH } from '../../protocol/internal-paths';
import type { OperationList } from '../../protocol/operation-list';
import { internalRefusal } from '../../protocol/internal-signature';
import { readEntries } from './catalog-store';
import { readPolicyState } from './policy-state';
import { isoColumn } from './sql-dates';


/** Counted for operators and tests: how often gateways read API keys' state, one key or the id set (bounded by their caches). */
export interface PolicyRouteCounters {
  keyReads: { inc(labels: { read: 'key' | 'ids' }): void };
}

export function policyRoutes(db: Database, secret: string | undefined, counters?: PolicyRouteCounters): PlainRoutes {
  return {
    [`GET ${POLICY_STATE_PATH}`]: async (req) => {
      const target = req.url ?? '';
      const refused = await internalRefusal(req, secret, 'policy-state');
      if (refused) return refused;
      const params = new URL(target, 'http://platform').searchParams;
      const kind = params.get('kind');
      const id = params.get('id');
      if ((kind !== null && kind !== 'institution' && kind !== 'developer') || (kind !== null) !== (id !== null)) return jsonResponse(400, { error: 'BAD_REQUEST' });
      return jsonResponse(200, await readPolicyState(db, kind && id ? { kind, id } : undefined));
    },
    [`GET ${OPERATIONS_PATH}`]: async (req) => {
      const refused = await internalRefusal(req, secret, 'operations');
      if (refused) return refused;
      // Read in one transaction so the version matches the list.
      const list = await db.transaction(async (tx): Promise<OperationList> => {
        const [{ version }] = await tx.query<{ version: string }>('SELECT version::text AS version FROM policy_version WHERE id = 1');
        const rows = await tx.query<{ hash: string; document: string }>('SELECT hash, document FROM registered_operation WHERE retired_at IS NULL');
        return { version, operations: Object.fromEntries(rows.map((r) => [r.hash, r.document])) };
      });
      return jsonResponse(200, list);
    },
    [`GET ${CATALOG_PATH}`]: async (req) => {
      const refused = await internalRefusal(req, secret, 'catalog');
      if (refused) return refused;
      return jsonResponse(200, await db.transaction((tx) => readEntries(tx)));
    },
    [`GET ${API_KEY_IDS_PATH}`]: async (req) => {
      const refused = await internalRefusal(req, secret, 'api-key-ids');
      if (refused) return refused;
      counters?.keyReads.inc({ read: 'ids' });
      const rows = await db.query<{ id: string }>('SELECT id FROM api_key');
      return jsonResponse(200, { ids: rows.map((r) => r.id) });
    },
    [`GET ${API_KEY_PATH}`]: async (req) => {
      const refused = await internalRefusal(req, secret, 'api-key');
      if (refused) return refused;
      counters?.keyReads.inc({ read: 'key' });
      const params = new URL(req.url ?? '', 'http://platform').searchParams;
      const id = params.get('id') ?? '';
      const digest = params.get('digest');
      if (!/^[0-9a-f]{16}$/.test(id) || (digest !== null && !/^[0-9a-f]{64}$/.test(digest))) return jsonResponse(400, { error: 'BAD_REQUEST' });
      const [state] = await db.query<ApiKeyState>(
        `SELECT k.id, k.developer_id AS developer, k.app_id AS "appId", k.secret_hash AS "secretHash",
           CASE WHEN k.expires_at IS NULL THEN NULL ELSE ${isoColumn('k.expires_at')} END AS "expiresAt",
           k.revoked_at IS NOT NULL AS revoked, a.status = 'active' AS "appActive"
         FROM api_key k JOIN developer_app a ON a.id = k.app_id WHERE k.id = $1`,
        [id],
      );
      if (!state) return jsonResponse(404, { error: 'NOT_FOUND' });
      // Last use: the gateway reads a key when a request brings it and it holds no fresh state of it
      // (at most once per GRANT_CACHE_MS per replica), sending the digest of the secret it was given;
      // a read with the right secret is a use. No write per request; bounded to one a second per key.
      if (digest === state.secretHash && !state.revoked) {
        await db.query(`UPDATE api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 second')`, [id]);
      }
      return jsonResponse(200, state);
    },
  };
}
