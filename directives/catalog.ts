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
  /**
   * Root fields (Query.*, Mutation.*) have no @dataset type of their own: the dataset whose provider
   * approves an application for one. It is the dataset of the records the field returns (through
   * connections and edges), or, for a field that returns none (a verification answer), the dataset
   * its subgraph provides. Missing when neither says one dataset.
   */
  rootDatasets: ReadonlyMap<string, DatasetFacts>;
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
      description: definition.description?.value,
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
        description: field.description?.value,
        share,
        open,
        mask,
        level: higherLevel(ownLevel, dataset?.level),
        declaredLevel: ownLevel,
        dataset,
        platform: platformType || directiveArgs(field.directives, POLICY_DIRECTIVES.platform) !== undefined,
        composite: composite.has(returnType),
        returnType,
      });
    }
  }
  return { fields, datasets, rootDatasets: rootDatasetsOf(document, fields, datasets), hasVocabulary };
}

const ROOT_TYPES = new Set(['Query', 'Mutation']);

/** The graph that resolves a field (@join__field), else the only graph of its type; undefined when not composed. */
function graphOf(field: { directives?: readonly ConstDirectiveNode[] }, typeGraphs: string[]): string | undefined {
  return directiveArgs(field.directives, 'join__field')?.graph ?? (typeGraphs.length === 1 ? typeGraphs[0] : undefined);
}

function rootDatasetsOf(document: DocumentNode, fields: Map<string, FieldPolicy>, datasets: Map<string, DatasetFacts>): Map<string, DatasetFacts> {
  const types = new Map<string, { fields: { name: string; type: string; graph?: string }[]; members: string[] }>();
  for (const d of document.definitions) {
    if (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      const typeGraphs = (d.directives ?? []).filter((x) => x.name.value === 'join__type').map((x) => directiveArgs([x], 'join__type')!.graph).filter(Boolean);
      types.set(d.name.value, { fields: (d.fields ?? []).map((f) => ({ name: f.name.value, type: namedType(f.type), graph: graphOf(f, typeGraphs) })), members: [] });
    } else if (d.kind === Kind.UNION_TYPE_DEFINITION) {
      types.set(d.name.value, { fields: [], members: (d.types ?? []).map((t) => t.name.value) });
    }
  }
  // Datasets a type leads to without passing through another dataset (Connection → Edge → Person).
  const reached = (start: string): Set<DatasetFacts> => {
    const found = new Set<DatasetFacts>();
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const dataset = datasets.get(name);
      if (dataset) return void found.add(dataset);
      const type = types.get(name);
      for (const member of type?.members ?? []) visit(member);
      for (const f of type?.fields ?? []) visit(f.type);
    };
    visit(start);
    return found;
  };
  // The dataset a subgraph provides: the catalogued type most of whose fields it resolves.
  const providedBy = (graph: string | undefined): DatasetFacts | undefined => {
    if (!graph) return undefined;
    const owned = [...datasets.values()].filter((d) => {
      const own = types.get(d.typeName)?.fields ?? [];
      return own.filter((f) => f.graph === graph).length * 2 > own.length;
    });
    return owned.length === 1 ? owned[0] : undefined;
  };
  const result = new Map<string, DatasetFacts>();
  for (const root of ROOT_TYPES) {
    for (const f of types.get(root)?.fields ?? []) {
      const policy = fields.get(`${root}.${f.name}`);
      if (!policy || policy.platform || (!policy.share && !policy.open)) continue;
      const returned = reached(f.type);
      const dataset = returned.size === 1 ? [...returned][0] : returned.size === 0 ? providedBy(f.graph) : undefined;
      if (dataset) result.set(policy.coordinate, dataset);
    }
  }
  return result;
}

/** The dataset a field belongs to for applications and approval: its type's, or a root field's (see rootDatasets). */
export function approvingDataset(catalog: Catalog, coordinate: string): DatasetFacts | undefined {
  const policy = catalog.fields.get(coordinate);
  if (!policy || policy.platform) return undefined;
  return policy.dataset ?? catalog.rootDatasets.get(coordinate);
}

/** Whether a mask can apply to the field's values (masks produce strings). */
export function maskable(policy: FieldPolicy): boolean {
  return policy.returnType === 'String' || policy.returnType === 'ID';
}


/** The catalogued dataset with this code (datasets are keyed by their type's name). */
export function datasetByCode(catalog: Pick<Catalog, 'datasets'>, code: string): DatasetFacts | undefined {
  return [...catalog.datasets.values()].find((d) => d.code === code);
}
