// What each gateway should answer, and the checks of its answers: before measuring (every distinct
// request of every connection, through every gateway) and during the measured windows (a sample).
//
// The reference is the bare gateway A's answer to the request with `benchRuntimeType: __typename`
// added to every selection set (so the concrete type of every object is known); A's own answer must
// be that reference without those keys, B's exactly the same, the Hive gateway's (E, E0) the same
// values in any key order. A policy gateway (C, D) is checked against an independent model of the
// decision table (README "How a field is decided"): per field, from the catalog facts (share / open
// attribute, mask) and the persona's grant — denied fields null with an error naming their
// coordinate, masked values not the plain ones, every other value the plain one, no other error.
// Once an answer has passed, its signature (data + the coordinates of its errors) is what the sampled
// answers of the same gateway to the same request must match.
import fs from 'node:fs';
import path from 'node:path';
import {
  buildASTSchema, isAbstractType, Kind, parse, print, visit,
  type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode,
} from 'graphql';
import { readCatalog, type Catalog } from '../directives/catalog';
import type { Persona } from './callers';

export const RUNTIME_TYPE = 'benchRuntimeType';

export interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; path?: unknown[]; extensions?: { code?: string; coordinate?: string } }[];
}

/** The request with `benchRuntimeType: __typename` in every selection set (sent to A only, for the reference). */
export function referenceQuery(query: string): string {
  const typename: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: RUNTIME_TYPE }, name: { kind: Kind.NAME, value: '__typename' } };
  return print(visit(parse(query), { SelectionSet: { leave: (node) => ({ ...node, selections: [...node.selections, typename] }) } }));
}

/** The reference without the added keys: what the query itself asks for. */
export function withoutRuntimeTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRuntimeTypes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== RUNTIME_TYPE).map(([k, v]) => [k, withoutRuntimeTypes(v)]));
  return value;
}

/** The same value with every object's keys sorted, so that two answers can be compared by their values alone. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/**
 * What a sampled answer must equal: its data (keys sorted when the gateway does not keep the query's
 * order) and the sorted coordinates of its errors.
 */
export function signature(body: GraphQLBody, orderInsensitive: boolean): string {
  const coordinates = (body.errors ?? []).map((e) => e.extensions?.coordinate ?? e.extensions?.code ?? e.message).sort();
  return `${JSON.stringify(orderInsensitive ? sortedKeys(body.data) : body.data)}\u0000${coordinates.join(',')}`;
}

// ───────────────────────── the policy model ─────────────────────────

type Decision = 'denied' | 'masked' | 'plain';

export class PolicyModel {
  readonly schema: GraphQLSchema;
  readonly catalog: Catalog;

  constructor(supergraphFile: string) {
    const sdl = fs.readFileSync(supergraphFile, 'utf8');
    this.schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
    this.catalog = readCatalog(sdl);
  }

  static forProject(root: string): PolicyModel {
    return new PolicyModel(path.join(root, 'schema', 'supergraph.graphql'));
  }

  /** The decision table, written apart from directives/ (so that it checks it rather than repeats it). */
  decide(persona: Persona, coordinate: string): Decision {
    const policy = this.catalog.fields.get(coordinate);
    if (!policy) return 'denied';
    if (policy.platform) return 'plain';
    if (!policy.share && !policy.open) return policy.composite && !policy.dataset && policy.typeName !== 'Query' && policy.typeName !== 'Mutation' ? 'plain' : 'denied';
    const covers = (list: readonly string[] | undefined) => !!list && (list.includes(coordinate) || list.includes(`${policy.typeName}.*`));
    const granted = covers(persona.grant?.fields);
    if (persona.kind === 'institution') {
      const attribute = policy.share?.attribute;
      if (!attribute || attribute === 'NONE' || (attribute === 'CONDITIONAL' && !granted)) return 'denied';
      return policy.mask && !covers(persona.grant?.plain) ? 'masked' : 'plain';
    }
    const attribute = policy.open?.attribute;
    if (!attribute || attribute === 'NONE' || (attribute === 'CONDITIONAL' && (persona.kind !== 'developer' || !granted))) return 'denied';
    return policy.mask ? 'masked' : 'plain'; // open data: always masked where a mask is declared
  }

