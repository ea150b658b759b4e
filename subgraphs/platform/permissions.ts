// Who may use the platform's own operations (graphql-shield): admins everything, data providers
// what concerns their datasets (the resolvers narrow the rows), data subjects their own records.
import { GraphQLError } from 'graphql';
import { or, rule } from 'graphql-shield';
import type { RoleContext } from '../common/role-rules';

const hasRole = (role: string) =>
  rule(`role:${role}`, { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'institution' && (ctx.caller.roles ?? []).includes(role));

export const isAdmin = hasRole('admin');
export const isProvider = hasRole('provider');
export const isSubject = rule('subject', { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'subject' && typeof ctx.caller.id === 'string');

export const PLATFORM_PERMISSIONS = {
  Query: {
    auditRecords: or(isAdmin, isProvider),
    auditUsage: or(isAdmin, isProvider),
    myAccesses: isSubject,
  },
};

export function forbidden(zh: string, en: string): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code: 'FORBIDDEN' } });
}
