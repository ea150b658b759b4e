import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { PersonRecord } from '../seed/records';
import { citizenIdArgument, citizenIdsArgument, divisionPrefixArgument } from '../common/arguments';
import { listDivisionPage } from '../common/listing';
import { scopeOf } from '../common/division-scope';
import { PERSON_COUNTED } from './migrations';
import type { SubgraphContext } from '../common/run-subgraph';
import { selectList } from '../common/table';
import type { Queryable } from '../../lib/db/database';
import type { PopulationLoaders } from './loaders';
import { PERSON_TABLE } from './person-table';
import { chosen, divisionLattice, releaseAggregate } from '../common/aggregate-release';

type Context = SubgraphContext<PopulationLoaders>;
const COLUMNS = selectList(PERSON_TABLE);

/** The age bands of personCounts (schema AgeBand), 15 years each, the last open-ended. */
export const AGE_BANDS = ['AGE_0_14', 'AGE_15_29', 'AGE_30_44', 'AGE_45_59', 'AGE_60_74', 'AGE_75_PLUS'] as const;
const GENDERS = ['MALE', 'FEMALE'] as const;

/** The Beijing calendar year: ages are those reached in it, so a band changes on 1 January, not on a birthday. */
function referenceYear(now = new Date()): number {
  return new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();
}

export interface PersonCountsFilter {
  divisionCode: string;
  ageBands?: readonly string[] | null;
  genders?: readonly string[] | null;
}

/** The personCounts product (schema/population.graphql): one GROUP BY in this database, released on the fixed grid. */
export async function countPersons(db: Queryable, args: PersonCountsFilter, scope?: readonly string[], now = new Date()) {
  const year = referenceYear(now);
  const divisions = divisionLattice(args.divisionCode, scope);
  const table = await releaseAggregate(
    db,
    'Query.personCounts',
    [['divisionCode', divisions.codes], ['ageBand', chosen(AGE_BANDS, args.ageBands)], ['gender', chosen(GENDERS, args.genders)]],
    // Residents only (ALIVE); the band is the age reached in the reference year, in whole 15-year steps.
    `SELECT division_code AS "divisionCode", gender,
            ($3::text[])[least(greatest($2::int - extract(year FROM birth_date)::int, 0) / 15, 5) + 1] AS "ageBand",
            count(*)::int AS count
     FROM person WHERE status = 'ALIVE' AND division_code LIKE $1 GROUP BY 1, 2, 3`,
    [divisions.like, year, AGE_BANDS],
  );
  return { ...table, referenceYear: year };
}

export const populationResolvers: GraphQLResolverMap<Context> = {
  Query: {
    person: (_: unknown, args: { idNumber: string }, ctx: Context) => ctx.loaders.personById.load(citizenIdArgument(args.idNumber)),
    persons: (_: unknown, args: { idNumbers: string[] }, ctx: Context) => ctx.loaders.personById.loadMany(citizenIdsArgument(args.idNumbers)),
    personsByDivision: (_: unknown, args: { divisionCode: string; first?: number; after?: string }, ctx: Context) => {
      return listDivisionPage<PersonRecord>(ctx.db, {
        select: COLUMNS,
        counted: PERSON_COUNTED,
        divisionPrefix: divisionPrefixArgument(args.divisionCode),
        scope: scopeOf(ctx, 'Query.personsByDivision'),
        keyColumn: 'id_number',
        keyOf: (p) => p.idNumber,
        first: args.first,
        after: args.after,
      });
    },
    personCounts: (_: unknown, args: PersonCountsFilter, ctx: Context) => countPersons(ctx.db, args, ctx.caller?.divisionScopes?.['Query.personCounts']),
    verifyPersonIdentity: async (_: unknown, args: { idNumber: string; name: string }, ctx: Context) => {
      const person = await ctx.loaders.personById.load(citizenIdArgument(args.idNumber)); // verification is not a disclosure: unscoped
      return person !== null && person.name === args.name ? 'MATCH' : 'NO_MATCH';
    },
  },
  Person: {
    __resolveReference: (ref: { idNumber: string }, ctx: Context) => ctx.loaders.personById.load(ref.idNumber),
    householdMembers: (person: PersonRecord, _: unknown, ctx: Context) => ctx.loaders.householdMembers.load(person.householdNumber),
  },
};