  /**
   * Problems of a policy gateway's answer to `query` by `persona`, given A's reference data (with
   * runtime types); empty when it is right. Also returns the coordinates it rightly denied.
   */
  check(persona: Persona, query: string, reference: unknown, body: GraphQLBody): { problems: string[]; denied: string[] } {
    const document = parse(query);
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const problems: string[] = [];
    /** Denied coordinates → coordinates inside their selections (an error may name either). */
    const denied = new Map<string, Set<string>>();
    if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return { problems: ['no operation'], denied: [] };

    const collect = (selectionSet: SelectionSetNode, runtime: string, into = new Map<string, FieldNode>()): Map<string, FieldNode> => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          if (!into.has(key)) into.set(key, selection);
        } else {
          const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
          if (fragment && this.applies(fragment.typeCondition?.name.value, runtime)) collect(fragment.selectionSet, runtime, into);
        }
      }
      return into;
    };
    /** Every coordinate a denied field's selection names (errors may name one of them instead). */
    const inside = (selectionSet: SelectionSetNode | undefined, typeName: string, into: Set<string>) => {
      if (!selectionSet) return;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          into.add(`${typeName}.${selection.name.value}`);
          const fieldType = this.schema.getType(typeName);
          const field = fieldType && 'getFields' in fieldType ? fieldType.getFields()[selection.name.value] : undefined;
          if (field) inside(selection.selectionSet, namedTypeName(field.type), into);
        } else {
          const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
          if (fragment) inside(fragment.selectionSet, fragment.typeCondition?.name.value ?? typeName, into);
        }
      }
    };

    const walk = (selectionSet: SelectionSetNode, ref: Record<string, unknown>, got: unknown, at: string) => {
      if (!got || typeof got !== 'object' || Array.isArray(got)) return void problems.push(`${at}: an object expected, got ${JSON.stringify(got)?.slice(0, 80)}`);
      const runtime = String(ref[RUNTIME_TYPE]);
      const fields = collect(selectionSet, runtime);
      const keys = Object.keys(got).sort().join();
      const expectedKeys = [...fields.keys()].sort().join();
      if (keys !== expectedKeys) problems.push(`${at}: keys ${keys}, expected ${expectedKeys}`);
      for (const [key, node] of fields) {
        const value = (got as Record<string, unknown>)[key];
        const plain = ref[key];
        const where = `${at}.${key}`;
        if (node.name.value === '__typename') {
          if (value !== plain) problems.push(`${where}: ${JSON.stringify(value)}, expected ${JSON.stringify(plain)}`);
          continue;
        }
        const coordinate = `${runtime}.${node.name.value}`;
        const decision = this.decide(persona, coordinate);
        if (decision === 'denied') {
          if (value !== null) problems.push(`${where}: denied (${coordinate}) but answered ${JSON.stringify(value)?.slice(0, 80)}`);
          continue;
        }
        compare(node, decision, coordinate, plain, value, where);
      }
    };
    const compare = (node: FieldNode, decision: Decision, coordinate: string, plain: unknown, value: unknown, where: string): void => {
      if (plain === null || plain === undefined) {
        if (value !== null) problems.push(`${where}: null in the reference, ${JSON.stringify(value)?.slice(0, 80)} here`);
        return;
      }
      if (Array.isArray(plain)) {
        if (!Array.isArray(value) || value.length !== plain.length) return void problems.push(`${where}: ${plain.length} items in the reference, ${Array.isArray(value) ? value.length : 'no list'} here`);
        plain.forEach((item, i) => compare(node, decision, coordinate, item, value[i], `${where}[${i}]`));
        return;
      }
      if (node.selectionSet) return walk(node.selectionSet, plain as Record<string, unknown>, value, where);
      if (decision === 'masked') {
        if (value === plain || typeof value !== 'string') problems.push(`${where}: ${coordinate} should be masked, got ${JSON.stringify(value)}`);
      } else if (JSON.stringify(value) !== JSON.stringify(plain)) {
        problems.push(`${where}: ${coordinate} ${JSON.stringify(value)?.slice(0, 60)}, expected the plain ${JSON.stringify(plain)?.slice(0, 60)}`);
      }
    };

    // Denials are decided on the document (whatever the data): every field the persona may not see.
    const deny = (selectionSet: SelectionSetNode, typeName: string) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) {
          const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
          if (fragment) deny(fragment.selectionSet, fragment.typeCondition?.name.value ?? typeName);
          continue;
        }
        if (selection.name.value === '__typename') continue;
        const coordinate = `${typeName}.${selection.name.value}`;
        const type = this.schema.getType(typeName);
        const field = type && 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
        if (this.decide(persona, coordinate) === 'denied') {
          const names = denied.get(coordinate) ?? new Set<string>();
          if (field) inside(selection.selectionSet, namedTypeName(field.type), names);
          denied.set(coordinate, names);
        } else if (selection.selectionSet && field) {
          deny(selection.selectionSet, namedTypeName(field.type));
        }
      }
    };
    deny(operation.selectionSet, this.schema.getQueryType()?.name ?? 'Query');
    const data = (body.data ?? null) as Record<string, unknown> | null;
    if (data === null) problems.push('no data');
    else walk(operation.selectionSet, reference as Record<string, unknown>, data, '$');
    // Errors: each names a denied coordinate (or one inside a denied selection); each denial has one.
    const named = new Set<string>();
    for (const error of body.errors ?? []) {
      const coordinate = error.extensions?.coordinate;
      const ok = coordinate !== undefined && [...denied.entries()].some(([c, names]) => c === coordinate || names.has(coordinate));
      if (!ok) problems.push(`unexpected error ${error.extensions?.code ?? '?'} ${coordinate ?? ''}: ${error.message.slice(0, 120)}`);
      else named.add(coordinate!);
    }
    for (const [coordinate, names] of denied) {
      if (!named.has(coordinate) && ![...names].some((n) => named.has(n))) problems.push(`${coordinate} denied without an error naming it`);
    }
    return { problems, denied: [...denied.keys()] };
  }

  private applies(typeCondition: string | undefined, runtime: string): boolean {
    if (!typeCondition || typeCondition === runtime) return true;
    const type = this.schema.getType(typeCondition);
    const object = this.schema.getType(runtime);
    return !!type && !!object && isAbstractType(type) && 'getInterfaces' in object && this.schema.isSubType(type, object as never);
  }
}

function namedTypeName(type: unknown): string {
  let t = type as { ofType?: unknown; name?: string };
  while (t.ofType) t = t.ofType as typeof t;
  return t.name!;
}
