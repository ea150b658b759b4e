import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { LicenceRecord } from '../seed/records';
import { creditCodeArgument, divisionPrefixArgument } from '../common/arguments';
import { chosen, divisionLattice, releaseAggregate } from '../common/aggregate-release';
import { badUserInput } from '../common/errors';
import { listDivisionPage } from '../common/listing';
import { scopeOf } from '../common/division-scope';
import { LICENCE_COUNTED } from './migrations';
import type { SubgraphContext } from '../common/run-subgraph';
import type { Queryable } from '../../lib/db/database';
import { LICENCE_COLUMNS, type LicenceLoaders } from './loaders';

type Context = SubgraphContext<LicenceLoaders>;

const LICENCE_NUMBER = /^[A-Z0-9-]{1,40}$/;

/** The lattice of licenceCounts: the schema's LicenceType and LicenceStatus. */
const TYPES = ['RESIDENT_ID_CARD', 'DRIVING_LICENCE', 'MARRIAGE_CERTIFICATE', 'PRACTISING_CERTIFICATE', 'BUSINESS_LICENCE', 'FOOD_BUSINESS_PERMIT', 'CONSTRUCTION_PERMIT'] as const;
const STATUSES = ['VALID', 'EXPIRED', 'REVOKED'] as const;

/** Today in Beijing (YYYY-MM-DD): a licence valid until today is still valid today. */
function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export interface LicenceCountsFilter {
  divisionCode: string;
  types?: readonly string[] | null;
  statuses?: readonly string[] | null;
}

/** The licenceCounts product (schema/licence.graphql): one GROUP BY in this database, released on the fixed grid. */
export function countLicences(db: Queryable, args: LicenceCountsFilter, scope?: readonly string[]) {
  const divisions = divisionLattice(args.divisionCode, scope);
  return releaseAggregate(
    db,
    'Query.licenceCounts',
    [['divisionCode', divisions.codes], ['type', chosen(TYPES, args.types)], ['status', chosen(STATUSES, args.statuses)]],
    `SELECT division_code AS "divisionCode", type, status, count(*)::int AS count FROM licence WHERE division_code LIKE $1 GROUP BY 1, 2, 3`,
    [divisions.like],
  );
}

export const licenceResolvers: GraphQLResolverMap<Context> = {
  Query: {
    licence: (_: unknown, args: { number: string }, ctx: Context) => {
      if (!LICENCE_NUMBER.test(args.number)) {
        throw badUserInput('证照编号格式错误（应为1至40位大写字母、数字或连字符）', 'malformed licence number (1–40 upper-case letters, digits or hyphens)', { argument: 'number' });
      }
      return ctx.loaders.licenceByNumber.load(args.number);
    },
    licencesByDivision: (_: unknown, args: { divisionCode: string; type?: string; first?: number; after?: string }, ctx: Context) => {
      return listDivisionPage<LicenceRecord>(ctx.db, {
        select: LICENCE_COLUMNS,
        counted: LICENCE_COUNTED,
        divisionPrefix: divisionPrefixArgument(args.divisionCode),
        scope: scopeOf(ctx, 'Query.licencesByDivision'),
        facet: args.type ?? undefined,
        keyColumn: 'number',
        keyOf: (l) => l.number,
        first: args.first,
        after: args.after,
      });
    },
    licenceCounts: (_: unknown, args: LicenceCountsFilter, ctx: Context) => countLicences(ctx.db, args, ctx.caller?.divisionScopes?.['Query.licenceCounts']),
    // A verification product: yes/no over declared fields (holder, type, status, validUntil), nothing else disclosed.
    verifyLicenceHeld: async (_: unknown, args: { creditCode: string; type: string }, ctx: Context) => {
      const rows = await ctx.db.query(
        `SELECT 1 FROM licence WHERE holder_kind = 'LEGAL_ENTITY' AND holder_id = $1 AND type = $2 AND status = 'VALID'
           AND (valid_until IS NULL OR valid_until >= $3::date) LIMIT 1`,
        [creditCodeArgument(args.creditCode), args.type, chinaToday()],
      );
      return rows.length ? 'MATCH' : 'NO_MATCH';
    },
  },
  Licence: {
    __resolveReference: (ref: { number: string }, ctx: Context) => ctx.loaders.licenceByNumber.load(ref.number),
    holder: (licence: LicenceRecord) =>
      licence.holderKind === 'PERSON'
        ? { __typename: 'Person', idNumber: licence.holderId }
        : { __typename: 'LegalEntity', creditCode: licence.holderId },
  },
  LicenceHolder: {
    __resolveType: (holder: { __typename: string }) => holder.__typename,
  },
  Person: {
    __resolveReference: (ref: { idNumber: string }) => ref,
    licences: (person: { idNumber: string }, _: unknown, ctx: Context) => ctx.loaders.licencesOfPerson.load(person.idNumber),
  },
  LegalEntity: {
    __resolveReference: (ref: { creditCode: string }) => ref,
    licences: (entity: { creditCode: string }, _: unknown, ctx: Context) => ctx.loaders.licencesOfLegalEntity.load(entity.creditCode),
  },
};
