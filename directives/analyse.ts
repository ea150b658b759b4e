// Decides an operation before planning (the extraction and filtering passes of the design, fused):
// walks every field the operation touches — through aliases, named and inline fragments, abstract
// types and @skip/@include with the request's variables — decides each coordinate, removes denied
// fields from the document and builds the plan the response walk follows (nulls, masks).
//
// Named fragments are inlined, so a denial is reported at every path where its fragment is spread.
// On an abstract type a field is denied when any possible type denies it (Apollo Router's rule).
// A field whose sub-selection loses every field is removed too: an empty object is not an answer.
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { DenialCode } from './denials';
import type { Verdict } from './verdict';
import type { DatasetFacts, MaskStrategy } from './vocabulary';

/** Alias under which the gateway asks for __typename where the response walk needs the runtime type. */
export const TYPENAME_ALIAS = '_policyTypename';
/** Alias under which the gateway asks for a record's data-subject key, for the audit record. */
export const SUBJECT_ALIAS = '_policySubject';
/** Alias under which the gateway asks for a record's division when a scoped grant (数据回流) is relied on. */
export const DIVISION_ALIAS = '_policyDivision';
/** Response keys starting with this belong to the gateway; clients may not use them as aliases. */
export const RESERVED_PREFIX = '_policy';
/** The field that places a record in a division: types having it are what a division scope limits. */
const DIVISION_FIELD = 'divisionCode';

/**
 * A field that relied on a grant limited to some divisions: on a record outside them the walk nulls
 * it with OUT_OF_SCOPE. `record`: the record holding the field is checked; `value`: the record the
 * field returns (a root lookup such as Query.licence).
 */
export interface FieldScope {
  prefixes: readonly string[];
  coordinate: string;
  of: 'record' | 'value';
}

export interface FieldPlan {
  deny?: DenialCode;
  mask?: MaskStrategy;
  child?: SelectionPlan;
  scope?: FieldScope;
  /** A root field answering without records (a verification): the dataset it cites when it answers. */
  cites?: string;
}

/** What the response walk does in one selection set: per concrete type, per response key. */
export interface SelectionPlan {
  byType: Map<string, Map<string, FieldPlan>>;
  /** Parent type name when it is concrete; otherwise the runtime type is read from TYPENAME_ALIAS. */
  staticType?: string;
  injectedTypename: boolean;
  /** Concrete types whose objects carry SUBJECT_ALIAS (their data subject's key). */
  subjectTypes: Set<string>;
  /** Concrete types whose objects carry DIVISION_ALIAS (only when a scoped grant is relied on). */
  divisionTypes: Set<string>;
  /** Concrete dataset types selected here, with their dataset code: provenance cites what came back. */
  datasetTypes: Map<string, string>;
}

export interface Denial {
  /** Response keys from the root; "@" stands for every element of a list. */
  path: string[];
  coordinate: string;
  code: DenialCode;
}

export interface PolicyDecision {
  /** The operation as it will be planned: denied fields removed, fragments inlined. */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Null when the response needs no walk (no denials, masks or injected fields). */
  plan: SelectionPlan | null;
  denials: Denial[];
  /** Coordinates returned plain, returned masked, and denied — for the audit record. */
  returned: Set<string>;
  masked: Set<string>;
  denied: Set<string>;
  grantIds: Set<string>;
  /** Datasets whose fields are returned or masked (filled in by the engine, which knows the catalog). */
  datasets: DatasetFacts[];
  /** L4+ coordinates returned or masked, flagged in the audit (filled in by the engine; see levels.ts). */
  highLevel: string[];
  /** Every root field was denied: nothing to execute. */
  empty: boolean;
  /**
   * Root listings relying on a scoped grant, with its division prefixes: their subgraph filters the
   * rows in SQL (pagination and totalCount stay right). Undefined when none.
   */
  listingScopes?: Record<string, string[]>;
}

export type DecideCoordinate = (coordinate: string) => Verdict;

