import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { LicenceRecord } from '../seed/records';
import { divisionPrefixArgument } from '../common/arguments';
import { badUserInput } from '../common/errors';
import { listPage } from '../common/listing';
import { scopeCondition } from '../common/division-scope';
import type { SubgraphContext } from '../common/run-subgraph';
import { LICENCE_COLUMNS, type LicenceLoaders } from './loaders';

type Context = SubgraphContext<LicenceLoaders>;

const LICENCE_NUMBER = /^[A-Z0-9-]{1,40}$/;

export const licenceResolvers: GraphQLResolverMap<Context> = {
  Query: {
    licence: (_: unknown, args: { number: string }, ctx: Context) => {
      if (!LICENCE_NUMBER.test(args.number)) {
        throw badUserInput('证照编号格式错误（应为1至40位大写字母、数字或连字符）', 'malformed licence number (1–40 upper-case letters, digits or hyphens)', { argument: 'number' });
      }
      return ctx.loaders.licenceByNumber.load(args.number);
    },
    licencesByDivision: (_: unknown, args: { divisionCode: string; type?: string; first?: number; after?: string }, ctx: Context) => {
      const params: unknown[] = [`${divisionPrefixArgument(args.divisionCode)}%`];
      if (args.type) params.push(args.type);
      const scope = scopeCondition(ctx, 'Query.licencesByDivision', params.length + 1);
      params.push(...scope.params);
      return listPage<LicenceRecord>(ctx.db, {
        select: LICENCE_COLUMNS,
        table: 'licence',
        where: (args.type ? 'division_code LIKE $1 AND type = $2' : 'division_code LIKE $1') + scope.sql,
        params,
        keyColumn: 'number',
        keyOf: (l) => l.number,
        first: args.first,
        after: args.after,
      });
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
