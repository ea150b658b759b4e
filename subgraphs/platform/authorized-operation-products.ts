// Products and their release review (产品和服务审查, seed 001): a developer submits a product made under
// its development agreement in force; the agreement's operator records a finding on every review point
// (REVIEW_POINTS: the seed's six and quality) — any fail rejects, all passed makes it publishable — and
// publishes it. The public disclosure (定期披露, seed 001 【信息披露】): operators with what they were
// authorised, developer selections in publicity (公示), published products — readable without a token,
// since the seed discloses them 向社会 (to society), like the open catalog.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Queryable } from '../../lib/db/database';
import { PRODUCT_KINDS, reviewOutcome, reviewProblem, type ReviewFinding } from '../../directives/authorized-operation';
import { badUserInput } from '../common/errors';
import type { SubgraphContext } from '../common/run-subgraph';
import type { WorkingCalendar } from './calendar/working-days';
import { actorOf } from './permissions';
import { callerParty, checkedText, isAuthority, newId, requireCallerParty } from './authorized-operation-parties';
import { DEVELOPMENT_IN_FORCE } from './authorized-operation-sql';
import { developmentAgreements, developmentView, operationAgreements } from './authorized-operation-agreements';
import { isoColumn } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

const PRODUCT_SELECT = `p.id, p.agreement_id AS "agreementId", p.name, p.kind, p.coordinate, p.description, upper(p.status) AS status,
  ${isoColumn('p.submitted_at')} AS "submittedAt",
  CASE WHEN p.reviewed_at IS NULL THEN NULL ELSE ${isoColumn('p.reviewed_at')} END AS "reviewedAt",
  CASE WHEN p.published_at IS NULL THEN NULL ELSE ${isoColumn('p.published_at')} END AS "publishedAt"`;

interface ProductRow {
  id: string;
  agreementId: string;
  status: string;
}

async function products(db: Queryable, where: string, params: unknown[]) {
  const rows = await db.query<ProductRow>(
    `SELECT ${PRODUCT_SELECT} FROM ao_product p JOIN ao_development_agreement d ON d.id = p.agreement_id WHERE ${where} ORDER BY p.submitted_at, p.id`,
    params,
  );
  const findings = rows.length
    ? await db.query<ReviewFinding & { productId: string }>('SELECT product_id AS "productId", point, passed, note FROM ao_product_finding WHERE product_id = ANY($1::text[]) ORDER BY point', [rows.map((r) => r.id)])
    : [];
  return rows.map((r) => ({ ...r, findings: findings.filter((f) => f.productId === r.id) }));
}

/** The product under one of the calling operator's agreements, or a coded error. */
async function operatorsProduct(ctx: Context, id: string) {
  const operator = await requireCallerParty(ctx, 'OPERATOR');
  const [row] = await products(ctx.db, 'p.id = $1 AND d.operator_id = $2', [id, operator.id]);
  if (!row) throw badUserInput('没有此产品', 'no such product under your agreements', { argument: 'id' });
  return row;
}