/** The field naming the data subject of a type's records, if it has one (see @dataset(subjectKey)). */
export type SubjectKeyOf = (typeName: string) => string | undefined;

export interface AnalyseOptions {
  subjectKeyOf?: SubjectKeyOf;
  /**
   * Whether the subgraphs' role rules let this caller read a coordinate at all. The gateway adds
   * fields of its own (subject key, division) only where they do: a refused internal field would
   * fail at an internal path and null the record around it.
   */
  mayInject?: (coordinate: string) => boolean;
  /** Division prefixes of the scoped grant a coordinate relies on (数据回流); undefined: unscoped. */
  scopeOf?: (coordinate: string) => readonly string[] | undefined;
  /** Dataset code of a type's records, if it is a dataset. */
  datasetOfType?: (typeName: string) => string | undefined;
  /** Dataset a root field answers from when it returns no records (a verification). */
  datasetOfRoot?: (coordinate: string) => string | undefined;
}

interface Walk {
  schema: GraphQLSchema;
  rootName: string;
  options: AnalyseOptions;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  decide: DecideCoordinate;
  verdicts: Map<string, Verdict>;
  decision: PolicyDecision;
}

function verdictOf(walk: Walk, coordinate: string): Verdict {
  let verdict = walk.verdicts.get(coordinate);
  if (!verdict) {
    verdict = walk.decide(coordinate);
    walk.verdicts.set(coordinate, verdict);
  }
  return verdict;
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.BOOLEAN) return node.value;
  return undefined;
}

/** @skip / @include evaluated against the request's variables, as execution will. */
function included(node: SelectionNode, variables: Record<string, unknown>): boolean {
  for (const directive of node.directives ?? []) {
    const ifArg = directive.arguments?.find((a) => a.name.value === 'if');
    if (!ifArg) continue;
    const value = valueOf(ifArg.value, variables);
    if (directive.name.value === 'skip' && value === true) return false;
    if (directive.name.value === 'include' && value !== true) return false;
  }
  return true;
}

function withoutConditions<T extends SelectionNode>(node: T): T {
  const directives = node.directives?.filter((d) => d.name.value !== 'skip' && d.name.value !== 'include');
  return directives?.length === node.directives?.length ? node : { ...node, directives };
}

function concreteTypes(schema: GraphQLSchema, type: GraphQLCompositeType): readonly string[] {
  return isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name];
}

function planEntry(plan: SelectionPlan, typeName: string, key: string): FieldPlan {
  let fields = plan.byType.get(typeName);
  if (!fields) plan.byType.set(typeName, (fields = new Map()));
  let entry = fields.get(key);
  if (!entry) fields.set(key, (entry = {}));
  return entry;
}

function planIsActive(plan: SelectionPlan): boolean {
  if (plan.injectedTypename || plan.subjectTypes.size > 0 || plan.divisionTypes.size > 0 || plan.datasetTypes.size > 0) return true;
  for (const fields of plan.byType.values()) {
    for (const entry of fields.values()) {
      if (entry.deny || entry.mask || entry.scope || entry.cites || (entry.child && planIsActive(entry.child))) return true;
    }
  }
  return false;
}

/**
 * Filters one selection set. `applicable` are the concrete types the selections apply to (narrowed
 * by inline fragments); denials and masks are recorded in `plan` for each of them.
 */
