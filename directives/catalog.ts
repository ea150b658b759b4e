// Reads the declared catalog out of a supergraph: every field coordinate with its share / open
// attribute, mask and level, and every catalogued type with its dataset facts. Pure: SDL in, data out.
import { Kind, parse, type ConstDirectiveNode, type DocumentNode, type TypeNode } from 'graphql';
import {
  DATA_LEVELS,
  POLICY_DIRECTIVES,
  type DataLevel,
  type DatasetFacts,
  type FieldPolicy,
  type MaskStrategy,
  type OpenDeclaration,
  type ShareDeclaration,
} from './vocabulary';

export interface Catalog {
  fields: ReadonlyMap<string, FieldPolicy>;
  datasets: ReadonlyMap<string, DatasetFacts>;
  /** Whether the supergraph declares the policy vocabulary at all. */
  hasVocabulary: boolean;
}


function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function directiveArgs(directives: readonly ConstDirectiveNode[] | undefined, name: string): Record<string, string> | undefined {
  const directive = directives?.find((d) => d.name.value === name);
  if (!directive) return undefined;
  const args: Record<string, string> = {};
  for (const arg of directive.arguments ?? []) {
    if (arg.value.kind === Kind.STRING || arg.value.kind === Kind.ENUM) args[arg.name.value] = arg.value.value;
  }
  return args;
}

function higherLevel(a: DataLevel | undefined, b: DataLevel | undefined): DataLevel | undefined {
  if (!a) return b;
  if (!b) return a;
  return DATA_LEVELS.indexOf(a) >= DATA_LEVELS.indexOf(b) ? a : b;
}

export function readCatalog(supergraph: string | DocumentNode): Catalog {
  const document = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  const fields = new Map<string, FieldPolicy>();
  const datasets = new Map<string, DatasetFacts>();
  const composite = new Set<string>();
  let hasVocabulary = false;

  for (const definition of document.definitions) {
    if (definition.kind === Kind.DIRECTIVE_DEFINITION && definition.name.value === POLICY_DIRECTIVES.share) hasVocabulary = true;
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.UNION_TYPE_DEFINITION
    ) {
      composite.add(definition.name.value);
    }
  }

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeName = definition.name.value;
    const datasetArgs = directiveArgs(definition.directives, POLICY_DIRECTIVES.dataset);
    const dataset: DatasetFacts | undefined = datasetArgs && {
      typeName,
      code: datasetArgs.code,
      name: datasetArgs.name,
      provider: datasetArgs.provider,
      providerCode: datasetArgs.providerCode,
      updateFrequency: datasetArgs.updateFrequency,
      resourceKind: datasetArgs.resourceKind,
      level: datasetArgs.level as DataLevel,
      subjectKey: datasetArgs.subjectKey,
    };
    if (dataset) datasets.set(typeName, dataset);
    const platformType = directiveArgs(definition.directives, POLICY_DIRECTIVES.platform) !== undefined;
    for (const field of definition.fields ?? []) {
      const share = directiveArgs(field.directives, POLICY_DIRECTIVES.share) as ShareDeclaration | undefined;
      const open = directiveArgs(field.directives, POLICY_DIRECTIVES.open) as OpenDeclaration | undefined;
      const mask = directiveArgs(field.directives, POLICY_DIRECTIVES.mask)?.strategy as MaskStrategy | undefined;
      const ownLevel = directiveArgs(field.directives, POLICY_DIRECTIVES.level)?.level as DataLevel | undefined;
      const returnType = namedType(field.type);
      const coordinate = `${typeName}.${field.name.value}`;
      fields.set(coordinate, {
        coordinate,
        typeName,
        fieldName: field.name.value,
        share,
        open,
        mask,
        level: higherLevel(ownLevel, dataset?.level),
        dataset,
        platform: platformType || directiveArgs(field.directives, POLICY_DIRECTIVES.platform) !== undefined,
        composite: composite.has(returnType),
        returnType,
      });
    }
  }
  return { fields, datasets, hasVocabulary };
}

/** Whether a mask can apply to the field's values (masks produce strings). */
export function maskable(policy: FieldPolicy): boolean {
  return policy.returnType === 'String' || policy.returnType === 'ID';
}

