// Writes grants (from approvals, emergency decisions or the grants file) in one transaction with a
// policy version bump, then announces the change to every gateway.
import type { Database, Queryable } from '../../lib/db/database';
import type { Grant } from '../../directives/grants';
import type { PolicyChangeNotifier } from './policy-state';

export async function upsertGrant(tx: Queryable, grant: Grant, applicationId?: string, options: { fixture?: boolean } = {}): Promise<void> {
  // A fixture (GRANTS_FILE, loaded at every start) never brings back a grant that was revoked or
  // suspended since: the stored status wins over the file's unless the grant is still active.
  const status = options.fixture ? `CASE WHEN grant_record.status = 'active' THEN EXCLUDED.status ELSE grant_record.status END` : 'EXCLUDED.status';
  await tx.query(
    `INSERT INTO grant_record (id, grantee_kind, grantee_id, scenario, fields, plain, valid_from, valid_until, status, emergency, application_id, division_scope)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO UPDATE SET grantee_kind = EXCLUDED.grantee_kind, grantee_id = EXCLUDED.grantee_id, scenario = EXCLUDED.scenario,
       fields = EXCLUDED.fields, plain = EXCLUDED.plain, valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until,
       status = ${status}, emergency = EXCLUDED.emergency, division_scope = EXCLUDED.division_scope, updated_at = now()`,
    // The division scope (数据回流) travels too: a scoped grant in GRANTS_FILE was loaded unscoped.
    [grant.id, grant.grantee.kind, grant.grantee.id, grant.scenario, grant.fields, grant.plain ?? [], grant.validFrom, grant.validUntil, grant.status ?? 'active', grant.emergency ?? false, applicationId ?? null, grant.divisionScope ?? null],
  );
}

/** Runs a change that can alter decisions: commits it with a version bump, then tells the gateways. */
export async function changePolicy<T>(db: Database, notifier: PolicyChangeNotifier, work: (tx: Queryable) => Promise<T>): Promise<T> {
  let version = '';
  const result = await db.transaction(async (tx) => {
    const value = await work(tx);
    version = await notifier.bump(tx);
    return value;
  });
  await notifier.announce(version);
  return result;
}
