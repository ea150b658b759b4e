// GET /internal/policy-state?kind=&id=: what a gateway needs to decide a caller's requests;
// GET /internal/operations: the persisted-query safelist in force; GET /internal/catalog: the
// catalog's entries in force.
// Signed by the gateway like every internal call; read from the database, the source of truth.
import type { Database } from '../../lib/db/database';
import type { PlainResponse, PlainRoutes } from '../../lib/http/http-server';
import { CATALOG_PATH, OPERATIONS_PATH, POLICY_STATE_PATH } from '../../protocol/internal-paths';
import type { OperationList } from '../../protocol/operation-list';
import { internalRefusal } from '../../protocol/internal-signature';
import { readEntries } from './catalog-store';
import { readPolicyState } from './policy-state';

const json = (status: number, body: unknown): PlainResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export function policyRoutes(db: Database, secret: string | undefined): PlainRoutes {
  return {
    [`GET ${POLICY_STATE_PATH}`]: async (req) => {
      const target = req.url ?? '';
      const refused = await internalRefusal(req, secret, 'policy-state');
      if (refused) return refused;
      const params = new URL(target, 'http://platform').searchParams;
      const kind = params.get('kind');
      const id = params.get('id');
      if ((kind !== null && kind !== 'institution' && kind !== 'developer') || (kind !== null) !== (id !== null)) return json(400, { error: 'BAD_REQUEST' });
      return json(200, await readPolicyState(db, kind && id ? { kind, id } : undefined));
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
      return json(200, list);
    },
    [`GET ${CATALOG_PATH}`]: async (req) => {
      const refused = await internalRefusal(req, secret, 'catalog');
      if (refused) return refused;
      return json(200, await db.transaction((tx) => readEntries(tx)));
    },
  };
}