export function authorizedOperationProductResolvers(deps: { calendar: WorkingCalendar }): GraphQLResolverMap<Context> {
  const view = developmentView(deps.calendar);
  return {
    Query: {
      operationProducts: async (_: unknown, __: unknown, ctx: Context) => {
        if (ctx.caller?.kind === 'developer') {
          const developer = await callerParty(ctx, 'DEVELOPER');
          return developer ? products(ctx.db, 'd.developer_id = $1', [developer.id]) : [];
        }
        if (await isAuthority(ctx)) return products(ctx.db, 'true', []);
        const operator = await callerParty(ctx, 'OPERATOR');
        return operator ? products(ctx.db, 'd.operator_id = $1', [operator.id]) : [];
      },
      operationDisclosure: async (_: unknown, __: unknown, ctx: Context) => {
        // Every party once: the operators are listed, the others named where their agreements and products appear.
        const parties = await ctx.db.query<{ id: string; kind: string; name: string; creditCode: string }>(`SELECT id, kind, name, credit_code AS "creditCode" FROM ao_party ORDER BY registered_at, id`);
        const operators = parties.filter((p) => p.kind === 'OPERATOR');
        const names = new Map(parties.map((p) => [p.id, p]));
        const agreements = await operationAgreements(ctx.db);
        const inPublicity = (await developmentAgreements(ctx.db, 'd.published_at IS NOT NULL AND d.signed_at IS NULL AND d.terminated_at IS NULL')).map(view);
        const published = await ctx.db.query<{ id: string; name: string; kind: string; description: string; developerId: string; operatorId: string; publishedAt: string }>(
          `SELECT p.id, p.name, p.kind, p.description, d.developer_id AS "developerId", d.operator_id AS "operatorId", ${isoColumn('p.published_at')} AS "publishedAt"
           FROM ao_product p JOIN ao_development_agreement d ON d.id = p.agreement_id WHERE p.status = 'published' ORDER BY p.published_at, p.id`,
        );
        return {
          operators: operators.map((o) => ({ name: o.name, creditCode: o.creditCode, agreements: agreements.filter((a) => a.operatorId === o.id) })),
          selectionsInPublicity: inPublicity.map((d) => ({
            agreementId: d.id, developerName: names.get(d.developerId)?.name, developerCreditCode: names.get(d.developerId)?.creditCode,
            operatorName: names.get(d.operatorId)?.name, purpose: d.purpose, publishedAt: d.publishedAt, publicityEndsOn: d.publicityEndsOn,
          })),
          products: published.map((p) => ({ ...p, developerName: names.get(p.developerId)?.name, operatorName: names.get(p.operatorId)?.name })),
        };
      },
    },
    Mutation: {
      submitOperationProduct: async (_: unknown, args: { input: { agreementId: string; name: string; kind: string; coordinate?: string | null; description: string } }, ctx: Context) => {
        const developer = await requireCallerParty(ctx, 'DEVELOPER');
        const input = args.input;
        const [agreement] = await developmentAgreements(ctx.db, `d.id = $1 AND d.developer_id = $2 AND ${DEVELOPMENT_IN_FORCE}`, [input.agreementId, developer.id]);
        if (!agreement) throw badUserInput('须在有效的开发利用协议下提交产品', 'submit under a development agreement of yours in force', { argument: 'agreementId' });
        if (!(PRODUCT_KINDS as readonly string[]).includes(input.kind)) throw badUserInput('产品形态无效', 'unknown product kind', { argument: 'kind' });
        const coordinate = input.coordinate?.trim() || null;
        if (coordinate && !agreement.products.includes(coordinate)) throw badUserInput('所依据的产品不在协议产品清单内', "the product it builds on is not in the agreement's product list", { argument: 'coordinate' });
        const id = newId('aop');
        await ctx.db.query(
          'INSERT INTO ao_product (id, agreement_id, name, kind, coordinate, description) VALUES ($1, $2, $3, $4, $5, $6)',
          [id, agreement.id, checkedText(input.name, 'name', 200), input.kind, coordinate, checkedText(input.description, 'description', 5000)],
        );
        return (await products(ctx.db, 'p.id = $1', [id]))[0];
      },
      reviewOperationProduct: async (_: unknown, args: { id: string; findings: ReviewFinding[] }, ctx: Context) => {
        const product = await operatorsProduct(ctx, args.id);
        if (product.status !== 'SUBMITTED') throw badUserInput('只能审查待审查的产品', 'only a submitted product can be reviewed', { argument: 'id', status: product.status });
        // Seed 001 【产品和服务审查】: every point recorded, with a note; any fail rejects.
        const problem = reviewProblem(args.findings);
        if (problem) throw badUserInput(problem.zh, problem.en, { argument: 'findings' });
        await ctx.db.transaction(async (tx) => {
          const updated = await tx.query(`UPDATE ao_product SET status = $2, reviewed_by = $3, reviewed_at = now() WHERE id = $1 AND status = 'submitted' RETURNING id`, [product.id, reviewOutcome(args.findings), actorOf(ctx.caller)]);
          if (!updated.length) throw badUserInput('该产品刚被审查', 'the product was just reviewed', { argument: 'id' });
          for (const f of args.findings) await tx.query('INSERT INTO ao_product_finding (product_id, point, passed, note) VALUES ($1, $2, $3, $4)', [product.id, f.point, f.passed, f.note.trim()]);
        });
        return (await products(ctx.db, 'p.id = $1', [product.id]))[0];
      },
      publishOperationProduct: async (_: unknown, args: { id: string }, ctx: Context) => {
        const product = await operatorsProduct(ctx, args.id);
        if (product.status !== 'PUBLISHABLE') throw badUserInput('只能发布审查全部通过的产品', 'only a product that passed every review point can be published', { argument: 'id', status: product.status });
        await ctx.db.query(`UPDATE ao_product SET status = 'published', published_at = now() WHERE id = $1 AND status = 'publishable'`, [product.id]);
        return (await products(ctx.db, 'p.id = $1', [product.id]))[0];
      },
    },
  };
}
