import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { PersonRecord } from '../seed/records';
import { citizenIdArgument, citizenIdsArgument, divisionPrefixArgument } from '../common/arguments';
import { listPage } from '../common/listing';
import { scopeCondition } from '../common/division-scope';
import type { SubgraphContext } from '../common/run-subgraph';
import { selectList } from '../common/table';
import type { PopulationLoaders } from './loaders';
import { PERSON_TABLE } from './person-table';

type Context = SubgraphContext<PopulationLoaders>;
const COLUMNS = selectList(PERSON_TABLE);

export const populationResolvers: GraphQLResolverMap<Context> = {
  Query: {
    person: (_: unknown, args: { idNumber: string }, ctx: Context) => ctx.loaders.personById.load(citizenIdArgument(args.idNumber)),
    persons: (_: unknown, args: { idNumbers: string[] }, ctx: Context) => ctx.loaders.personById.loadMany(citizenIdsArgument(args.idNumbers)),
    personsByDivision: (_: unknown, args: { divisionCode: string; first?: number; after?: string }, ctx: Context) => {
      const scope = scopeCondition(ctx, 'Query.personsByDivision', 2);
      return listPage<PersonRecord>(ctx.db, {
        select: COLUMNS,
        table: 'person',
        where: `division_code LIKE $1${scope.sql}`,
        params: [`${divisionPrefixArgument(args.divisionCode)}%`, ...scope.params],
        keyColumn: 'id_number',
        keyOf: (p) => p.idNumber,
        first: args.first,
        after: args.after,
      });
    },
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
