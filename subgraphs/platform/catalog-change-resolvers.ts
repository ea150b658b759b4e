// Reviewed catalog changes (目录更新、审定): a provider proposes a change of its entries (facts,
// withdrawal, reinstatement); any institution or the authority may dispute a field's attribute
// (Yunnan Art.27); the data authority reviews within the profile's working days (Yunnan Art.13: 5;
// Kunming Art.12: 3; Guiyang Art.13 and Ganzi Art.8 set none), seeing the change's impact first, and
// may return it for amendment (Yunnan Art.12 ¶3: 10 working days) or refer a dispute to the
// government. An approval writes the entries, bumps the catalog and policy versions and is
// announced: every gateway applies it from its next request.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { MaskSettings } from '../../directives/mask';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import type { Queryable } from '../../lib/db/database';
import type { WorkingCalendar } from './calendar/working-days';
import { catalogImpact } from './catalog-impact';
import { checkProposed, prepareChange, type ChangeInput, type FieldFactsInput, type PreparedChange } from './catalog-changes';
import { writeEntries, type LiveCatalog } from './catalog-store';
import { changePolicy } from './grant-writer';
import { actorOf, forbidden, hasRole } from './permissions';
import { divisionOfInstitution, inAreaSql, requireAdminArea, requireInArea } from './institution-registry';
import type { PolicyChangeNotifier } from './policy-state';
import { deadlineFor, type JurisdictionProfile, type Procedure } from './profiles/profile';
import { chinaDay, isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

export interface CatalogChangeDeps {
  live: LiveCatalog;
  profile: JurisdictionProfile;
  calendar: WorkingCalendar;
  notifier: PolicyChangeNotifier;
  maskSettings: MaskSettings;
  now?: () => Date;
}

const SELECT = `id, upper(kind) AS kind, coordinate, dataset, provider_code AS "providerCode", before, proposed, changes, direction, reason,
  widening_ground AS "wideningGround", basis_changed_on::text AS "basisChangedOn", proposed_by AS "proposedBy", operator, upper(status) AS status,
  ${isoColumn('filed_at')} AS "filedAt", due_on::text AS "dueOn", decided_by AS "decidedBy", ${isoColumn('decided_at')} AS "decidedAt",
  decision_note AS "decisionNote"`;

interface ChangeRow {
  id: string;
  kind: 'CHANGE' | 'WITHDRAW' | 'REINSTATE' | 'DISPUTE';
  coordinate: string | null;
  dataset: string;
  providerCode: string;
  before: PreparedChange['before'];
  proposed: PreparedChange['proposed'];
  status: 'PENDING' | 'RETURNED' | 'APPROVED' | 'REFUSED' | 'REFERRED' | 'CANCELLED';
  direction: string;
  basisChangedOn: string | null;
  dueOn: string | null;
  proposedBy: string;
}


export function catalogChangeResolvers(deps: CatalogChangeDeps): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  /** The due day of a procedure, or null where the profile sets no deadline (basis "none"). */
  const dueFor = (procedure: Procedure, from: Date): string | null =>
    deps.profile.sla[procedure].workingDays === null ? null : deadlineFor(deps.profile, procedure, from, deps.calendar).due;

  async function load(q: Queryable, id: string): Promise<ChangeRow & Record<string, unknown>> {
    const [row] = await q.query<ChangeRow & Record<string, unknown>>(`SELECT ${SELECT} FROM catalog_change WHERE id = $1`, [id]);
    if (!row) throw badUserInput('没有此目录变更', 'no catalog change has this id', { argument: 'id' });
    return row;
  }

  async function step(q: Queryable, id: string, action: string, actor: string, at: Date, dueOn: string | null, note: string | null): Promise<void> {
    await q.query(
      `INSERT INTO catalog_change_step (change_id, seq, action, actor, at, due_on, note)
       VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM catalog_change_step WHERE change_id = $1), $2, $3, $4, $5, $6)`,
      [id, action, actor, at.toISOString(), dueOn, note],
    );
  }

  /** Only the dataset's provider proposes and amends changes of its entries. */
  function requireProvider(ctx: Context, providerCode: string): void {
    if (!hasRole(ctx.caller, 'provider') || ctx.caller?.id !== providerCode) {
      throw forbidden('只有该数据的提供单位可以提出目录变更', 'only the provider of this data may propose changes of its catalog entries');
    }
  }

  /** The update deadline after a change of legal basis (Yunnan Art.13: 15 working days) and whether it was missed. */
  function updateDue(basisChangedOn: string | null, filedAt: Date): { updateDueOn: string | null; updateLate: boolean | null } {
    if (!basisChangedOn || deps.profile.sla.catalogUpdate.workingDays === null) return { updateDueOn: null, updateLate: null };
    const updateDueOn = deadlineFor(deps.profile, 'catalogUpdate', new Date(`${basisChangedOn}T12:00:00+08:00`), deps.calendar).due;
    return { updateDueOn, updateLate: chinaDay(filedAt) > updateDueOn };
  }

  function checkBasisDate(value: string | null | undefined, at: Date): string | null {
    if (!value) return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw badUserInput('basisChangedOn格式应为YYYY-MM-DD', 'basisChangedOn must be YYYY-MM-DD', { argument: 'basisChangedOn' });
    if (value > chinaDay(at)) throw badUserInput('依据变化日期不能在将来', 'basisChangedOn cannot be in the future', { argument: 'basisChangedOn' });
    return value;
  }

  async function file(ctx: Context, input: ChangeInput, proposer: { providerCheck: boolean }): Promise<string> {
    await deps.live.refresh(ctx.db);
    const at = now();
    const prepared = prepareChange(deps.live.declared, deps.live.entries(), input, deps.maskSettings, at);
    if (proposer.providerCheck) requireProvider(ctx, prepared.dataset.providerCode);
    const basisChangedOn = checkBasisDate(input.basisChangedOn, at);
    const id = `cc-${crypto.randomUUID()}`;
    const dueOn = dueFor('catalogReview', at);
    await ctx.db.transaction(async (tx) => {
      // One open change per entry: a second would be reviewed against facts the first may change.
      const target = prepared.coordinate ?? prepared.dataset.code;
      const [open] = await tx.query<{ id: string }>(
        `SELECT id FROM catalog_change WHERE coalesce(coordinate, dataset) = $1 AND (coordinate IS NULL) = $2 AND status IN ('pending', 'returned', 'referred') LIMIT 1`,
        [target, prepared.coordinate === null],
      );
      if (open) throw badUserInput(`该目录条目已有待审定的变更${open.id}`, `this catalog entry already has an open change (${open.id}): wait for its decision or cancel it`, { code: 'CHANGE_PENDING', pending: open.id });
      await tx.query(
        `INSERT INTO catalog_change (id, kind, coordinate, dataset, provider_code, before, proposed, changes, direction, reason, widening_ground, basis_changed_on,
           proposed_by, operator, status, filed_at, due_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'pending', $15, $16)`,
        [id, input.kind.toLowerCase(), prepared.coordinate, prepared.dataset.code, prepared.dataset.providerCode, JSON.stringify(prepared.before), JSON.stringify(prepared.proposed),
          JSON.stringify(prepared.changes), prepared.direction, input.reason.trim(), input.wideningGround ?? null, basisChangedOn,
          ctx.caller?.id ?? '', ctx.caller?.operator ?? '', at.toISOString(), dueOn],
      );
      await step(tx, id, input.kind === 'DISPUTE' ? 'disputed' : 'proposed', actorOf(ctx.caller), at, dueOn, input.reason.trim());
    });
    return id;
  }

  /**
   * The data authority over the provider's area reviews (同级公共数据主管部门审定, Yunnan Art.12–13): an
   * admin of a registered authority whose area holds the provider's registered division; the province
   * reviews all. Throws FORBIDDEN (NOT_AN_AUTHORITY, OUTSIDE_AREA) otherwise.
   */
  async function requireReviewer(ctx: Context, providerCode: string): Promise<void> {
    const area = await requireAdminArea(ctx);
    requireInArea(area, await divisionOfInstitution(ctx.db, providerCode), '该目录变更的提供单位', 'the provider of this catalog change');
  }

  return {
    CatalogChange: {
      steps: (row: { id: string }, _: unknown, ctx: Context) =>
        ctx.db.query(`SELECT action, actor, ${isoColumn('at')} AS at, due_on::text AS "dueOn", note FROM catalog_change_step WHERE change_id = $1 ORDER BY seq`, [row.id]),
      overdue: (row: ChangeRow) => (row.status === 'PENDING' || row.status === 'RETURNED') && row.dueOn !== null && row.dueOn < chinaDay(now()),
      updateDueOn: (row: ChangeRow & { filedAt: string }) => updateDue(row.basisChangedOn, new Date(row.filedAt)).updateDueOn,
      updateLate: (row: ChangeRow & { filedAt: string }) => updateDue(row.basisChangedOn, new Date(row.filedAt)).updateLate,
    },
    Query: {
      catalogChanges: async (_: unknown, args: { status?: string; dataset?: string }, ctx: Context) => {
        const where: string[] = [];
        const params: unknown[] = [];
        const area = hasRole(ctx.caller, 'admin') ? await requireAdminArea(ctx) : undefined;
        if (area !== undefined) {
          // An authority: the changes of providers in its area.
          where.push(inAreaSql('provider_code', area, params));
        } else {
          // Providers see the changes of their data; any institution the disputes it raised.
          params.push(ctx.caller?.id ?? '');
          where.push(hasRole(ctx.caller, 'provider') ? `(provider_code = $${params.length} OR proposed_by = $${params.length})` : `proposed_by = $${params.length}`);
        }
        if (args.status) {
          params.push(args.status.toLowerCase());
          where.push(`status = $${params.length}`);
        }
        if (args.dataset) {
          params.push(args.dataset);
          where.push(`dataset = $${params.length}`);
        }
        return ctx.db.query(`SELECT ${SELECT} FROM catalog_change ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY due_on NULLS LAST, filed_at`, params);
      },
      catalogChangeImpact: async (_: unknown, args: { id: string }, ctx: Context) => {
        const row = await load(ctx.db, args.id);
        if (!(hasRole(ctx.caller, 'provider') && ctx.caller?.id === row.providerCode)) await requireReviewer(ctx, row.providerCode);
        await deps.live.refresh(ctx.db);
        return catalogImpact(ctx.db, deps.live, { id: row.id, coordinate: row.coordinate, dataset: row.dataset, proposed: row.proposed, direction: row.direction }, now());
      },
    },
    Mutation: {
      proposeCatalogChange: async (_: unknown, args: { input: ChangeInput }, ctx: Context) => {
        if (args.input.kind === 'DISPUTE') throw badUserInput('异议请使用disputeCatalogAttribute', 'raise a dispute with disputeCatalogAttribute', { argument: 'kind' });
        return load(ctx.db, await file(ctx, args.input, { providerCheck: true }));
      },
      disputeCatalogAttribute: async (_: unknown, args: { coordinate: string; field: FieldFactsInput; reason: string }, ctx: Context) => {
        const dataset = deps.live.declared.fields.get(args.coordinate)?.dataset ?? deps.live.declared.rootDatasets.get(args.coordinate);
        if (dataset && ctx.caller?.id === dataset.providerCode) {
          throw badUserInput('提供单位变更本单位目录请使用proposeCatalogChange', 'a provider changes its own entries with proposeCatalogChange', { argument: 'coordinate' });
        }
        return load(ctx.db, await file(ctx, { kind: 'DISPUTE', coordinate: args.coordinate, field: args.field, reason: args.reason }, { providerCheck: false }));
      },
      amendCatalogChange: async (_: unknown, args: { id: string; input: ChangeInput }, ctx: Context) => {
        const row = await load(ctx.db, args.id);
        requireProvider(ctx, row.providerCode);
        if (row.status !== 'RETURNED') throw badUserInput('只有退回修改的变更可以修改', 'only a change returned for amendment can be amended', { code: 'NOT_RETURNED' });
        const at = now();
        await deps.live.refresh(ctx.db);
        const target = row.coordinate ? { coordinate: row.coordinate } : { dataset: row.dataset };
        const prepared = prepareChange(deps.live.declared, deps.live.entries(), { ...args.input, ...target, kind: row.kind }, deps.maskSettings, at);
        const dueOn = dueFor('catalogReview', at);
        await ctx.db.transaction(async (tx) => {
          await tx.query(
            `UPDATE catalog_change SET before = $2, proposed = $3, changes = $4, direction = $5, reason = $6, widening_ground = $7, status = 'pending', due_on = $8 WHERE id = $1`,
            [row.id, JSON.stringify(prepared.before), JSON.stringify(prepared.proposed), JSON.stringify(prepared.changes), prepared.direction, args.input.reason.trim(), args.input.wideningGround ?? null, dueOn],
          );
          await step(tx, row.id, 'amended', actorOf(ctx.caller), at, dueOn, args.input.reason.trim());
        });
        return load(ctx.db, row.id);
      },
      cancelCatalogChange: async (_: unknown, args: { id: string; reason: string }, ctx: Context) => {
        const row = await load(ctx.db, args.id);
        if (ctx.caller?.id !== row.proposedBy) throw forbidden('只有提出单位可以撤回', 'only the institution that filed it may cancel it');
        if (!['PENDING', 'RETURNED'].includes(row.status)) throw badUserInput('该变更已有结论', 'this change is already decided', { code: 'ALREADY_DECIDED' });
        if (!args.reason.trim()) throw badUserInput('请说明撤回理由', 'give the reason for cancelling', { argument: 'reason' });
        await ctx.db.transaction(async (tx) => {
          await tx.query(`UPDATE catalog_change SET status = 'cancelled', decided_at = $2, decided_by = $3, decision_note = $4 WHERE id = $1`, [row.id, now().toISOString(), actorOf(ctx.caller), args.reason.trim()]);
          await step(tx, row.id, 'cancelled', actorOf(ctx.caller), now(), null, args.reason.trim());
        });
        return load(ctx.db, row.id);
      },
      decideCatalogChange: async (_: unknown, args: { id: string; decision: 'APPROVE' | 'REFUSE' | 'RETURN' | 'REFER'; note: string }, ctx: Context) => {
        const row = await load(ctx.db, args.id);
        await requireReviewer(ctx, row.providerCode);
        const note = args.note?.trim();
        if (!note) throw badUserInput('请写明审定意见', 'give the note of your decision', { argument: 'note' });
        const decidable = row.status === 'PENDING' || (row.status === 'REFERRED' && args.decision !== 'REFER');
        if (!decidable) throw badUserInput('该变更当前不在待审定状态', 'this change is not waiting for a decision', { code: 'NOT_PENDING' });
        if (args.decision === 'REFER' && row.kind !== 'DISPUTE') throw badUserInput('只有共享属性异议可以报请本级政府决定', 'only a dispute over an attribute is referred to the government (Yunnan Art.27)', { argument: 'decision' });
        const at = now();
        const actor = actorOf(ctx.caller);
        if (args.decision !== 'APPROVE') {
          const status = { REFUSE: 'refused', RETURN: 'returned', REFER: 'referred' }[args.decision];
          const dueOn = args.decision === 'RETURN' ? dueFor('catalogAmendment', at) : null;
          const decided = args.decision === 'REFUSE';
          await ctx.db.transaction(async (tx) => {
            await tx.query(
              `UPDATE catalog_change SET status = $2, due_on = $3, decided_by = CASE WHEN $4 THEN $5 ELSE decided_by END,
                 decided_at = CASE WHEN $4 THEN $6::timestamptz ELSE decided_at END, decision_note = $7 WHERE id = $1`,
              [row.id, status, dueOn, decided, actor, at.toISOString(), note],
            );
            await step(tx, row.id, status, actor, at, dueOn, note);
          });
          return load(ctx.db, row.id);
        }
        // Approve: the entries must still be what the change was reviewed against, and lawful.
        await deps.live.refresh(ctx.db);
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          // One approval at a time: the check below and the write see the same entries.
          await tx.query('SELECT version FROM catalog_version WHERE id = 1 FOR UPDATE');
          for (const [coordinate, facts] of Object.entries(row.before.fields)) {
            const [held] = await tx.query<{ facts: unknown }>('SELECT facts FROM catalog_field WHERE coordinate = $1', [coordinate]);
            if (JSON.stringify(held?.facts) !== JSON.stringify(facts)) throw stale();
          }
          for (const [code, facts] of Object.entries(row.before.datasets)) {
            const [held] = await tx.query<{ facts: unknown }>('SELECT facts FROM catalog_dataset WHERE code = $1', [code]);
            if (JSON.stringify(held?.facts) !== JSON.stringify(facts)) throw stale();
          }
          checkProposed(deps.live.declared, deps.live.entries(), { coordinate: row.coordinate, dataset: row.dataset }, row.proposed, deps.maskSettings, at);
          await writeEntries(tx, row.proposed, actor, row.id);
          await tx.query(`UPDATE catalog_change SET status = 'approved', due_on = NULL, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $1`, [row.id, actor, at.toISOString(), note]);
          await step(tx, row.id, 'approved', actor, at, null, note);
        });
        return load(ctx.db, row.id);
      },
    },
  };
}

function stale(): Error {
  return badUserInput('目录条目在提出变更后已被修改，请按现状重新提出', 'the catalog entry changed since this change was proposed: propose it again against the entries in force', { code: 'CATALOG_CHANGED_SINCE' });
}
