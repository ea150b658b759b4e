// The root query fields of an operation that name data subjects in their arguments (verifications,
// identity lookups), read with the request's variables: what the rate limits, the identity-probe
// budget and the audit each need, read once per request (see gateway/request-record.ts).
import {
  getDirectiveValues,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';

// Apollo Server keeps one parsed document per query text: the names of its fields are read once.
const fieldNames = new WeakMap<DocumentNode, ReadonlySet<string>>();

function fieldNamesOf(document: DocumentNode): ReadonlySet<string> {
  let names = fieldNames.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, { Field: (node) => void found.add(node.name.value) });
    fieldNames.set(document, (names = found));
  }
  return names;
}

/** The subjects (argument values) of every executed root field named in `fields` (see verifiedFields). */
export function verifiedSubjects(...args: Parameters<typeof verifiedFields>): string[] {
  return verifiedFields(...args).map((field) => field.subject);
}

/** Every executed root field named in `fields`, each with the value of `argument` (see rootFieldArguments). */
export function verifiedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  fields: readonly string[],
  argument: string,
): RootFieldArgument[] {
  return rootFieldArguments(schema, document, operation, rawVariables, Object.fromEntries(fields.map((field) => [field, argument])));
}

export interface RootFieldArgument {
  field: string;
  /** The argument's value as text ('' when absent). */
  subject: string;
  responseKey: string;
  value: unknown;
}

/**
 * Every executed root query field named in `fieldArguments` (field → argument), through aliases,
 * fragments and @skip/@include, with its argument's value (with the request's variables) and the key
 * of its answer — one walk and one coercion of the variables for all the fields. A value that cannot
 * be read still counts, under its raw text: a limit must not be dodged by a malformed argument.
 */
export function rootFieldArguments(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  fieldArguments: Readonly<Record<string, string>>,
): RootFieldArgument[] {
  if (operation.operation !== 'query') return [];
  // Most operations name none of these fields anywhere: then there is nothing to walk or coerce.
  const names = fieldNamesOf(document);
  if (!Object.keys(fieldArguments).some((field) => names.has(field))) return [];
  const queryType = schema.getQueryType();
  const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  const variables = coercion.coerced ?? rawVariables ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const included = (node: Parameters<typeof getDirectiveValues>[1]) => {
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
      if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
    } catch {
      // Unreadable condition: count the field (conservative).
    }
    return true;
  };
  const subjects: RootFieldArgument[] = [];
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice at the root selects its fields once (fields merge).
        if (fragment && !visited.has(fragment.name.value)) {
          visited.add(fragment.name.value);
          walk(fragment.selectionSet);
        }
      } else if (Object.hasOwn(fieldArguments, selection.name.value)) {
        const field = selection.name.value;
        const argument = fieldArguments[field];
        const node = selection.arguments?.find((a) => a.name.value === argument);
        const type = queryType?.getFields()[selection.name.value]?.args.find((a) => a.name === argument)?.type;
        let value: unknown;
        if (node) {
          if (node.value.kind === Kind.VARIABLE) value = variables[node.value.name.value];
          else value = type ? valueFromAST(node.value, type, variables) : undefined;
          if (value === undefined && node.value.kind !== Kind.VARIABLE && 'value' in node.value) value = node.value.value;
        }
        subjects.push({ field, subject: value === undefined || value === null ? '' : String(value), responseKey: selection.alias?.value ?? field, value });
      }
    }
  };
  walk(operation.selectionSet);
  return subjects;
}

