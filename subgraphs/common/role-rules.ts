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
import { readCatalog } from '../../directives/catalog';
import type { FieldPolicy } from '../../directives/vocabulary';

export type SubgraphCallerKind = CallerKind | 'unknown';

export interface RoleContext {
  callerKind: SubgraphCallerKind;
}

/** The caller kind from the gateway's signed summary, e.g. "institution:1153…;scenario=x". */
export function callerKindOf(summary: string | undefined): SubgraphCallerKind {
  const kind = summary?.split(/[:;]/, 1)[0];
  return kind === 'institution' || kind === 'developer' || kind === 'anonymous' ? kind : 'unknown';
}

function kindsAllowed(policy: FieldPolicy): Set<CallerKind> {
  const kinds = new Set<CallerKind>();
  if (policy.share && policy.share.attribute !== 'NONE') kinds.add('institution');
  if (policy.open && policy.open.attribute !== 'NONE') kinds.add('developer');
  if (policy.open?.attribute === 'UNCONDITIONAL') kinds.add('anonymous');
  return kinds;
}

const FORBIDDEN = new GraphQLError('调用方类型无权访问该字段 / this kind of caller may not reach this field', {
  extensions: { code: 'FORBIDDEN' },
});

export function withRoleRules(schema: GraphQLSchema, subgraphSdl: string): GraphQLSchema {
  const catalog = readCatalog(subgraphSdl);
  const rules: Record<string, Record<string, unknown>> = {};
  const ruleFor = new Map<string, ReturnType<ReturnType<typeof rule>>>();
  for (const policy of catalog.fields.values()) {
    if (!policy.share && !policy.open) continue;
    const kinds = kindsAllowed(policy);
    if (kinds.size === 3) continue; // open to everyone: nothing to check
    const key = [...kinds].sort().join(',');
    let check = ruleFor.get(key);
    if (!check) {
      check = rule(`kinds:${key}`, { cache: 'contextual' })((_parent, _args, context: RoleContext) => kinds.has(context.callerKind as CallerKind));
      ruleFor.set(key, check);
    }
    (rules[policy.typeName] ??= {})[policy.fieldName] = check;
  }
  const permissions = shield(rules as never, { fallbackRule: allow, fallbackError: FORBIDDEN, allowExternalErrors: true });
  return applyMiddleware(schema, permissions);
}
