// 影响评估: before the authority decides a catalog change, what it would do to the channel's real
// users — the active grants on the touched fields, the registered (safelisted) operations that
// select them, and the callers the audit saw using (or being refused) them in the last 90 days —
// each with what the change does to it, counted.
import type { Catalog } from '../../directives/catalog';
import { applyEntries } from '../../directives/catalog-entries';
import { effectOnGrant, effectOnUse, strongest, touchedCoordinates, type Effect, type Side } from '../../directives/catalog-change';
import { coordinatesOf } from '../../directives/document-coordinates';
import type { Queryable } from '../../lib/db/database';
import type { PreparedChange } from './catalog-changes';
import type { LiveCatalog } from './catalog-store';
import { isoColumn } from './sql-dates';

const AUDIT_WINDOW_DAYS = 90;

export interface ChangeToAssess {
  id: string;
  coordinate: string | null;
  dataset: string;
  proposed: PreparedChange['proposed'];
  direction: string;
}

const sideOf = (callerKind: string): Side => (['institution', 'provider', 'admin'].includes(callerKind) ? 'share' : 'open');

export async function catalogImpact(db: Queryable, live: LiveCatalog, change: ChangeToAssess, now: Date) {
  const entries = live.entries();
  const before: Catalog = live.catalog;
  const after = applyEntries(live.declared, { fields: { ...entries.fields, ...change.proposed.fields }, datasets: { ...entries.datasets, ...change.proposed.datasets } });
  const touched = [...touchedCoordinates(live.declared, change.coordinate ? { coordinate: change.coordinate } : { dataset: change.dataset })];
  const pair = (coordinate: string) => ({ from: before.fields.get(coordinate)!, to: after.fields.get(coordinate)! });

  // Active grants holding any touched field.
  const grantRows = await db.query<{ id: string; granteeKind: 'institution' | 'developer'; granteeId: string; scenario: string; fields: string[]; plain: string[] }>(
    `SELECT id, grantee_kind AS "granteeKind", grantee_id AS "granteeId", scenario, fields, plain FROM grant_record
     WHERE status = 'active' AND valid_until > $2 AND fields && $1::text[] ORDER BY id`,
    [touched, now.toISOString()],
  );
  const grants = grantRows
    .map((g) => {
      const fields = g.fields.filter((f) => touched.includes(f));
      const side: Side = g.granteeKind === 'institution' ? 'share' : 'open';
      const effect = strongest(fields.map((f) => effectOnGrant(pair(f).from, pair(f).to, side, g.plain.includes(f))));
      return { id: g.id, granteeKind: g.granteeKind, granteeId: g.granteeId, scenario: g.scenario, fields, effect };
    })
    .filter((g) => g.effect !== 'UNCHANGED');

  // Registered operations selecting a touched field (answered: what a caller gets now may change).
  const operationRows = await db.query<{ hash: string; name: string; document: string }>('SELECT hash, name, document FROM registered_operation WHERE retired_at IS NULL ORDER BY name');
  const operations = operationRows
    .map((o) => {
      const selected = coordinatesOf(o.document, live.declared);
      const fields = touched.filter((c) => selected.has(c));
      const effects: Effect[] = fields.flatMap((f) => (['share', 'open'] as const).flatMap((side) => [effectOnUse(pair(f).from, pair(f).to, side, true), effectOnUse(pair(f).from, pair(f).to, side, false)]));
      return { hash: o.hash, name: o.name, fields, effect: strongest(effects) };
    })
    .filter((o) => o.fields.length > 0 && o.effect !== 'UNCHANGED');

  // Callers seen in the audit: answered the fields (a narrowing reaches them) or refused them (a widening does).
  const rows = await db.query<{ callerKind: string; institution: string | null; scenario: string | null; answered: boolean; requests: string; lastSeenAt: string }>(
    `SELECT caller_kind AS "callerKind", institution, scenario, (fields_returned && $1::text[] OR fields_masked && $1::text[]) AS answered,
       count(*)::text AS requests, ${isoColumn('max(recorded_at)')} AS "lastSeenAt"
     FROM audit_record
     WHERE kind = 'query' AND recorded_at >= $2 AND (fields_returned && $1::text[] OR fields_masked && $1::text[] OR fields_denied && $1::text[])
     GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC`,
    [touched, new Date(now.getTime() - AUDIT_WINDOW_DAYS * 86_400_000).toISOString()],
  );
  const scenarios = rows
    .map((r) => ({
      callerKind: r.callerKind,
      institution: r.institution,
      scenario: r.scenario,
      requests: Number(r.requests),
      lastSeenAt: r.lastSeenAt,
      effect: strongest(touched.map((f) => effectOnUse(pair(f).from, pair(f).to, sideOf(r.callerKind), r.answered))),
    }))
    .filter((s) => s.effect !== 'UNCHANGED');
  const requestCount = scenarios.reduce((sum, s) => sum + s.requests, 0);
  const count = (list: { effect: Effect }[], effect: Effect) => list.filter((x) => x.effect === effect).length;
  const summary =
    `授权：${count(grants, 'BREAKS')}项失效、${count(grants, 'NARROWS')}项收窄、${count(grants, 'WIDENS')}项放宽；已登记操作${operations.length}个受影响；` +
    `近${AUDIT_WINDOW_DAYS}天${scenarios.length}个调用场景共${requestCount}次请求结果将改变 / ` +
    `grants: ${count(grants, 'BREAKS')} broken, ${count(grants, 'NARROWS')} narrowed, ${count(grants, 'WIDENS')} widened; ` +
    `${operations.length} registered operations affected; ${requestCount} requests by ${scenarios.length} caller scenarios in the last ${AUDIT_WINDOW_DAYS} days would be answered differently`;
  return { changeId: change.id, direction: change.direction, grants, operations, scenarios, requestCount, summary };
}
