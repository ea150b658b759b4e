// 异议、校核 (Yunnan Art.22, Guiyang Art.24): a data subject objects to a record about themselves, or
// an institution to a record it received; the dataset's provider checks and answers within the
// profile's deadline, which it may extend once as far as the article allows.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Catalog } from '../../directives/catalog';
import type { WorkingCalendar } from './calendar/working-days';
import { deadlineFor, type JurisdictionProfile } from './profiles/profile';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { actorOf, forbidden } from './permissions';
import { adminAreaOf, divisionOfInstitution, inAreaSql, requireAdminArea, requireInArea } from './institution-registry';
import { CHINA_TIME_ZONE } from './calendar/working-days';
import { isoColumn, chinaDay } from './sql-dates';
import { DEFAULT_MASK_SETTINGS, type MaskSettings } from '../../directives/mask';
import { checkCorrections, columnValue, CORRECTION_SELECT, maskedForHistory, recordCorrection, type CorrectionWriter, type FieldCorrection } from './record-corrections';

type Context = SubgraphContext<Record<string, never>>;

export interface ObjectionDeps {
  catalog: Catalog;
  profile: JurisdictionProfile;
  calendar: WorkingCalendar;
  /** Writes a confirmed correction into the record's subgraph (record-corrections.ts). */
  writeCorrection: CorrectionWriter;
  maskSettings?: MaskSettings;
  now?: () => Date;
}

const SELECT = `id, raised_by_kind AS "raisedByKind", dataset, record_ref AS "recordRef", field, description, status,
  ${isoColumn('filed_at')} AS "filedAt", due_on::text AS "dueOn", extended, corrected, answer, ${isoColumn('answered_at')} AS "answeredAt", provider_code AS "providerCode", raised_by AS "raisedBy",
  through_authority AS "throughAuthority", ${isoColumn('forwarded_at')} AS "forwardedAt"`;

interface ObjectionRow {
  id: string;
  dataset: string;
  recordRef: string;
  field: string | null;
  status: string;
  dueOn: string;
  filedAt: string;
  extended: boolean;
  providerCode: string;
}


/** `Person:5301…` → [type, key] (raiseObjection checked the form). */
const splitRef = (ref: string): [string, string] => {
  const at = ref.indexOf(':');
  return [ref.slice(0, at), ref.slice(at + 1)];
};

/** The record's key for datasets without a subject key (e.g. Licence.number): its @key field. */
const KEY_FIELDS: Record<string, string> = { Licence: 'number' };
const keyFieldOf = (typeName: string): string | undefined => KEY_FIELDS[typeName];