function filterSelections(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  applicable: readonly string[],
  path: string[],
  plan: SelectionPlan,
): SelectionNode[] {
  const kept: SelectionNode[] = [];
  for (const selection of selectionSet.selections) {
    if (!included(selection, walk.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const field = filterField(walk, selection, parent, applicable, path, plan);
      if (field) kept.push(field);
      continue;
    }
    let typeConditionName: string | undefined;
    let inner: SelectionSetNode;
    let directives = selection.directives;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = walk.fragments.get(selection.name.value)!;
      typeConditionName = fragment.typeCondition.name.value;
      inner = fragment.selectionSet;
      directives = [...(selection.directives ?? []), ...(fragment.directives ?? [])];
    } else {
      typeConditionName = selection.typeCondition?.name.value;
      inner = selection.selectionSet;
    }
    const conditionType = typeConditionName ? (walk.schema.getType(typeConditionName) as GraphQLCompositeType) : parent;
    const narrowed = new Set(concreteTypes(walk.schema, conditionType));
    const innerKept = filterSelections(walk, inner, conditionType, applicable.filter((t) => narrowed.has(t)), path, plan);
    if (innerKept.length === 0) continue;
    const inline: InlineFragmentNode = withoutConditions({
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: typeConditionName ? { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeConditionName } } : undefined,
      directives,
      selectionSet: { kind: Kind.SELECTION_SET, selections: innerKept },
    });
    kept.push(inline);
  }
  return kept;
}

function deny(walk: Walk, plan: SelectionPlan, applicable: readonly string[], key: string, path: string[], coordinate: string, code: DenialCode): null {
  for (const typeName of applicable) planEntry(plan, typeName, key).deny = code;
  walk.decision.denials.push({ path: [...path, key], coordinate, code });
  walk.decision.denied.add(coordinate);
  return null;
}

