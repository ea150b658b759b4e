// Monthly statements of operation-service fees (产品和服务定价, seed 001): per signed development
// agreement of the developer, the answered calls of each of its products under the agreement's scenario
// while it was in force that month — metered from the audit log by product-usage.ts, the one meter —
// times the agreement's fee per call (0 for public governance and welfare). Amounts in fen, integers.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { statementLine } from '../../directives/authorized-operation';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import { forbidden } from './permissions';
import { callerParty, isAuthority, partyById } from './authorized-operation-parties';
import { developmentAgreements } from './authorized-operation-agreements';
import { meterProducts, monthBounds } from './product-usage';

type Context = SubgraphContext<Record<string, never>>;

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);

export function authorizedOperationFeeResolvers(): GraphQLResolverMap<Context> {
  return {
    Query: {
      operationStatement: async (_: unknown, args: { developerId: string; month: string }, ctx: Context) => {
        const [from, to] = monthBounds(args.month);
        const developer = await partyById(ctx.db, args.developerId, 'developerId');
        if (developer.kind !== 'DEVELOPER') throw badUserInput('developerId须为开发主体', 'developerId must be a developer entity', { argument: 'developerId' });
        let agreements = await developmentAgreements(ctx.db, 'd.developer_id = $1 AND d.signed_at IS NOT NULL', [developer.id]);
        // The developer itself, an authority, or an operator for its own agreements with the developer.
        if (!(await isAuthority(ctx))) {
          const own = ctx.caller?.kind === 'developer' ? (await callerParty(ctx, 'DEVELOPER'))?.id === developer.id : false;
          if (!own) {
            const operator = ctx.caller?.kind === 'institution' ? await callerParty(ctx, 'OPERATOR') : undefined;
            if (!operator || !agreements.some((a) => a.operatorId === operator.id)) throw forbidden('无权查看该开发主体的账单', "you may not read this developer's statements");
            agreements = agreements.filter((a) => a.operatorId === operator.id);
          }
        }
        const lines: { agreementId: string; purpose: string; product: string; calls: number; unitFeeFen: number; amountFen: number }[] = [];
        for (const agreement of agreements) {
          // The part of the month the agreement was in force: calls outside it were not under it.
          const start = later(from, agreement.signedAt!);
          const end = earlier(earlier(to, agreement.endsAt!), agreement.terminatedAt ?? to);
          const metered = Date.parse(start) < Date.parse(end)
            ? await meterProducts(ctx.db, start, end, (params) => `caller_kind = 'developer' AND operator = $${params.push(developer.account)} AND scenario = $${params.push(agreement.scenario)}`)
            : [];
          agreement.products.forEach((product, i) => {
            const calls = metered.filter((m) => m.product === product).reduce((sum, m) => sum + m.calls, 0);
            lines.push({ agreementId: agreement.id, purpose: agreement.purpose, product, calls, ...statementLine(calls, agreement.feeFen[i], agreement.purpose) });
          });
        }
        return { developerId: developer.id, month: args.month, lines, totalFen: lines.reduce((sum, l) => sum + l.amountFen, 0) };
      },
    },
  };
}
