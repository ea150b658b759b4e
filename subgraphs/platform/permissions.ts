// Who may use the platform's own operations (graphql-shield): admins everything, data providers
// what concerns their datasets (the resolvers narrow the rows), data subjects their own records.
import { GraphQLError } from 'graphql';
import { allow, or, rule } from 'graphql-shield';
import type { RoleContext } from '../common/role-rules';

const hasRole = (role: string) =>
  rule(`role:${role}`, { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'institution' && (ctx.caller.roles ?? []).includes(role));

export const isAdmin = hasRole('admin');
export const isProvider = hasRole('provider');
export const isInstitution = rule('institution', { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'institution');
export const isDeveloper = rule('developer', { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'developer');
export const isSubject = rule('subject', { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'subject' && typeof ctx.caller.id === 'string');

// Coarse role gates; resolvers narrow further (a provider's own datasets, a stage's reviewer …).
export const PLATFORM_PERMISSIONS = {
  Query: {
    auditRecords: or(isAdmin, isProvider),
    auditUsage: or(isAdmin, isProvider),
    myAccesses: isSubject,
    catalog: allow,
    catalogExport: allow,
    applications: or(isInstitution, isDeveloper),
    overdueApplications: isAdmin,
    grants: or(isInstitution, isDeveloper),
    emergencyGrantsForReview: isAdmin,
    suspensions: isAdmin,
    objections: or(isSubject, isInstitution),
    usageFeedback: isInstitution,
    registeredOperations: isAdmin,
  },
  Mutation: {
    applyForAccess: or(isInstitution, isDeveloper),
    decideApplication: or(isAdmin, isProvider),
    revokeGrant: or(isAdmin, isProvider),
    grantEmergencyAccess: isAdmin,
    scopeGrant: isAdmin,
    raiseObjection: or(isSubject, isInstitution),
    answerObjection: isProvider,
    extendObjection: isProvider,
    submitUsageFeedback: isInstitution,
    suspend: or(isAdmin, isProvider),
    liftSuspension: isAdmin,
    registerOperation: isAdmin,
    retireOperation: isAdmin,
  },
};

export function forbidden(zh: string, en: string): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code: 'FORBIDDEN' } });
}