function filterField(
  walk: Walk,
  node: FieldNode,
  parent: GraphQLCompositeType,
  applicable: readonly string[],
  path: string[],
  plan: SelectionPlan,
): FieldNode | null {
  const name = node.name.value;
  const key = node.alias?.value ?? name;
  if (key.startsWith(RESERVED_PREFIX)) {
    // The gateway's own response keys: a client using one could make the walk misread types or subjects.
    return deny(walk, plan, applicable, key, path, `${parent.name}.${name}`, 'RESERVED_ALIAS');
  }
  if (name === '__typename') return withoutConditions(node);
  if (name === '__schema' || name === '__type') {
    return deny(walk, plan, applicable, key, path, `Query.${name}`, 'INTROSPECTION_MIXED');
  }

  // Decide the field for every concrete type it may be read on; any denial denies it.
  const coordinates = isAbstractType(parent) ? applicable.map((t) => `${t}.${name}`) : [`${parent.name}.${name}`];
  if (isAbstractType(parent) && coordinates.length === 0) return withoutConditions(node);
  const masks = new Map<string, MaskStrategy | undefined>();
  const scoped: [string, string, readonly string[]][] = [];
  for (const coordinate of coordinates) {
    const verdict = verdictOf(walk, coordinate);
    if (!verdict.allowed) return deny(walk, plan, applicable, key, path, coordinate, verdict.code);
    const typeName = coordinate.slice(0, coordinate.indexOf('.'));
    masks.set(typeName, verdict.mask);
    if (!verdict.grantId) continue;
    walk.decision.grantIds.add(verdict.grantId);
    const prefixes = walk.options.scopeOf?.(coordinate);
    if (prefixes) scoped.push([typeName, coordinate, prefixes]);
  }

  // Validation guarantees the field exists; only objects and interfaces have fields to select.
  const fieldType = 'getFields' in parent ? parent.getFields()[name]?.type : undefined;
  const named = fieldType ? getNamedType(fieldType) : undefined;
  const childPath = [...path, key];
  if (fieldType && isListType(getNullableType(fieldType))) childPath.push('@');

  // 数据回流: where the field relied on a scoped grant, plan the per-record check (or the listing's SQL filter).
  let valueScope: FieldScope | undefined;
  for (const [typeName, coordinate, prefixes] of scoped) {
    if (isScopedRecord(walk, typeName)) {
      if (!mayInject(walk, `${typeName}.${DIVISION_FIELD}`)) return deny(walk, plan, applicable, key, path, coordinate, 'OUT_OF_SCOPE');
      planEntry(plan, typeName, key).scope = { prefixes, coordinate, of: 'record' };
      plan.divisionTypes.add(typeName);
    } else if (typeName === walk.rootName && named && isScopedRecord(walk, named.name)) {
      if (!mayInject(walk, `${named.name}.${DIVISION_FIELD}`)) return deny(walk, plan, applicable, key, path, coordinate, 'OUT_OF_SCOPE');
      valueScope = { prefixes, coordinate, of: 'value' };
    } else if (typeName === walk.rootName && named && isCompositeType(named)) {
      (walk.decision.listingScopes ??= {})[coordinate] = [...prefixes];
    } else if (typeName !== walk.rootName) {
      // Records the scope cannot be checked on: withheld (fail closed). A root leaf (a verification) discloses no record.
      return deny(walk, plan, applicable, key, path, coordinate, 'OUT_OF_SCOPE');
    }
  }

  if (!node.selectionSet || !named || !isCompositeType(named)) {
    const cites = parent.name === walk.rootName ? walk.options.datasetOfRoot?.(`${parent.name}.${name}`) : undefined;
    if (cites) planEntry(plan, parent.name, key).cites = cites;
    for (const [typeName, mask] of masks) {
      if (mask) {
        planEntry(plan, typeName, key).mask = mask;
        walk.decision.masked.add(`${typeName}.${name}`);
      } else {
        walk.decision.returned.add(`${typeName}.${name}`);
      }
    }
    return withoutConditions(node);
  }

  const childPlan = newPlan(named);
  const denialsBefore = walk.decision.denials.length;
  const selections = filterSelections(walk, node.selectionSet, named, concreteTypes(walk.schema, named), childPath, childPlan);
  const lostEverything = walk.decision.denials.length > denialsBefore && selections.every((s) => s.kind === Kind.FIELD && s.name.value === '__typename');
  if (lostEverything) {
    // Nothing of substance left below: remove the field itself, explained by its first child's reason.
    const reason = walk.decision.denials[denialsBefore];
    walk.decision.denials.length = denialsBefore;
    return deny(walk, plan, applicable, key, path, reason.coordinate, reason.code);
  }
  for (const coordinate of coordinates) walk.decision.returned.add(coordinate);
  injectSubjectKeys(walk, named, childPlan, selections);
  if (valueScope) {
    childPlan.divisionTypes.add(named.name);
    for (const typeName of applicable) planEntry(plan, typeName, key).scope = valueScope;
  }
  injectDivisions(walk, named, childPlan, selections);
  for (const typeName of concreteTypes(walk.schema, named)) {
    const code = walk.options.datasetOfType?.(typeName);
    if (code) childPlan.datasetTypes.set(typeName, code);
  }
  if (selections.length === 0) {
    // Every child was skipped by @skip/@include: the client gets {} as GraphQL says; the document
    // still needs a selection, so ask for the type under the gateway's own key and drop it after.
    childPlan.injectedTypename = true;
    selections.push(aliasedField(TYPENAME_ALIAS, '__typename'));
  }
  if (isAbstractType(named) && planIsActive(childPlan) && !childPlan.injectedTypename) {
    childPlan.injectedTypename = true;
    selections.push(aliasedField(TYPENAME_ALIAS, '__typename'));
  }
  if (planIsActive(childPlan)) {
    for (const typeName of applicable) mergeChild(planEntry(plan, typeName, key), childPlan);
  }
  return withoutConditions({ ...node, selectionSet: { kind: Kind.SELECTION_SET, selections } });
}

function aliasedField(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}

function mayInject(walk: Walk, coordinate: string): boolean {
  return walk.options.mayInject?.(coordinate) ?? true;
}

function isScopedRecord(walk: Walk, typeName: string): boolean {
  const type = walk.schema.getType(typeName);
  return type !== undefined && 'getFields' in type && !isAbstractType(type) && DIVISION_FIELD in type.getFields();
}

