// 数据安全事件 (Yunnan Art.43(8) emergency plans, Ganzi Art.37 security management): an institution
// records an incident on data it received; the record reaches the data authority of its area and the
// providers of the datasets concerned (both list it in securityIncidents), and the institution's
// grants over those datasets are suspended at once — fail closed until the authority lifts them
// (liftSuspension, with its reason) after the incident is handled.
import crypto from 'node:crypto';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { approvingDataset, type Catalog } from '../../directives/catalog';
import { badUserInput } from '../common/errors';
import { requiredText } from '../common/arguments';
import type { SubgraphContext } from '../common/run-subgraph';
import { actorOf, hasRole } from './permissions';
import { adminAreaOf, inAreaSql } from './institution-registry';
import { changePolicy } from './grant-writer';
import type { PolicyChangeNotifier } from './policy-state';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const SELECT = `id, institution, reported_by AS "reportedBy", description, datasets, provider_codes AS "providerCodes",
  suspended_grants AS "suspendedGrants", ${isoColumn('reported_at')} AS "reportedAt"`;

export function securityIncidentResolvers(deps: { catalog: Catalog; notifier: PolicyChangeNotifier }): GraphQLResolverMap<Context> {
  return {
    Query: {
      securityIncidents: async (_: unknown, __: unknown, ctx: Context) => {
        const caller = ctx.caller!;
        const params: unknown[] = [];
        let where: string;
        const area = await adminAreaOf(ctx);
        if (area !== undefined) where = inAreaSql('security_incident.institution', area, params);
        else if (hasRole(caller, 'provider')) where = `($${params.push(caller.id)} = ANY(provider_codes) OR institution = $${params.length})`;
        else where = `institution = $${params.push(caller.id)}`;
        return ctx.db.query(`SELECT ${SELECT} FROM security_incident WHERE ${where} ORDER BY reported_at DESC LIMIT 500`, params);
      },
    },
    Mutation: {
      reportSecurityIncident: async (_: unknown, { input }: { input: { description: string; datasets: string[] } }, ctx: Context) => {
        const caller = ctx.caller!;
        const description = requiredText(input.description, 'description', '请说明事件经过', 'describe the incident');
        if (!input.datasets.length) throw badUserInput('请列出涉及的数据集', 'list the datasets concerned', { argument: 'datasets' });
        const byCode = new Map([...deps.catalog.datasets.values()].map((d) => [d.code, d]));
        const unknown = input.datasets.filter((code) => !byCode.has(code));
        if (unknown.length) throw badUserInput(`数据集不存在：${unknown.join('、')}`, `no such dataset: ${unknown.join(', ')}`, { argument: 'datasets' });
        const providerCodes = [...new Set(input.datasets.map((code) => byCode.get(code)!.providerCode))];
        const id = `incident-${crypto.randomUUID()}`;
        await changePolicy(ctx.db, deps.notifier, async (tx) => {
          // The reporter's active grants reaching any dataset concerned.
          const grants = await tx.query<{ id: string; fields: string[] }>(`SELECT id, fields FROM grant_record WHERE grantee_kind = 'institution' AND grantee_id = $1 AND status = 'active'`, [caller.id]);
          const touched = grants.filter((g) => g.fields.some((f) => input.datasets.includes(approvingDataset(deps.catalog, f)?.code ?? ''))).map((g) => g.id);
          const reason = `数据安全事件 ${id} / security incident ${id}`;
          for (const grantId of touched) {
            await tx.query('INSERT INTO suspension (id, target_kind, target_id, scope, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
              [`suspension-${crypto.randomUUID()}`, 'grant', grantId, 'both', reason, actorOf(caller)]);
          }
          await tx.query(`INSERT INTO security_incident (id, institution, reported_by, description, datasets, provider_codes, suspended_grants) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [id, caller.id, actorOf(caller), description, input.datasets, providerCodes, touched]);
        });
        return (await ctx.db.query(`SELECT ${SELECT} FROM security_incident WHERE id = $1`, [id]))[0];
      },
    },
  };
}
