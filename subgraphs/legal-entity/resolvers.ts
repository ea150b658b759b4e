import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { LegalEntityRecord } from '../seed/records';
import { creditCodeArgument, creditCodesArgument, divisionPrefixArgument } from '../common/arguments';
import { listPage } from '../common/listing';
import { scopeCondition, scoped, scopedList } from '../common/division-scope';
import type { SubgraphContext } from '../common/run-subgraph';
import { LEGAL_ENTITY_COLUMNS, type LegalEntityLoaders } from './loaders';

type Context = SubgraphContext<LegalEntityLoaders>;

export const legalEntityResolvers: GraphQLResolverMap<Context> = {
  Query: {
    legalEntity: async (_: unknown, args: { creditCode: string }, ctx: Context) =>
      scoped(ctx, await ctx.loaders.entityByCode.load(creditCodeArgument(args.creditCode))),
    legalEntities: async (_: unknown, args: { creditCodes: string[] }, ctx: Context) =>
      (await ctx.loaders.entityByCode.loadMany(creditCodesArgument(args.creditCodes))).map((row) => scoped(ctx, row)),
    legalEntitiesByDivision: (_: unknown, args: { divisionCode: string; first?: number; after?: string }, ctx: Context) =>
      listPage<LegalEntityRecord>(ctx.db, {
        select: LEGAL_ENTITY_COLUMNS,
        table: 'legal_entity',
        where: `division_code LIKE $1${scopeCondition(ctx, 2).sql}`,
        params: [`${divisionPrefixArgument(args.divisionCode)}%`, ...scopeCondition(ctx, 2).params],
        keyColumn: 'credit_code',
        keyOf: (e) => e.creditCode,
        first: args.first,
        after: args.after,
      }),
  },
  LegalEntity: {
    __resolveReference: async (ref: { creditCode: string }, ctx: Context) => scoped(ctx, await ctx.loaders.entityByCode.load(ref.creditCode)),
    legalRepresentative: (entity: LegalEntityRecord) => ({ __typename: 'Person', idNumber: entity.legalRepresentativeIdNumber }),
  },
  Person: {
    // Person is owned by the population subgraph; this one only contributes Person.legalEntities.
    __resolveReference: (ref: { idNumber: string }) => ref,
    legalEntities: async (person: { idNumber: string }, _: unknown, ctx: Context) => scopedList(ctx, await ctx.loaders.entitiesByRepresentative.load(person.idNumber)),
  },
};