/** Adds `alias: field` to the selection, for one concrete type of it (an inline fragment on abstract types). */
function injectField(type: GraphQLCompositeType, typeName: string, selections: SelectionNode[], alias: string, field: string): void {
  if (!isAbstractType(type)) {
    selections.push(aliasedField(alias, field));
    return;
  }
  selections.push({
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeName } },
    selectionSet: { kind: Kind.SELECTION_SET, selections: [aliasedField(alias, field)] },
  });
}

/**
 * Asks for the data-subject key of every record the selection returns, so the audit knows whose data
 * left — where this caller may read the key at all (a developer's Person reference carries nothing
 * personal, and the subgraph would refuse the key).
 */
function injectSubjectKeys(walk: Walk, type: GraphQLCompositeType, plan: SelectionPlan, selections: SelectionNode[]): void {
  for (const typeName of concreteTypes(walk.schema, type)) {
    const key = walk.options.subjectKeyOf?.(typeName);
    if (!key || !mayInject(walk, `${typeName}.${key}`)) continue;
    plan.subjectTypes.add(typeName);
    injectField(type, typeName, selections, SUBJECT_ALIAS, key);
  }
}

/** Asks for the division of the records a scoped grant's fields are checked on. */
function injectDivisions(walk: Walk, type: GraphQLCompositeType, plan: SelectionPlan, selections: SelectionNode[]): void {
  for (const typeName of plan.divisionTypes) injectField(type, typeName, selections, DIVISION_ALIAS, DIVISION_FIELD);
}

function newPlan(type: GraphQLCompositeType): SelectionPlan {
  return {
    byType: new Map(),
    staticType: isAbstractType(type) ? undefined : type.name,
    injectedTypename: false,
    subjectTypes: new Set(),
    divisionTypes: new Set(),
    datasetTypes: new Map(),
  };
}

/** The same response key may be selected in several fragments: their plans merge. */
function mergeChild(entry: FieldPlan, child: SelectionPlan): void {
  if (!entry.child) {
    entry.child = child;
    return;
  }
  const target = entry.child;
  target.injectedTypename ||= child.injectedTypename;
  for (const typeName of child.subjectTypes) target.subjectTypes.add(typeName);
  for (const typeName of child.divisionTypes) target.divisionTypes.add(typeName);
  for (const [typeName, code] of child.datasetTypes) target.datasetTypes.set(typeName, code);
  for (const [typeName, fields] of child.byType) {
    for (const [key, plan] of fields) {
      const into = planEntry(target, typeName, key);
      into.deny ??= plan.deny;
      into.mask ??= plan.mask;
      into.scope ??= plan.scope;
      into.cites ??= plan.cites;
      if (plan.child) mergeChild(into, plan.child);
    }
  }
}

/** Runs the policy over one operation of a validated document. */
export function analyseOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  decide: DecideCoordinate,
  options: AnalyseOptions = {},
): PolicyDecision {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) throw new Error('operation not found in a validated document');
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const rootType = schema.getRootType(operation.operation)!;
  // @skip/@include see a variable's default when the request omits it, as execution will.
  const withDefaults: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (withDefaults[name] === undefined && definition.defaultValue?.kind === Kind.BOOLEAN) withDefaults[name] = definition.defaultValue.value;
  }
  const decision: PolicyDecision = {
    document,
    operation,
    plan: null,
    denials: [],
    returned: new Set(),
    masked: new Set(),
    denied: new Set(),
    grantIds: new Set(),
    datasets: [],
    highLevel: [],
    empty: false,
  };
  const walk: Walk = { schema, rootName: rootType.name, options, fragments, variables: withDefaults, decide, verdicts: new Map(), decision };
  const plan = newPlan(rootType);
  const selections = filterSelections(walk, operation.selectionSet, rootType, [rootType.name], [], plan);
  const filtered: OperationDefinitionNode = { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } };
  decision.operation = filtered;
  decision.document = { kind: Kind.DOCUMENT, definitions: [filtered] };
  decision.plan = planIsActive(plan) ? plan : null;
  decision.empty = selections.length === 0;
  return decision;
}
