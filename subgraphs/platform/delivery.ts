// Delivery after approval (完成数据共享 / 予以开放), with its deadline from the profile's *Delivery entry:
// Yunnan Art.29 ¶1 (unconditional: within 2 working days of the request), Art.29 ¶2 (conditional: within
// 5 of the answer), Guiyang-Gui'an Art.30 ¶2 (open: within 5 of the approval); Kunming and Ganzi per
// their profiles.
// What counts as delivered: the articles make completing the share the provider's act (数据提供单位
// 应当……完成数据共享), distinct from the answer, so a provider-approved application is delivered when
// its provider records the delivery (recordDelivery). An application the platform approves itself
// (Guiyang-Gui'an Art.22 ¶1 直接获取) is delivered at approval: its grant, in force at once, is the delivery.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Queryable } from '../../lib/db/database';
import type { Catalog } from '../../directives/catalog';
import type { WorkingCalendar } from './calendar/working-days';
import { deadlineFor, type JurisdictionProfile, type Procedure } from './profiles/profile';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { actorOf, forbidden } from './permissions';
import { adminAreaOf, inAreaSql } from './institution-registry';
import { chinaDay } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

export interface DeliveryDeps {
  catalog: Catalog;
  profile: JurisdictionProfile;
  calendar: WorkingCalendar;
  now?: () => Date;
}

interface ApprovedApplication {
  id: string;
  purpose: 'SHARE' | 'OPEN';
  fields: string[];
  filedAt: string;
}

/** The *Delivery procedure of an application and the event its days count from (PROCEDURES in profile.ts). */
export function deliveryProcedure(catalog: Catalog, application: ApprovedApplication, approvedAt: Date): { procedure: Procedure; from: Date } {
  if (application.purpose === 'OPEN') return { procedure: 'conditionalOpenDelivery', from: approvedAt };
  const unconditional = application.fields.every((f) => catalog.fields.get(f)?.share?.attribute === 'UNCONDITIONAL');
  return unconditional ? { procedure: 'unconditionalShareDelivery', from: new Date(application.filedAt) } : { procedure: 'conditionalShareDelivery', from: approvedAt };
}

/**
 * Sets the delivery due date of an application just approved; `deliveredNow` for an approval by the
 * platform itself (the grant in force is the delivery). A profile with no delivery deadline leaves it null.
 */
export async function scheduleDelivery(tx: Queryable, deps: DeliveryDeps, application: ApprovedApplication, approvedAt: Date, deliveredNow: boolean): Promise<void> {
  const { procedure, from } = deliveryProcedure(deps.catalog, application, approvedAt);
  let due: string | null = null;
  if (deps.profile.sla[procedure].workingDays !== null) {
    try {
      due = deadlineFor(deps.profile, procedure, from, deps.calendar).due;
    } catch {
      due = null; // past the calendar's years: no due date rather than a wrong one
    }
  }
  await tx.query('UPDATE application SET delivery_due_on = $2, delivered_at = $3 WHERE id = $1', [application.id, due, deliveredNow ? approvedAt.toISOString() : null]);
}

interface DeliveryRow {
  status: string;
  deliveryDueOn: string | null;
  deliveredAt: string | null;
}

/** Late: delivered after its due day, or not delivered and its due day is past. */
export function deliveryLate(a: DeliveryRow, today: string): boolean {
  if (a.status !== 'APPROVED' || !a.deliveryDueOn) return false;
  return a.deliveredAt ? chinaDay(new Date(a.deliveredAt)) > a.deliveryDueOn : a.deliveryDueOn < today;
}

export function deliveryResolvers(deps: DeliveryDeps, applicationSelect: string): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  const load = async (db: Queryable, id: string) =>
    (await db.query<DeliveryRow & { id: string; providerCode: string }>(`SELECT ${applicationSelect} FROM application WHERE id = $1`, [id]))[0];
  return {
    Query: {
      lateDeliveries: async (_: unknown, __: unknown, ctx: Context) => {
        const params: unknown[] = [chinaDay(now())];
        const area = await adminAreaOf(ctx);
        let scope: string;
        if (area !== undefined) scope = inAreaSql('application.provider_code', area, params);
        else if (ctx.caller?.roles?.includes('provider') && ctx.caller.id) scope = `provider_code = $${params.push(ctx.caller.id)}`;
        else throw forbidden('无权查看逾期交付', 'not allowed to list late deliveries');
        return ctx.db.query(
          `SELECT ${applicationSelect} FROM application
           WHERE status = 'approved' AND delivery_due_on IS NOT NULL AND ${scope}
             AND ((delivered_at IS NULL AND delivery_due_on < $1::date)
               OR (delivered_at IS NOT NULL AND (delivered_at AT TIME ZONE 'Asia/Shanghai')::date > delivery_due_on))
           ORDER BY delivery_due_on`,
          params,
        );
      },
    },
    Application: {
      deliveryLate: (a: DeliveryRow) => deliveryLate(a, chinaDay(now())),
    },
    Mutation: {
      recordDelivery: async (_: unknown, args: { id: string; note?: string }, ctx: Context) => {
        const application = await load(ctx.db, args.id);
        if (!application) throw badUserInput('申请不存在', 'no such application', { argument: 'id' });
        if (!(ctx.caller?.roles?.includes('provider') && ctx.caller.id === application.providerCode)) {
          throw forbidden('仅该申请的数据提供单位可登记交付', 'only the provider of the application records its delivery');
        }
        if (application.status !== 'APPROVED') throw badUserInput('申请未获批准，无从交付', 'the application is not approved: there is nothing to deliver', { argument: 'id' });
        if (application.deliveredAt) throw badUserInput('该申请已登记交付', 'the delivery of this application is already recorded', { argument: 'id' });
        const at = now();
        return ctx.db.transaction(async (tx) => {
          await tx.query('UPDATE application SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL', [application.id, at.toISOString()]);
          await tx.query(
            `INSERT INTO application_step (application_id, seq, stage, action, actor, at, due_on, note)
             VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM application_step WHERE application_id = $1), 'provider', 'delivered', $2, $3, $4, $5)`,
            [application.id, actorOf(ctx.caller), at.toISOString(), application.deliveryDueOn, args.note?.trim() || null],
          );
          return load(tx, application.id);
        });
      },
    },
  };
}
