import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { LegalEntityRecord } from '../seed/records';
import { creditCodeArgument, creditCodesArgument, divisionPrefixArgument } from '../common/arguments';
import { listDivisionPage } from '../common/listing';
import { scopeOf } from '../common/division-scope';
import { LEGAL_ENTITY_COUNTED } from './migrations';
import type { SubgraphContext } from '../common/run-subgraph';
import type { Queryable } from '../../lib/db/database';
import { LEGAL_ENTITY_COLUMNS, type LegalEntityLoaders } from './loaders';
import { chosen, divisionLattice, releaseAggregate } from '../common/aggregate-release';

/** The lattice of legalEntityCounts: the schema's LegalEntityKind and LegalEntityStatus. */
const KINDS = ['ENTERPRISE', 'INDIVIDUAL_BUSINESS', 'FARMER_COOPERATIVE', 'GOVERNMENT_AGENCY', 'PUBLIC_INSTITUTION', 'SOCIAL_ORGANISATION'] as const;
const STATUSES = ['ACTIVE', 'DEREGISTERED', 'REVOKED'] as const;

type Context = SubgraphContext<LegalEntityLoaders>;

export interface LegalEntityCountsFilter {
  divisionCode: string;
  kinds?: readonly string[] | null;
  statuses?: readonly string[] | null;
}

/** The legalEntityCounts product (schema/legal-entity.graphql): one GROUP BY in this database, released on the fixed grid. */
export function countLegalEntities(db: Queryable, args: LegalEntityCountsFilter, scope?: readonly string[]) {
  const divisions = divisionLattice(args.divisionCode, scope);
  return releaseAggregate(
    db,
    'Query.legalEntityCounts',
    [['divisionCode', divisions.codes], ['kind', chosen(KINDS, args.kinds)], ['status', chosen(STATUSES, args.statuses)]],
    `SELECT division_code AS "divisionCode", kind, status, count(*)::int AS count FROM legal_entity WHERE division_code LIKE $1 GROUP BY 1, 2, 3`,
    [divisions.like],
  );
}

export const legalEntityResolvers: GraphQLResolverMap<Context> = {
  Query: {
    legalEntity: (_: unknown, args: { creditCode: string }, ctx: Context) => ctx.loaders.entityByCode.load(creditCodeArgument(args.creditCode)),
    legalEntities: (_: unknown, args: { creditCodes: string[] }, ctx: Context) => ctx.loaders.entityByCode.loadMany(creditCodesArgument(args.creditCodes)),
    legalEntitiesByDivision: (_: unknown, args: { divisionCode: string; first?: number; after?: string }, ctx: Context) => {
      return listDivisionPage<LegalEntityRecord>(ctx.db, {
        select: LEGAL_ENTITY_COLUMNS,
        counted: LEGAL_ENTITY_COUNTED,
        divisionPrefix: divisionPrefixArgument(args.divisionCode),
        scope: scopeOf(ctx, 'Query.legalEntitiesByDivision'),
        keyColumn: 'credit_code',
        keyOf: (e) => e.creditCode,
        first: args.first,
        after: args.after,
      });
    },
    legalEntityCounts: (_: unknown, args: LegalEntityCountsFilter, ctx: Context) => countLegalEntities(ctx.db, args, ctx.caller?.divisionScopes?.['Query.legalEntityCounts']),
  },
  LegalEntity: {
    __resolveReference: (ref: { creditCode: string }, ctx: Context) => ctx.loaders.entityByCode.load(ref.creditCode),
    legalRepresentative: (entity: LegalEntityRecord) => ({ __typename: 'Person', idNumber: entity.legalRepresentativeIdNumber }),
  },
  Person: {
    // Person is owned by the population subgraph; this one only contributes Person.legalEntities.
    __resolveReference: (ref: { idNumber: string }) => ref,
    legalEntities: (person: { idNumber: string }, _: unknown, ctx: Context) => ctx.loaders.entitiesByRepresentative.load(person.idNumber),
  },
};
