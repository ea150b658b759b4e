// Reads the policy state of one grantee (or of the public) from the platform database, and bumps the
// version whenever anything that can change a decision changes — telling every gateway at once.
import Redis from 'ioredis';
import type { Queryable } from '../../lib/db/database';
import type { Grant } from '../../directives/grants';
import { POLICY_CHANNEL, type InstitutionEntry, type PolicyState } from '../../protocol/policy-state';
import { isoColumn } from './sql-dates';
import { productRightsClosed } from './authorized-operation-rights';
import { withoutProducts } from '../../directives/authorized-operation';
import { createLogger, storeErrorLogger } from '../../lib/log';

export interface Grantee {
  kind: 'institution' | 'developer';
  id: string;
}

/** A grant_record row as GRANT_SELECT reads it. */
export interface GrantRow {
  id: string;
  granteeKind: 'institution' | 'developer';
  granteeId: string;
  scenario: string;
  fields: string[];
  plain: string[];
  validFrom: string;
  validUntil: string;
  status: 'active' | 'suspended' | 'revoked';
  emergency: boolean;
  divisionScope: string | null;
  suspended: boolean;
}

export const GRANT_SELECT = `id, grantee_kind AS "granteeKind", grantee_id AS "granteeId", scenario, fields, plain,
  ${isoColumn('valid_from')} AS "validFrom",
  ${isoColumn('valid_until')} AS "validUntil",
  status, emergency, division_scope AS "divisionScope",
  EXISTS (SELECT 1 FROM suspension s WHERE s.target_kind = 'grant' AND s.target_id = grant_record.id AND s.lifted_at IS NULL) AS suspended`;

export function toGrant(row: GrantRow): Grant {
  return {
    id: row.id,
    grantee: { kind: row.granteeKind, id: row.granteeId },
    scenario: row.scenario,
    fields: row.fields,
    plain: row.plain,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    status: row.suspended && row.status === 'active' ? 'suspended' : row.status,
    emergency: row.emergency,
    divisionScope: row.divisionScope,
  };
}

export async function readPolicyState(db: Queryable, grantee: Grantee | undefined): Promise<PolicyState> {
  const [{ version, catalogVersion }] = await db.query<{ version: string; catalogVersion: string }>(
    'SELECT p.version::text AS version, c.version::text AS "catalogVersion" FROM policy_version p, catalog_version c WHERE p.id = 1 AND c.id = 1',
  );
  const datasets = await db.query<{ targetId: string; scope: string }>(
    `SELECT target_id AS "targetId", scope FROM suspension WHERE target_kind = 'dataset' AND lifted_at IS NULL`,
  );
  const state: PolicyState = {
    version,
    granteeSuspended: false,
    grants: [],
    suspendedDatasets: {
      share: datasets.filter((d) => d.scope !== 'open').map((d) => d.targetId),
      open: datasets.filter((d) => d.scope !== 'share').map((d) => d.targetId),
    },
    catalogVersion,
  };
  if (!grantee) return state;
  const [suspended] = await db.query('SELECT 1 FROM suspension WHERE target_kind = $1 AND target_id = $2 AND lifted_at IS NULL', [grantee.kind, grantee.id]);
  state.granteeSuspended = suspended !== undefined;
  const rows = await db.query<GrantRow>(`SELECT ${GRANT_SELECT} FROM grant_record WHERE grantee_kind = $1 AND grantee_id = $2`, [grantee.kind, grantee.id]);
  state.grants = rows.map(toGrant);
  // Authorized operation: a party whose agreements ended, or that is blacklisted, reaches no product.
  // The version keys the gateways' cached decisions: a closure that comes or goes with time (an
  // agreement running out, a measure lapsing), not with a bump, must not reuse decisions of the other state.
  if (await productRightsClosed(db, grantee)) {
    state.grants = withoutProducts(state.grants);
    state.version = `${state.version}:products-closed`;
  }
  if (grantee.kind === 'institution') {
    const [entry] = await db.query<InstitutionEntry>('SELECT credit_code AS "creditCode", name, division, kind, status FROM institution WHERE credit_code = $1', [grantee.id]);
    state.institution = entry ?? null;
  }
  return state;
}

/** Announces policy changes on Redis (when configured) so gateways drop cached state at once. */
export class PolicyChangeNotifier {
  private readonly redis?: Redis;

  constructor(redisUrl: string | undefined, private readonly prefix: string) {
    if (redisUrl) {
      this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000 });
      this.redis.on('error', storeErrorLogger(createLogger('platform'), 'redis (policy announcements)'));
    }
  }

  /** Bumps the version inside the caller's transaction; publish after commit with `announce`. */
  async bump(tx: Queryable): Promise<string> {
    const [{ version }] = await tx.query<{ version: string }>('UPDATE policy_version SET version = version + 1 WHERE id = 1 RETURNING version::text AS version');
    return version;
  }

  async announce(version: string): Promise<void> {
    // Best effort: gateways that miss it still expire their cache within GRANT_CACHE_MS.
    await this.redis?.publish(`${this.prefix}${POLICY_CHANNEL}`, version).catch(() => undefined);
  }

  close(): void {
    this.redis?.disconnect();
  }
}