export function objectionResolvers(deps: ObjectionDeps): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  const load = async (ctx: Context, id: string) => (await ctx.db.query<ObjectionRow>(`SELECT ${SELECT} FROM objection WHERE id = $1`, [id]))[0];
  const mustProvide = async (ctx: Context, id: string) => {
    const row = await load(ctx, id);
    if (!row) throw badUserInput('异议不存在', 'no such objection', { argument: 'id' });
    if (ctx.caller?.id !== row.providerCode) throw forbidden('只有数据提供单位可以处理该异议', 'only the dataset\'s provider handles this objection');
    if (row.status === 'forwarding') throw badUserInput('异议尚待数据主管部门转交', 'the objection awaits forwarding by the data authority', { argument: 'id' });
    if (row.status !== 'open') throw badUserInput('异议已答复', 'the objection is already answered', { argument: 'id' });
    return row;
  };

  return {
    Query: {
      objections: async (_: unknown, args: { status?: string }, ctx: Context) => {
        const caller = ctx.caller!;
        const params: unknown[] = [];
        let where: string;
        // An authority: objections to data of providers in its area.
        const area = await adminAreaOf(ctx);
        if (area !== undefined) where = inAreaSql('objection.provider_code', area, params);
        else if ((caller.roles ?? []).includes('provider')) where = `(provider_code = $${params.push(caller.id)} OR (raised_by_kind = 'institution' AND raised_by = $${params.length}))`;
        else where = `raised_by_kind = $${params.push(caller.kind)} AND raised_by = $${params.push(caller.id)}`;
        if (args.status) where += ` AND status = $${params.push(args.status)}`;
        return ctx.db.query(`SELECT ${SELECT} FROM objection WHERE ${where} ORDER BY filed_at DESC LIMIT 500`, params);
      },
    },
    Objection: {
      // What the provider changed in the record (values masked), for the raiser and the provider.
      corrections: (o: ObjectionRow, _: unknown, ctx: Context) => ctx.db.query(`SELECT ${CORRECTION_SELECT} FROM record_correction WHERE objection_id = $1 ORDER BY corrected_at`, [o.id]),
      overdue: (o: ObjectionRow) => (o.status === 'open' || o.status === 'forwarding') && o.dueOn < chinaDay(now()),
    },
    Mutation: {
      raiseObjection: async (_: unknown, args: { dataset: string; recordRef: string; field?: string; description: string; throughAuthority?: boolean }, ctx: Context) => {
        const caller = ctx.caller!;
        const dataset = [...deps.catalog.datasets.values()].find((d) => d.code === args.dataset);
        if (!dataset) throw badUserInput('数据集不存在', 'no such dataset code', { argument: 'dataset' });
        const ref = /^([A-Za-z]+):([0-9A-Z-]{1,40})$/.exec(args.recordRef);
        if (!ref || ref[1] !== dataset.typeName) throw badUserInput(`记录引用应为 ${dataset.typeName}:<键>`, `recordRef must read ${dataset.typeName}:<key>`, { argument: 'recordRef' });
        // A data subject objects to their own record only.
        if (caller.kind === 'subject' && ref[2] !== caller.id) throw forbidden('只能对本人的记录提出异议', 'a data subject objects to their own record only');
        if (args.field && !deps.catalog.fields.has(`${dataset.typeName}.${args.field}`)) throw badUserInput('字段不存在', 'no such field', { argument: 'field' });
        if (!args.description.trim() || args.description.length > 2000) throw badUserInput('请说明异议内容（2000字以内）', 'describe the objection (up to 2,000 characters)', { argument: 'description' });
        const filedAt = now();
        // Open data objected to: checked at once where the profile says so (Guiyang-Gui'an Art.31 立即进行核实).
        const openAttribute = args.field ? deps.catalog.fields.get(`${dataset.typeName}.${args.field}`)?.open?.attribute : undefined;
        const atOnce = deps.profile.openObjectionAtOnce && openAttribute !== undefined && openAttribute !== 'NONE';
        const forwarding = deps.profile.objectionForwarding;
        if (args.throughAuthority && !forwarding) {
          throw badUserInput('本地区异议须向数据提供单位提出', 'in this jurisdiction an objection goes to the provider, not through the data authority', { argument: 'throughAuthority' });
        }
        // Through the authority: due the forwarding's day (Yunnan Art.22 ¶2); the provider's days run from the forwarding.
        const due = args.throughAuthority ? deps.calendar.addWorkingDays(filedAt, forwarding!.workingDays, CHINA_TIME_ZONE)
          : atOnce ? chinaDay(filedAt) : deadlineFor(deps.profile, 'objectionAnswer', filedAt, deps.calendar).due;
        const id = `objection-${crypto.randomUUID()}`;
        await ctx.db.query(
          `INSERT INTO objection (id, raised_by_kind, raised_by, dataset, provider_code, record_ref, field, description, status, filed_at, due_on, through_authority)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $9, $10, $12)`,
          [id, caller.kind, caller.id, dataset.code, dataset.providerCode, args.recordRef, args.field ?? null, args.description, filedAt.toISOString(), due,
            args.throughAuthority ? 'forwarding' : 'open', args.throughAuthority ?? false],
        );
        return load(ctx, id);
      },
      // Corrected: each new value is written into the provider's record first (signed, to that
      // subgraph's correction route only), then the history and the answer are committed together.
      answerObjection: async (_: unknown, args: { id: string; corrected: boolean; answer: string; corrections?: FieldCorrection[] }, ctx: Context) => {
        const row = await mustProvide(ctx, args.id);
        if (!args.answer.trim()) throw badUserInput('请填写答复', 'write the answer', { argument: 'answer' });
        const [typeName, key] = splitRef(row.recordRef);
        const dataset = [...deps.catalog.datasets.values()].find((d) => d.code === row.dataset);
        const corrections = args.corrections ?? [];
        checkCorrections(deps.catalog, typeName, dataset?.subjectKey ?? keyFieldOf(typeName), row.field, args.corrected, corrections);
        const values = corrections.map((c) => columnValue(deps.catalog, typeName, c));
        const at = now();
        const applied: { field: string; oldValue: string | null; newValue: string | null }[] = [];
        try {
          for (const [i, c] of corrections.entries()) {
            const old = await deps.writeCorrection(typeName, key, c.field, values[i], row.id);
            applied.push({ field: c.field, oldValue: old, newValue: c.value });
          }
        } finally {
          // What reached the record is in its history even when a later field failed (the objection stays open then).
          const masks = deps.maskSettings ?? DEFAULT_MASK_SETTINGS;
          await ctx.db.transaction(async (tx) => {
            for (const a of applied) {
              const coordinate = `${typeName}.${a.field}`;
              await recordCorrection(tx, { objection: row.id, field: a.field, oldValue: maskedForHistory(deps.catalog, masks, coordinate, a.oldValue),
                newValue: maskedForHistory(deps.catalog, masks, coordinate, a.newValue), by: actorOf(ctx.caller), at });
            }
            if (applied.length === corrections.length) {
              await tx.query(`UPDATE objection SET status = 'answered', corrected = $2, answer = $3, answered_at = $4 WHERE id = $1`, [args.id, args.corrected, args.answer, at.toISOString()]);
            }
          });
        }
        return load(ctx, args.id);
      },
      // The data authority forwards an objection lodged with it (Yunnan Art.22 ¶2); the institution's days start now.
      forwardObjection: async (_: unknown, args: { id: string }, ctx: Context) => {
        const row = await load(ctx, args.id);
        if (!row) throw badUserInput('异议不存在', 'no such objection', { argument: 'id' });
        requireInArea(await requireAdminArea(ctx), await divisionOfInstitution(ctx.db, row.providerCode), `异议${row.id}的数据提供单位`, `the provider of objection ${row.id}`);
        if (row.status !== 'forwarding') throw badUserInput('该异议无须转交或已转交', 'the objection is not awaiting forwarding', { argument: 'id' });
        const at = now();
        const { due } = deadlineFor(deps.profile, 'objectionAnswer', at, deps.calendar);
        await ctx.db.query(`UPDATE objection SET status = 'open', forwarded_at = $2, due_on = $3 WHERE id = $1 AND status = 'forwarding'`, [args.id, at.toISOString(), due]);
        return load(ctx, args.id);
      },
      extendObjection: async (_: unknown, args: { id: string; reason: string }, ctx: Context) => {
        const row = await mustProvide(ctx, args.id);
        if (row.extended) throw badUserInput('期限只能延长一次', 'the deadline can be extended once', { argument: 'id' });
        if (!args.reason.trim()) throw badUserInput('请说明延期理由', 'give the reason for the extension', { argument: 'reason' });
        const entry = deps.profile.sla.objectionAnswer;
        if (entry.extendableTo === undefined) {
          throw badUserInput(`本地区异议处理期限不可延长（${entry.article}）`, `this jurisdiction's objection deadline cannot be extended (${entry.article})`, { argument: 'id' });
        }
        const { due } = deadlineFor(deps.profile, 'objectionAnswer', new Date(row.filedAt), deps.calendar, { extended: true });
        await ctx.db.query('UPDATE objection SET extended = true, due_on = $2 WHERE id = $1', [args.id, due]);
        return load(ctx, args.id);
      },
    },
  };
}
