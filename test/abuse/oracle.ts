// The exact leak oracle of the abuse suite. For every value of a response it works out, from the seed
// generator's ground truth, the catalog (schema/supergraph.graphql) and the grants the suite wrote,
// what this caller — with its grants, scenario and division scope — may receive at that coordinate:
// the plain value, this mask's output, or nothing (null with an error at its path). Any value that
// differs is a leak; a value withheld without an error saying why is a mismatch. Error messages,
// extensions and headers may carry no ground-truth value the caller did not send itself.
//
// It decides on its own (share/open attributes, grant coverage, validity, scope): it shares only the
// catalog reader and the pure mask functions with the gateway, and the inference-control narrowing
// of masks (directives/inference.ts), which is the rule under test, not the runtime.
import fs from 'node:fs';
import path from 'node:path';
import {
  buildASTSchema, getArgumentValues, getDirectiveValues, getNamedType, getVariableValues, GraphQLIncludeDirective, GraphQLSkipDirective,
  isAbstractType, isCompositeType, isListType, isNonNullType, Kind, parse, validate,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLObjectType,
  type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { readCatalog, type Catalog } from '../../directives/catalog';
import { anyGrantCoverage, chinaDate, effectiveMasks, exposuresOf } from '../../directives/inference';
import { DEFAULT_MASK_SETTINGS, maskValue, type MaskSettings } from '../../directives/mask';
import type { Grant } from '../../directives/grants';
import type { MaskStrategy } from '../../directives/vocabulary';
import { DEFAULT_SEED, generateLegalEntities, generateLicences, generatePersons, sizeForScale } from '../../subgraphs/seed/generator';
import type { LegalEntityRecord, LicenceRecord, PersonRecord } from '../../subgraphs/seed/records';

// ───────────────────────────── ground truth ─────────────────────────────

export interface Truth {
  persons: Map<string, PersonRecord>;
  entities: Map<string, LegalEntityRecord>;
  licences: Map<string, LicenceRecord>;
  /** Sorted by key, as the listings page them. */
  personList: PersonRecord[];
  entityList: LegalEntityRecord[];
  licenceList: LicenceRecord[];
  entitiesOf: Map<string, LegalEntityRecord[]>;
  licencesOf: Map<string, LicenceRecord[]>;
  household: Map<string, PersonRecord[]>;
  /** Values that are never open data (names, numbers, phones, addresses of persons; licence numbers). */
  sensitive: Set<string>;
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export function buildTruth(scale = 0.05, seed = DEFAULT_SEED): Truth {
  const size = sizeForScale(scale);
  const t: Truth = { persons: new Map(), entities: new Map(), licences: new Map(), personList: [], entityList: [], licenceList: [], entitiesOf: new Map(), licencesOf: new Map(), household: new Map(), sensitive: new Set() };
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const chunk of generatePersons(seed, size.persons)) {
    for (const p of chunk) {
      t.persons.set(p.idNumber, p);
      push(t.household, p.householdNumber, p);
      for (const v of [p.idNumber, p.name, p.phone, p.householdAddress, p.householdNumber]) if (v) t.sensitive.add(v);
    }
  }
  for (const chunk of generateLegalEntities(seed, size)) {
    for (const e of chunk) {
      t.entities.set(e.creditCode, e);
      push(t.entitiesOf, e.legalRepresentativeIdNumber, e);
    }
  }
  for (const chunk of generateLicences(seed, size)) {
    for (const l of chunk) {
      t.licences.set(l.number, l);
      push(t.licencesOf, l.holderId, l);
      t.sensitive.add(l.number);
    }
  }
  t.personList = [...t.persons.values()].sort(byKey((p) => p.idNumber));
  t.entityList = [...t.entities.values()].sort(byKey((e) => e.creditCode));
  t.licenceList = [...t.licences.values()].sort(byKey((l) => l.number));
  return t;
}

// ───────────────────────────── callers ─────────────────────────────

/** A caller as the oracle models it; `refused` callers (bad or expired credentials, suspended) get no data at all. */
export interface OracleCaller {
  label: string;
  kind: 'institution' | 'developer' | 'anonymous' | 'refused';
  grantee?: { kind: 'institution' | 'developer'; id: string };
  scenario?: string;
}

/** What a caller may receive at a coordinate. `scope`: the division prefix of the scoped grant relied on. */
export type Access =
  | { kind: 'plain'; scope?: string }
  | { kind: 'masked'; strategy: MaskStrategy; scope?: string }
  | { kind: 'nothing'; why: string };

export interface OracleContext {
  schema: GraphQLSchema;
  catalog: Catalog;
  grants: readonly Grant[];
  truth: Truth;
  baseMasks: MaskSettings;
  now: Date;
}

const SUPERGRAPH = path.resolve(__dirname, '../../schema/supergraph.graphql');

export function createOracleContext(grants: readonly Grant[], options: { truth?: Truth; hashKey: string; now?: Date }): OracleContext {
  const sdl = fs.readFileSync(SUPERGRAPH, 'utf8');
  return {
    schema: buildASTSchema(parse(sdl), { assumeValidSDL: true }),
    catalog: readCatalog(sdl),
    grants,
    truth: options.truth ?? buildTruth(),
    baseMasks: { ...DEFAULT_MASK_SETTINGS, hashKey: options.hashKey },
    now: options.now ?? new Date(),
  };
}

function covers(list: readonly string[] | undefined, coordinate: string): boolean {
  return !!list && (list.includes(coordinate) || list.includes(`${coordinate.slice(0, coordinate.indexOf('.'))}.*`));
}

/** The oracle's own decision: catalog attributes, then the caller's active grants for its scenario. */
export function expectedAccess(ctx: OracleContext, caller: OracleCaller, coordinate: string): Access {
  if (caller.kind === 'refused') return { kind: 'nothing', why: 'refused caller' };
  const policy = ctx.catalog.fields.get(coordinate);
  if (!policy) return { kind: 'nothing', why: 'not catalogued' };
  if (!policy.share && !policy.open) {
    const navigation = policy.composite && !policy.dataset && policy.typeName !== 'Query' && policy.typeName !== 'Mutation';
    return navigation ? { kind: 'plain' } : { kind: 'nothing', why: 'not declared' };
  }
  const at = ctx.now.getTime();
  const grant = caller.grantee && caller.scenario
    ? ctx.grants
      .filter((g) => g.grantee.kind === caller.grantee!.kind && g.grantee.id === caller.grantee!.id && g.scenario === caller.scenario)
      .filter((g) => (g.status ?? 'active') === 'active' && Date.parse(g.validFrom) <= at && at < Date.parse(g.validUntil) && covers(g.fields, coordinate))
      .sort((a, b) => Number(covers(b.plain, coordinate)) - Number(covers(a.plain, coordinate)))[0]
    : undefined;
  const scope = grant?.divisionScope ?? undefined;
  const masked = (plainGranted: boolean): Access => (policy.mask && !plainGranted ? { kind: 'masked', strategy: policy.mask, scope } : { kind: 'plain', scope });
  if (caller.kind === 'institution') {
    const attribute = policy.share?.attribute;
    if (!attribute || attribute === 'NONE') return { kind: 'nothing', why: 'not shared' };
    if (!caller.scenario) return { kind: 'nothing', why: 'no scenario' };
    if (attribute === 'CONDITIONAL' && !grant) return { kind: 'nothing', why: 'no active grant' };
    return masked(!!grant && covers(grant.plain, coordinate));
  }
  const attribute = policy.open?.attribute;
  if (!attribute || attribute === 'NONE') return { kind: 'nothing', why: 'not open' };
  if (attribute === 'CONDITIONAL' && (caller.kind !== 'developer' || !grant)) return { kind: 'nothing', why: 'no active grant (open)' };
  return masked(false); // open data is always masked where a mask is declared
}

const settingsCache = new WeakMap<OracleContext, Map<string, MaskSettings>>();

/**
 * The mask settings this caller's values are masked with: the configured ones, narrowed by
 * inference control (directives/inference.ts) for what the caller can see under all its grants.
 */
export function maskSettingsFor(ctx: OracleContext, caller: OracleCaller): MaskSettings {
  let cache = settingsCache.get(ctx);
  if (!cache) settingsCache.set(ctx, (cache = new Map()));
  const key = `${caller.kind}|${caller.grantee?.kind}|${caller.grantee?.id}`;
  let settings = cache.get(key);
  if (!settings) {
    const kind = caller.kind === 'refused' ? 'anonymous' : caller.kind;
    const coverage = caller.grantee ? anyGrantCoverage(ctx.grants, caller.grantee, ctx.now) : () => undefined;
    settings = effectiveMasks(ctx.catalog, ctx.baseMasks, exposuresOf(ctx.catalog, kind, coverage), chinaDate(ctx.now)).settings;
    cache.set(key, settings);
  }
  return settings;
}

/** The one place a masked value is expected: switch here when the masking rule changes. */
export function expectedMask(ctx: OracleContext, caller: OracleCaller, strategy: MaskStrategy, truth: string): string {
  return maskValue(strategy, truth, maskSettingsFor(ctx, caller));
}

// ───────────────────────────── checking a response ─────────────────────────────

export interface Problem {
  kind: 'leak' | 'mismatch';
  path: string;
  message: string;
}

export interface Verdict {
  problems: Problem[];
  /** The response carried at least one data value besides __typename. */
  hasData: boolean;
  /** Values compared with what was due: plain, masked, and nothing (denied or out of scope). */
  checked: Checked;
}

export interface Checked { plain: number; masked: number; nothing: number }

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Rec = PersonRecord | LegalEntityRecord | LicenceRecord;
interface GqlError { message?: unknown; path?: unknown; extensions?: unknown }

interface Walk {
  ctx: OracleContext;
  caller: OracleCaller;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Paths (joined with '.') of errors: a null at or above one is explained. */
  errorPaths: string[];
  requestLevelError: boolean;
  problems: Problem[];
  checked: Checked;
}

const STACK_TRACE = /\n\s+at .+\(|\n\s+at [\w.<>]+ /;
const FILE_PATH = /(?:\/[\w.@-]+){2,}\.(?:ts|js|mjs|cjs)\b|node_modules|[A-Za-z]:\\[\w\\]+/;
const LONG_TOKEN = /[0-9A-Z][0-9A-Z-]{9,}/g;

/** Whether a null at `at` has an error at, below or above it; a denial's "@" stands for every list index. */
function explained(walk: Walk, at: string): boolean {
  if (walk.requestLevelError) return true;
  const here = at.split('.');
  return walk.errorPaths.some((p) => {
    const error = p.split('.');
    const n = Math.min(error.length, here.length);
    for (let i = 0; i < n; i++) if (error[i] !== here[i] && !(error[i] === '@' && /^\d+$/.test(here[i]))) return false;
    return true;
  });
}

function collect(walk: Walk, type: GraphQLObjectType, set: SelectionSetNode, out = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const s of set.selections) {
    const skip = getDirectiveValues(GraphQLSkipDirective, s, walk.variables);
    const include = getDirectiveValues(GraphQLIncludeDirective, s, walk.variables);
    if (skip?.if === true || include?.if === false) continue;
    if (s.kind === Kind.FIELD) {
      const key = s.alias?.value ?? s.name.value;
      (out.get(key) ?? out.set(key, []).get(key)!).push(s);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (applies(walk.ctx.schema, s.typeCondition?.name.value, type)) collect(walk, type, s.selectionSet, out);
    } else {
      const fragment = walk.fragments.get(s.name.value);
      if (fragment && applies(walk.ctx.schema, fragment.typeCondition.name.value, type)) collect(walk, type, fragment.selectionSet, out);
    }
  }
  return out;
}

function applies(schema: GraphQLSchema, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (!condition || condition === type.name) return true;
  const t = schema.getType(condition);
  return !!t && isAbstractType(t) && schema.isSubType(t, type);
}

function subSelection(nodes: FieldNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
}

function typeNameOf(record: Rec): 'Person' | 'LegalEntity' | 'Licence' {
  return 'idNumber' in record ? 'Person' : 'creditCode' in record ? 'LegalEntity' : 'Licence';
}

function inScope(record: Rec, scope: string | undefined): boolean {
  return !scope || record.divisionCode.startsWith(scope);
}

/** A response key's value, own properties only: an alias such as __proto__ must not read Object.prototype. */
function own(object: { [key: string]: Json }, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function describe(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}

/** Checks one record's object against its expected view. */
function checkRecord(walk: Walk, record: Rec, set: SelectionSetNode, actual: Json | undefined, at: string, scopeOfParent?: string): void {
  if (actual === null || actual === undefined) {
    if (!explained(walk, at)) {
      const outside = scopeOfParent && !inScope(record, scopeOfParent);
      walk.problems.push({ kind: 'mismatch', path: at, message: `record withheld without an error${outside ? ' (out of scope)' : ''}` });
    }
    return;
  }
  if (typeof actual !== 'object' || Array.isArray(actual)) {
    walk.problems.push({ kind: 'leak', path: at, message: `not an object: ${describe(actual)}` });
    return;
  }
  const typeName = typeNameOf(record);
  const type = walk.ctx.schema.getType(typeName) as GraphQLObjectType;
  const fields = collect(walk, type, set);
  for (const key of Object.keys(actual)) {
    if (!fields.has(key)) walk.problems.push({ kind: 'leak', path: `${at}.${key}`, message: `key not asked for: ${describe(own(actual, key))}` });
  }
  for (const [key, nodes] of fields) {
    const here = `${at}.${key}`;
    const value = own(actual, key);
    const name = nodes[0].name.value;
    if (name === '__typename') {
      // A reserved alias (_policy…) is denied: null with its error.
      if (value !== typeName && !(value === null && explained(walk, here))) walk.problems.push({ kind: 'leak', path: here, message: `__typename ${describe(value)} for a ${typeName}` });
      continue;
    }
    const coordinate = `${typeName}.${name}`;
    let access = expectedAccess(walk.ctx, walk.caller, coordinate);
    if (access.kind !== 'nothing' && !inScope(record, access.scope)) access = { kind: 'nothing', why: `out of scope ${access.scope}` };
    walk.checked[access.kind]++;
    if (access.kind === 'nothing') {
      if (value !== null && value !== undefined) walk.problems.push({ kind: 'leak', path: here, message: `${coordinate} returned (${describe(value)}) where nothing is due (${access.why})` });
      else if (!explained(walk, here)) walk.problems.push({ kind: 'mismatch', path: here, message: `${coordinate} null without a denial error (${access.why})` });
      continue;
    }
    const field = type.getFields()[name];
    if (!field) continue;
    if (isCompositeType(getNamedType(field.type))) {
      checkRelation(walk, record, name, field, subSelection(nodes), value, here, access.scope);
      continue;
    }
    const truth = (record as unknown as Record<string, unknown>)[name] ?? null;
    const expected = truth === null ? null : access.kind === 'masked' && typeof truth === 'string' ? expectedMask(walk.ctx, walk.caller, access.strategy, truth) : truth;
    if (value === expected) continue;
    if (value === null || value === undefined) {
      if (!explained(walk, here)) walk.problems.push({ kind: 'mismatch', path: here, message: `${coordinate} withheld without an error` });
      continue;
    }
    const plainGiven = access.kind === 'masked' && value === truth;
    walk.problems.push({ kind: 'leak', path: here, message: `${coordinate} is ${describe(value)}, expected ${access.kind === 'masked' ? `${access.strategy} mask ` : ''}${describe(expected)}${plainGiven ? ' (plain value where a mask is due)' : ''}` });
  }
}

/** Nested references: the records a composite field of `record` leads to. */
function related(walk: Walk, record: Rec, field: string): Rec[] | Rec | null {
  const t = walk.ctx.truth;
  if ('idNumber' in record) {
    if (field === 'legalEntities') return t.entitiesOf.get(record.idNumber) ?? [];
    if (field === 'licences') return (t.licencesOf.get(record.idNumber) ?? []).filter((l) => l.holderKind === 'PERSON');
    if (field === 'householdMembers') return t.household.get(record.householdNumber) ?? [];
  } else if ('creditCode' in record) {
    if (field === 'legalRepresentative') return t.persons.get(record.legalRepresentativeIdNumber) ?? null;
    if (field === 'licences') return (t.licencesOf.get(record.creditCode) ?? []).filter((l) => l.holderKind === 'LEGAL_ENTITY');
  } else if (field === 'holder') {
    return (record.holderKind === 'PERSON' ? t.persons.get(record.holderId) : t.entities.get(record.holderId)) ?? null;
  }
  return null;
}

function checkRelation(walk: Walk, record: Rec, name: string, field: GraphQLField<unknown, unknown>, set: SelectionSetNode, value: Json | undefined, at: string, scope?: string): void {
  const target = related(walk, record, name);
  if (Array.isArray(target) || isListType(isNonNullType(field.type) ? field.type.ofType : field.type)) {
    checkUnordered(walk, Array.isArray(target) ? target : target ? [target] : [], set, value, at, scope);
  } else if (target) {
    checkRecord(walk, target, set, value, at, scope);
  } else if (value !== null && value !== undefined) {
    walk.problems.push({ kind: 'leak', path: at, message: `a record where none exists: ${describe(value)}` });
  }
}

/** Dry run: the problems `actual` would have as the view of `record`. */
function problemsAs(walk: Walk, record: Rec, set: SelectionSetNode, actual: Json, at: string, scope?: string): Problem[] & { checked?: Checked } {
  const dry: Walk = { ...walk, problems: [], checked: { plain: 0, masked: 0, nothing: 0 } };
  checkRecord(dry, record, set, actual, at, scope);
  return Object.assign(dry.problems, { checked: dry.checked });
}

/** Counts what a matched element's dry run compared. */
function adopt(walk: Walk, problems: { checked?: Checked }): void {
  if (!problems.checked) return;
  walk.checked.plain += problems.checked.plain;
  walk.checked.masked += problems.checked.masked;
  walk.checked.nothing += problems.checked.nothing;
}

/** A short list in any order: each element is the view of a distinct expected record. */
function checkUnordered(walk: Walk, candidates: Rec[], set: SelectionSetNode, value: Json | undefined, at: string, scope?: string): void {
  if (value === null || value === undefined) {
    if (!explained(walk, at)) walk.problems.push({ kind: 'mismatch', path: at, message: 'list withheld without an error' });
    return;
  }
  if (!Array.isArray(value)) {
    walk.problems.push({ kind: 'leak', path: at, message: `not a list: ${describe(value)}` });
    return;
  }
  const unused = new Set(candidates);
  value.forEach((item, i) => {
    const here = `${at}.${i}`;
    if (item === null) {
      if (!explained(walk, here)) walk.problems.push({ kind: 'mismatch', path: here, message: 'list element null without an error' });
      return;
    }
    let best: Problem[] | undefined;
    for (const candidate of unused) {
      const problems = problemsAs(walk, candidate, set, item, here, scope);
      if (problems.length === 0) {
        adopt(walk, problems);
        unused.delete(candidate);
        return;
      }
      const score = (ps: Problem[]) => ps.filter((p) => p.kind === 'leak').length * 1000 + ps.length;
      if (!best || score(problems) < score(best)) best = problems;
    }
    walk.problems.push(...(best ?? [{ kind: 'leak' as const, path: here, message: `element that matches no record: ${describe(item)}` }]));
  });
  // Every record of the list must be there (a null element with its error stands for one).
  const missing = [...unused].filter((r) => inScope(r, scope)).length - value.filter((v) => v === null).length;
  if (missing > 0 && !explained(walk, at)) {
    walk.problems.push({ kind: 'mismatch', path: at, message: `${missing} of ${candidates.length} elements missing without an error` });
  }
}

/** A listing page: elements in key order, a subsequence of the division's records (scoped ones may be skipped). */
function checkConnection(walk: Walk, records: Rec[], scope: string | undefined, conn: GraphQLObjectType, set: SelectionSetNode, value: Json | undefined, at: string, after: unknown): void {
  if (value === null || value === undefined) {
    if (!explained(walk, at)) walk.problems.push({ kind: 'mismatch', path: at, message: 'listing withheld without an error' });
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    walk.problems.push({ kind: 'leak', path: at, message: `not a connection: ${describe(value)}` });
    return;
  }
  const total = records.length;
  // Records inside the scope are matched first: only a node no in-scope record explains is outside.
  if (scope) records = [...records.filter((r) => inScope(r, scope)), ...records.filter((r) => !inScope(r, scope))];
  const fields = collect(walk, conn, set);
  for (const key of Object.keys(value)) if (!fields.has(key)) walk.problems.push({ kind: 'leak', path: `${at}.${key}`, message: 'key not asked for' });
  for (const [key, nodes] of fields) {
    const here = `${at}.${key}`;
    const v = own(value, key);
    const name = nodes[0].name.value;
    const access = expectedAccess(walk.ctx, walk.caller, `${conn.name}.${name}`);
    if (name === '__typename') {
      if (v !== conn.name) walk.problems.push({ kind: 'leak', path: here, message: `__typename ${describe(v)}` });
    } else if (access.kind === 'nothing' || v === null) {
      if (v !== null && v !== undefined) walk.problems.push({ kind: 'leak', path: here, message: `${conn.name}.${name} where nothing is due` });
      else if (!explained(walk, here)) walk.problems.push({ kind: 'mismatch', path: here, message: `${conn.name}.${name} null without an error` });
    } else if (name === 'totalCount') {
      const inside = records.filter((r) => inScope(r, scope)).length;
      if (v !== (scope ? inside : total)) walk.problems.push({ kind: 'leak', path: here, message: `totalCount ${describe(v)}, expected ${scope ? `${inside} in scope` : total}` });
    } else if (name === 'pageInfo') {
      checkOpaque(walk, v, here);
    } else if (name === 'edges') {
      if (!Array.isArray(v)) {
        walk.problems.push({ kind: 'leak', path: here, message: 'edges not a list' });
        continue;
      }
      const edgeType = getNamedType(conn.getFields().edges.type) as GraphQLObjectType;
      let next = 0;
      const used = new Set<number>();
      v.forEach((edge, i) => {
        const edgeAt = `${here}.${i}`;
        if (!edge || typeof edge !== 'object' || Array.isArray(edge)) {
          if (edge !== null || !explained(walk, edgeAt)) walk.problems.push({ kind: edge === null ? 'mismatch' : 'leak', path: edgeAt, message: `edge ${describe(edge)}` });
          return;
        }
        const edgeFields = collect(walk, edgeType, subSelection(nodes));
        for (const k of Object.keys(edge)) if (!edgeFields.has(k)) walk.problems.push({ kind: 'leak', path: `${edgeAt}.${k}`, message: 'key not asked for' });
        for (const [k, ns] of edgeFields) {
          const f = ns[0].name.value;
          if (f === '__typename') {
            if (own(edge, k) !== edgeType.name) walk.problems.push({ kind: 'leak', path: `${edgeAt}.${k}`, message: `__typename ${describe(own(edge, k))}` });
          } else if (f === 'cursor') {
            checkOpaque(walk, own(edge, k), `${edgeAt}.${k}`);
          } else if (f === 'node') {
            // The record at the expected position first, then any other of the listing not yet seen
            // (the order is the database's collation; what matters here is whose values these are).
            let matched = -1;
            let best: { j: number; problems: Problem[]; leaks: number } | undefined;
            for (let step = 0; step < records.length && matched < 0; step++) {
              const j = (next + step) % records.length;
              if (used.has(j)) continue;
              const problems = problemsAs(walk, records[j], subSelection(ns), own(edge, k) ?? null, `${edgeAt}.${k}`, scope);
              const leaks = problems.filter((p) => p.kind === 'leak').length;
              if (problems.length === 0) {
                matched = j;
                adopt(walk, problems);
              } else if (!best || leaks < best.leaks) best = { j, problems, leaks };
            }
            // No record's view: report against the closest one (fewest leaks; only withheld values is no leak).
            if (matched < 0 && best) {
              walk.problems.push(...best.problems);
              matched = best.j;
            }
            if (matched >= 0) {
              // A listing that relied on a scoped grant lists only records inside the scope.
              if (!inScope(records[matched], scope)) walk.problems.push({ kind: 'leak', path: `${edgeAt}.${k}`, message: `listing relying on a grant scoped to ${scope} returned a record of ${records[matched].divisionCode}` });
              used.add(matched);
              next = matched + 1;
            } else walk.problems.push({ kind: 'leak', path: `${edgeAt}.${k}`, message: `node beyond the listing: ${describe(own(edge, k))}` });
          }
        }
      });
    }
  }
}

/** Cursors and page info are opaque: they may not carry a ground-truth value. */
function checkOpaque(walk: Walk, value: Json | undefined, at: string): void {
  for (const s of strings(value)) {
    for (const token of s.match(LONG_TOKEN) ?? []) if (walk.ctx.truth.sensitive.has(token)) walk.problems.push({ kind: 'leak', path: at, message: `opaque value carries ${token}` });
  }
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(k), strings(v, out);
  return out;
}

/** Ground-truth values in free text (messages, extensions, headers, non-JSON bodies) the request did not carry. */
export function secretsInText(truth: Truth, text: string, requestText: string): string[] {
  const found = new Set<string>();
  for (const token of text.match(LONG_TOKEN) ?? []) if (truth.sensitive.has(token) && !requestText.includes(token)) found.add(token);
  for (const token of text.match(/1[3-9]\d{9}/g) ?? []) if (truth.sensitive.has(token) && !requestText.includes(token)) found.add(token);
  // Names hide inside longer runs of Chinese text: every 2–4 character window of a run is looked up.
  for (const run of text.match(/\p{Script=Han}{2,}/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i < chars.length - 1; i++) {
      for (let n = 2; n <= 4 && i + n <= chars.length; n++) {
        const token = chars.slice(i, i + n).join('');
        if (truth.sensitive.has(token) && !requestText.includes(token)) found.add(token);
      }
    }
  }
  return [...found];
}

function checkRoot(walk: Walk, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], value: Json | undefined, at: string): void {
  const name = field.name;
  const access = expectedAccess(walk.ctx, walk.caller, `Query.${name}`);
  if (access.kind === 'nothing') {
    if (value !== null && value !== undefined) walk.problems.push({ kind: 'leak', path: at, message: `Query.${name} answered where nothing is due (${access.why}): ${describe(value)}` });
    else if (!explained(walk, at)) walk.problems.push({ kind: 'mismatch', path: at, message: `Query.${name} null without a denial error` });
    return;
  }
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, nodes[0], walk.variables);
  } catch {
    if (value !== null && value !== undefined) walk.problems.push({ kind: 'leak', path: at, message: 'answered with invalid arguments' });
    return;
  }
  const t = walk.ctx.truth;
  const set = subSelection(nodes);
  const scope = access.scope;
  const one = (rec: Rec | undefined, v: Json | undefined, here: string) => {
    if (rec && !inScope(rec, scope)) {
      // A lookup that relied on a scoped grant: a record outside the scope is withheld whole.
      if (v !== null && v !== undefined) walk.problems.push({ kind: 'leak', path: here, message: `Query.${name} returned a record outside the scope ${scope}: ${describe(v)}` });
      else if (!explained(walk, here)) walk.problems.push({ kind: 'mismatch', path: here, message: `Query.${name} out-of-scope record null without an error` });
    } else if (rec) checkRecord(walk, rec, set, v, here, scope);
    else if (v !== null && v !== undefined) walk.problems.push({ kind: 'leak', path: here, message: `a record for an unknown key: ${describe(v)}` });
  };
  const many = (recs: (Rec | undefined)[]) => {
    if (value === null || value === undefined) {
      if (!explained(walk, at)) walk.problems.push({ kind: 'mismatch', path: at, message: `Query.${name} null without an error` });
    } else if (!Array.isArray(value) || value.length !== recs.length) walk.problems.push({ kind: 'leak', path: at, message: `expected ${recs.length} elements: ${describe(value)}` });
    else recs.forEach((r, i) => one(r, value[i], `${at}.${i}`));
  };
  // A division code selects its whole area: 530000 the province, 530100 Kunming (trailing 00 pairs dropped).
  const area = typeof args.divisionCode === 'string' ? args.divisionCode.replace(/(?:00)+$/, '') : '\u0000';
  const division = (list: Rec[]) => list.filter((r) => r.divisionCode.startsWith(area.length >= 2 ? area : args.divisionCode as string));
  const conn = getNamedType(field.type) as GraphQLObjectType;
  switch (name) {
    case 'person': return one(t.persons.get(String(args.idNumber)), value, at);
    case 'persons': return many((args.idNumbers as string[]).map((id) => t.persons.get(id)));
    case 'legalEntity': return one(t.entities.get(String(args.creditCode)), value, at);
    case 'legalEntities': return many((args.creditCodes as string[]).map((c) => t.entities.get(c)));
    case 'licence': return one(t.licences.get(String(args.number)), value, at);
    case 'personsByDivision': return checkConnection(walk, division(t.personList), scope, conn, set, value, at, args.after);
    case 'legalEntitiesByDivision': return checkConnection(walk, division(t.entityList), scope, conn, set, value, at, args.after);
    case 'licencesByDivision': return checkConnection(walk, division(t.licenceList).filter((l) => !args.type || (l as LicenceRecord).type === args.type), scope, conn, set, value, at, args.after);
    case 'verifyPersonIdentity': {
      const p = t.persons.get(String(args.idNumber));
      const expected = p && p.name === args.name ? 'MATCH' : 'NO_MATCH';
      if (value !== expected && !(value === null && explained(walk, at))) walk.problems.push({ kind: value === null ? 'mismatch' : 'leak', path: at, message: `verification ${describe(value)}, expected ${expected}` });
      return;
    }
    default:
      // Control-plane fields are not the oracle's business beyond the free-text checks.
      return;
  }
}

