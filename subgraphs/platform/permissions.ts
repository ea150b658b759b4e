// Who may use the platform's own operations (graphql-shield), derived from the table in
// directives/control-plane.ts that also shapes each caller's introspection: admins, data providers
// what concerns their datasets (the resolvers narrow the rows), data subjects their own records.
import { GraphQLError } from 'graphql';
import { allow, or, rule } from 'graphql-shield';
import type { ShieldRule } from 'graphql-shield/typings/types.js';
import { PLATFORM_OPERATIONS, type ControlOperation, type PlatformAudience } from '../../directives/control-plane';
import type { CallerClaim } from '../../protocol/caller-claim';
import type { RoleContext } from '../common/role-rules';

/** Whether the caller is an institution's operator whose token carries `role` (provider, admin). */
export function hasRole(caller: CallerClaim | undefined, role: string): boolean {
  return caller?.kind === 'institution' && (caller.roles ?? []).includes(role);
}

/** Who acted, as steps and decisions record it: kind:id/operator. */
export function actorOf(caller: CallerClaim | undefined): string {
  return `${caller?.kind}:${caller?.id}${caller?.operator ? `/${caller.operator}` : ''}`;
}

const roleRule = (role: string) => rule(`role:${role}`, { cache: 'contextual' })((_p, _a, ctx: RoleContext) => hasRole(ctx.caller, role));

export const isAdmin = roleRule('admin');
export const isProvider = roleRule('provider');
export const isInstitution = rule('institution', { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'institution');
export const isDeveloper = rule('developer', { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'developer');
export const isSubject = rule('subject', { cache: 'contextual' })((_p, _a, ctx: RoleContext) => ctx.caller?.kind === 'subject' && typeof ctx.caller.id === 'string');

const ruleOf: Record<PlatformAudience, ShieldRule> = { anonymous: allow, developer: isDeveloper, subject: isSubject, institution: isInstitution, provider: isProvider, admin: isAdmin };

/** Coarse role gates, from the one table of control-plane operations; resolvers narrow further (a provider's own datasets, a stage's reviewer …). */
function gates(table: Record<string, ControlOperation>): Record<string, ShieldRule> {
  return Object.fromEntries(
    Object.entries(table).map(([name, op]) => [name, op.audiences.includes('anonymous') ? allow : or(...op.audiences.map((a) => ruleOf[a]))]),
  );
}

export const PLATFORM_PERMISSIONS = { Query: gates(PLATFORM_OPERATIONS.Query), Mutation: gates(PLATFORM_OPERATIONS.Mutation) };

export function forbidden(zh: string, en: string): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code: 'FORBIDDEN' } });
}
