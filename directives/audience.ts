// Contracts per audience: the schema a caller may introspect shows only fields it could ever be
// granted — institutions see what is shared at all, developers what is open at all, the public what
// is unconditionally open. Types left without fields disappear, and so do fields that led to them.
import { buildASTSchema, Kind, parse, printSchema, type DefinitionNode, type DocumentNode, type FieldDefinitionNode, type GraphQLSchema } from 'graphql';
import type { CallerKind } from './caller';
import type { Catalog } from './catalog';
import type { FieldPolicy } from './vocabulary';

function everVisible(policy: FieldPolicy | undefined, audience: CallerKind): boolean {
  if (!policy) return false;
  if (!policy.share && !policy.open) return policy.composite && !policy.dataset && policy.typeName !== 'Query' && policy.typeName !== 'Mutation';
  if (audience === 'institution') return policy.share !== undefined && policy.share.attribute !== 'NONE';
  if (audience === 'developer') return policy.open !== undefined && policy.open.attribute !== 'NONE';
  return policy.open?.attribute === 'UNCONDITIONAL';
}

function namedTypeOf(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
}

const POLICY_TYPES = new Set(['ShareAttribute', 'OpenAttribute', 'MaskStrategy', 'DataLevel']);

export function audienceSchema(apiSchema: GraphQLSchema, catalog: Catalog, audience: CallerKind): GraphQLSchema {
  const document = parse(printSchema(apiSchema));
  let definitions: DefinitionNode[] = document.definitions.filter(
    (d) => !(d.kind === Kind.DIRECTIVE_DEFINITION) && !('name' in d && d.name && POLICY_TYPES.has(d.name.value)),
  );
  definitions = definitions.map((d) => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) return d;
    const fields = d.fields?.filter((f) => everVisible(catalog.fields.get(`${d.name.value}.${f.name.value}`), audience));
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
  if (!definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Query')) {
    definitions.push({ kind: Kind.OBJECT_TYPE_DEFINITION, name: { kind: Kind.NAME, value: 'Query' }, fields: [] });
  }
  const pruned: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  return buildASTSchema(pruned, { assumeValidSDL: true });
}
