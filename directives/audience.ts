// Contracts per audience: the schema a caller may introspect shows only fields it could ever be
// granted — institutions see what is shared at all, developers what is open at all, the public what
// is unconditionally open — and only the control-plane operations it may call (per kind and role).
// Types left without fields disappear, and so do fields that led to them.
import { buildASTSchema, Kind, parse, printSchema, type DefinitionNode, type DocumentNode, type FieldDefinitionNode, type GraphQLSchema, type TypeNode } from 'graphql';
import type { Caller, CallerKind } from './caller';
import type { Catalog } from './catalog';
import { audiencesOf, mayCall, type PlatformAudience } from './control-plane';
import type { FieldPolicy } from './vocabulary';

function everVisible(policy: FieldPolicy | undefined, audience: CallerKind, platform: ReadonlySet<PlatformAudience>): boolean {
  if (!policy) return false;
  // Control-plane operations: only those the caller's audiences may call (directives/control-plane.ts).
  if (policy.platform) return policy.typeName === 'Query' || policy.typeName === 'Mutation' ? mayCall(platform, policy.typeName, policy.fieldName) : true;
  if (!policy.share && !policy.open) return policy.composite && !policy.dataset && policy.typeName !== 'Query' && policy.typeName !== 'Mutation';
  if (audience === 'institution') return policy.share !== undefined && policy.share.attribute !== 'NONE';
  if (audience === 'developer') return policy.open !== undefined && policy.open.attribute !== 'NONE';
  // anonymous callers and data subjects: unconditionally open data
  return policy.open?.attribute === 'UNCONDITIONAL';
}

function unwrap(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : unwrap(type.type);
}

function namedTypeOf(field: FieldDefinitionNode): string {
  return unwrap(field.type);
}

/** Keeps only the types a caller can reach from the root types: the contract shows nothing else. */
function reachableFromRoots(definitions: DefinitionNode[]): DefinitionNode[] {
  const byName = new Map<string, DefinitionNode>();
  for (const d of definitions) if ('name' in d && d.name) byName.set(d.name.value, d);
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    const d = byName.get(name);
    if (!d) return;
    if (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      for (const i of d.interfaces ?? []) visit(i.name.value);
      for (const f of d.fields ?? []) {
        visit(unwrap(f.type));
        for (const a of f.arguments ?? []) visit(unwrap(a.type));
      }
    } else if (d.kind === Kind.UNION_TYPE_DEFINITION) {
      for (const t of d.types ?? []) visit(t.name.value);
    } else if (d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      for (const f of d.fields ?? []) visit(unwrap(f.type));
    }
  };
  for (const root of ['Query', 'Mutation', 'Subscription']) visit(root);
  return definitions.filter((d) => !('name' in d && d.name) || d.kind === Kind.SCALAR_TYPE_DEFINITION || reached.has(d.name.value));
}

const POLICY_TYPES = new Set(['ShareAttribute', 'OpenAttribute', 'MaskStrategy', 'DataLevel']);

/** The key of a caller's contract: its kind and, for institutions, its control-plane roles. */
export function audienceKey(caller: Caller | CallerKind): string {
  return [...audiencesOf(caller)].sort().join('+');
}

/** The schema a caller (or a caller kind without roles) may introspect. */
export function audienceSchema(apiSchema: GraphQLSchema, catalog: Catalog, caller: Caller | CallerKind): GraphQLSchema {
  const audience = typeof caller === 'string' ? caller : caller.kind;
  const platform = audiencesOf(caller);
  const document = parse(printSchema(apiSchema));
  let definitions: DefinitionNode[] = document.definitions.filter(
    (d) => !(d.kind === Kind.DIRECTIVE_DEFINITION) && !('name' in d && d.name && POLICY_TYPES.has(d.name.value)),
  );
  definitions = definitions.map((d) => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) return d;
    const fields = d.fields?.filter((f) => everVisible(catalog.fields.get(`${d.name.value}.${f.name.value}`), audience, platform));
    return { ...d, fields };
  });
  // Remove emptied types and everything that pointed to them, until nothing changes.
  for (;;) {
    const composite = new Set<string>();
    const removed = new Set<string>();
    for (const d of definitions) {
      if (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_DEFINITION) {
        composite.add(d.name.value);
        if (!d.fields?.length) removed.add(d.name.value);
      }
      if (d.kind === Kind.UNION_TYPE_DEFINITION) composite.add(d.name.value);
    }
    for (const d of definitions) {
      if (d.kind === Kind.UNION_TYPE_DEFINITION && (d.types ?? []).every((t) => removed.has(t.name.value))) removed.add(d.name.value);
    }
    if (removed.size === 0) break;
    definitions = definitions
      .filter((d) => !('name' in d && d.name && removed.has(d.name.value)))
      .map((d) => {
        if (d.kind === Kind.UNION_TYPE_DEFINITION) return { ...d, types: d.types?.filter((t) => !removed.has(t.name.value)) };
        if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) return d;
        return { ...d, fields: d.fields?.filter((f) => !removed.has(namedTypeOf(f))) };
      });
  }
  definitions = reachableFromRoots(definitions);
  if (!definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Query')) {
    definitions.push({ kind: Kind.OBJECT_TYPE_DEFINITION, name: { kind: Kind.NAME, value: 'Query' }, fields: [] });
  }
  const pruned: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  return buildASTSchema(pruned, { assumeValidSDL: true });
}
