// Defense in depth: each subgraph also refuses, by caller kind, what the catalog never gives that
// kind — so a flaw in the gateway's policy could not hand personal data to a developer or the public.
// The role rules are graphql-shield rules derived from the subgraph's own @share / @open
// declarations: institutions may reach what is shared at all, developers what is open at all, the
// public what is unconditionally open. The fine-grained decision (grants, scenario, masks) stays in
// the gateway; the caller kind arrives in the signed x-pd-caller header.
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, rule, shield } from 'graphql-shield';
import type { CallerKind } from '../../directives/caller';
import type { CallerClaim } from '../../protocol/caller-claim';
import { readCatalog } from '../../directives/catalog';
import { kindsAllowed } from '../../directives/reach';

export type SubgraphCallerKind = CallerKind | 'unknown';

export interface RoleContext {
  callerKind: SubgraphCallerKind;
  caller?: CallerClaim;
}

/** The caller kind from the gateway's signed caller claim. */
export function callerKindOf(claim: CallerClaim | undefined): SubgraphCallerKind {
  const kind = claim?.kind;
  return kind === 'institution' || kind === 'developer' || kind === 'anonymous' || kind === 'subject' ? kind : 'unknown';
}

const FORBIDDEN = new GraphQLError('调用方类型无权访问该字段 / this kind of caller may not reach this field', {
  extensions: { code: 'FORBIDDEN' },
});

export function withRoleRules(schema: GraphQLSchema, subgraphSdl: string, extra: Record<string, Record<string, unknown>> = {}): GraphQLSchema {
  const catalog = readCatalog(subgraphSdl);
  const rules: Record<string, Record<string, unknown>> = {};
  const ruleFor = new Map<string, ReturnType<ReturnType<typeof rule>>>();
  for (const policy of catalog.fields.values()) {
    if (!policy.share && !policy.open) continue;
    const kinds = kindsAllowed(policy);
    if (kinds.size === 4) continue; // open to everyone: nothing to check
    const key = [...kinds].sort().join(',');
    let check = ruleFor.get(key);
    if (!check) {
      check = rule(`kinds:${key}`, { cache: 'contextual' })((_parent, _args, context: RoleContext) => kinds.has(context.callerKind as CallerKind));
      ruleFor.set(key, check);
    }
    (rules[policy.typeName] ??= {})[policy.fieldName] = check;
  }
  for (const [typeName, fields] of Object.entries(extra)) rules[typeName] = { ...rules[typeName], ...fields };
  const permissions = shield(rules as never, { fallbackRule: allow, fallbackError: FORBIDDEN, allowExternalErrors: true });
  return applyMiddleware(schema, permissions);
}