/**
 * Checks one answer to one request, as `caller`. `body` is the request body as sent; `text` the
 * response body; `headers` the response headers.
 */
export function checkResponse(ctx: OracleContext, caller: OracleCaller, body: string, text: string, headers: Headers | Record<string, string>): Verdict {
  const problems: Problem[] = [];
  const leak = (where: string, message: string) => problems.push({ kind: 'leak', path: where, message });
  const pairs: string[] = [];
  if (headers instanceof Headers) headers.forEach((v, k) => pairs.push(`${k}: ${v}`));
  else for (const [k, v] of Object.entries(headers)) pairs.push(`${k}: ${v}`);
  const headerText = pairs.join('\n');
  for (const s of secretsInText(ctx.truth, headerText, body)) leak('headers', `ground-truth value ${s} in a header`);
  if (STACK_TRACE.test(text)) leak('body', 'stack trace in the response');
  let response: { data?: Json; errors?: GqlError[] } | undefined;
  try {
    response = JSON.parse(text);
  } catch {
    for (const s of secretsInText(ctx.truth, text, body)) leak('body', `ground-truth value ${s} in a non-JSON body`);
    if (FILE_PATH.test(text)) leak('body', 'file path in a non-JSON body');
    return { problems, hasData: false, checked: { plain: 0, masked: 0, nothing: 0 } };
  }
  if (!response || typeof response !== 'object' || Array.isArray(response)) {
    for (const s of secretsInText(ctx.truth, text, body)) leak('body', `ground-truth value ${s} in the body`);
    return { problems, hasData: false, checked: { plain: 0, masked: 0, nothing: 0 } };
  }
  const errors = Array.isArray(response.errors) ? response.errors : [];
  for (const e of errors) {
    const free = `${typeof e?.message === 'string' ? e.message : JSON.stringify(e?.message)} ${JSON.stringify(e?.extensions ?? {})}`;
    for (const s of secretsInText(ctx.truth, free, body)) leak('errors', `ground-truth value ${s} in an error (${(e?.extensions as { code?: string })?.code})`);
    if (FILE_PATH.test(free)) leak('errors', `file path in an error: ${free.slice(0, 160)}`);
  }
  const rest = { ...response } as Record<string, unknown>;
  delete rest.data;
  delete rest.errors;
  for (const s of secretsInText(ctx.truth, JSON.stringify(rest), '')) leak('extensions', `ground-truth value ${s} in extensions`);

  const data = response.data;
  const hasData = hasValue(data);
  const checked: Checked = { plain: 0, masked: 0, nothing: 0 };
  if (data === null || data === undefined) return { problems, hasData, checked };
  let request: { query?: unknown; variables?: unknown; operationName?: unknown };
  let document: DocumentNode | undefined;
  try {
    request = JSON.parse(body);
    if (typeof request.query === 'string') document = parse(request.query);
  } catch {
    request = {};
  }
  const operation = document && selectOperation(document, request.operationName);
  if (!document || !operation || validate(ctx.schema, document).length > 0 || operation.operation !== 'query') {
    // Not a query the oracle can follow (mutations, invalid documents): no ground-truth value may appear.
    for (const s of secretsInText(ctx.truth, JSON.stringify(data), body)) leak('data', `ground-truth value ${s} in data of an unfollowable request`);
    return { problems, hasData, checked };
  }
  const coerced = getVariableValues(ctx.schema, operation.variableDefinitions ?? [], (request.variables && typeof request.variables === 'object' ? request.variables : {}) as Record<string, unknown>);
  if (coerced.errors) {
    if (hasValue(data)) leak('data', 'data for variables that do not coerce');
    return { problems, hasData, checked };
  }
  const walk: Walk = {
    ctx, caller, variables: coerced.coerced,
    fragments: new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f])),
    errorPaths: errors.filter((e) => Array.isArray(e?.path)).map((e) => (e.path as (string | number)[]).join('.')),
    requestLevelError: errors.some((e) => !Array.isArray(e?.path)),
    problems,
    checked,
  };
  if (typeof data !== 'object' || Array.isArray(data)) {
    leak('data', 'data is not an object');
    return { problems, hasData, checked };
  }
  const queryType = ctx.schema.getQueryType()!;
  const roots = collect(walk, queryType, operation.selectionSet);
  for (const key of Object.keys(data)) if (!roots.has(key)) leak(key, 'root key not asked for');
  for (const [key, nodes] of roots) {
    if (nodes[0].name.value === '__typename') {
      const typename = own(data, key);
      if (typename !== 'Query' && !(typename === null && explained(walk, key))) leak(key, `__typename ${describe(typename)}`);
      continue;
    }
    const field = queryType.getFields()[nodes[0].name.value];
    if (field) checkRoot(walk, field, nodes, own(data, key), key);
  }
  return { problems, hasData, checked };
}

function hasValue(data: unknown, key?: string): boolean {
  if (data === null || data === undefined) return false;
  if (Array.isArray(data)) return data.some((d) => hasValue(d));
  if (typeof data === 'object') return Object.entries(data).some(([k, v]) => hasValue(v, k));
  return key !== '__typename';
}

function selectOperation(document: DocumentNode, operationName: unknown): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (typeof operationName === 'string') return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

