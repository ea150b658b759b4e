// The field coordinates (Type.field) an operation document selects, found with the catalog's field
// types alone (every object and interface field is in it): enough to tell which registered
// operations a catalog change touches, with no schema at hand. Pure.
import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Catalog } from './catalog';

export function coordinatesOf(source: string | DocumentNode, catalog: Catalog): Set<string> {
  const document = typeof source === 'string' ? parse(source) : source;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (typeName: string, selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const coordinate = `${typeName}.${selection.name.value}`;
        found.add(coordinate);
        const returned = catalog.fields.get(coordinate)?.returnType;
        if (returned && selection.selectionSet) walk(returned, selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.typeCondition?.name.value ?? typeName, selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        const key = `${selection.name.value}@${typeName}`;
        if (fragment && !seen.has(key)) {
          seen.add(key);
          walk(fragment.typeCondition.name.value, fragment.selectionSet);
        }
      }
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    walk(d.operation === 'query' ? 'Query' : d.operation === 'mutation' ? 'Mutation' : 'Subscription', d.selectionSet);
  }
  return found;
}
