// Applies a policy plan to an execution result: denied fields come back as null, so do fields of
// records outside a grant's division scope (数据回流), masked values are desensitised, and the fields
// the gateway added for its own use are removed. One pass over the
// parts of the response the plan names; untouched subtrees are not visited.
import { DIVISION_ALIAS, SUBJECT_ALIAS, TYPENAME_ALIAS, type FieldScope, type SelectionPlan } from './analyse';
import { maskValue, type MaskSettings } from './mask';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function maskLeaf(value: Json, apply: (text: string) => string): Json {
  if (typeof value === 'string') return apply(value);
  if (Array.isArray(value)) return value.map((item) => maskLeaf(item, apply));
  return value;
}

/** A field nulled on a record outside the division scope of the grant it relied on. */
export interface ScopeDenial {
  path: (string | number)[];
  coordinate: string;
}

export interface WalkResult {
  /** Data-subject keys of the records returned (for the audit). */
  subjects: Set<string>;
  /** Codes of the datasets whose records (or verification answers) came back (provenance). */
  datasets: Set<string>;
  /** Fields nulled as OUT_OF_SCOPE, at their response paths. */
  outOfScope: ScopeDenial[];
}

function inScope(record: Json | undefined, prefixes: readonly string[]): boolean {
  // A record without its division (it should always carry one) counts as outside: fail closed.
  const division = record !== null && typeof record === 'object' && !Array.isArray(record) ? record[DIVISION_ALIAS] : undefined;
  return typeof division === 'string' && prefixes.some((prefix) => division.startsWith(prefix));
}

/** Nulls a lookup's record (or each record of a list) outside the scope; true when it nulled the field. */
function scopeValue(holder: { [key: string]: Json }, key: string, scope: FieldScope, path: (string | number)[], out: WalkResult): boolean {
  const value = holder[key];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item === null || inScope(item, scope.prefixes)) return;
      value[index] = null;
      out.outOfScope.push({ path: [...path, key, index], coordinate: scope.coordinate });
    });
    return false;
  }
  if (value === null || value === undefined || inScope(value, scope.prefixes)) return false;
  setNull(holder, key);
  out.outOfScope.push({ path: [...path, key], coordinate: scope.coordinate });
  return true;
}

/**
 * Puts a null at `key` as an own property. A plain assignment to a response key aliased `__proto__`
 * would set the object's prototype instead, and the key would vanish from the answer.
 */
function setNull(record: { [key: string]: Json }, key: string): void {
  Object.defineProperty(record, key, { value: null, writable: true, enumerable: true, configurable: true });
}

function walkValue(value: Json | undefined, plan: SelectionPlan, settings: MaskSettings, out: WalkResult, path: (string | number)[]): void {
  if (value === null || value === undefined || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      path.push(index);
      walkValue(value[index], plan, settings, out, path);
      path.pop();
    }
    return;
  }
  const typeName = plan.staticType ?? (value[TYPENAME_ALIAS] as string | undefined);
  if (plan.injectedTypename) delete value[TYPENAME_ALIAS];
  if (typeName === undefined) return;
  if (plan.subjectTypes.has(typeName)) {
    const subject = value[SUBJECT_ALIAS];
    if (typeof subject === 'string') out.subjects.add(subject);
    delete value[SUBJECT_ALIAS];
  }
  const dataset = plan.datasetTypes.get(typeName);
  if (dataset) out.datasets.add(dataset);
  const scoped = plan.divisionTypes.has(typeName);
  let recordInScope: Map<readonly string[], boolean> | undefined;
  const fields = plan.byType.get(typeName);
  if (fields) {
    for (const [key, entry] of fields) {
      if (entry.deny) {
        setNull(value, key);
        continue;
      }
      if (entry.scope?.of === 'record') {
        const prefixes = entry.scope.prefixes;
        recordInScope ??= new Map();
        let inside = recordInScope.get(prefixes);
        if (inside === undefined) recordInScope.set(prefixes, (inside = inScope(value, prefixes)));
        if (!inside) {
          setNull(value, key);
          out.outOfScope.push({ path: [...path, key], coordinate: entry.scope.coordinate });
          continue;
        }
      } else if (entry.scope && scopeValue(value, key, entry.scope, path, out)) {
        continue;
      }
      if (entry.cites && value[key] !== null && value[key] !== undefined) out.datasets.add(entry.cites);
      if (entry.mask && key in value) {
        const strategy = entry.mask;
        value[key] = maskLeaf(value[key], (text) => maskValue(strategy, text, settings));
      }
      if (entry.child) {
        path.push(key);
        walkValue(value[key], entry.child, settings, out, path);
        path.pop();
      }
    }
  }
  // Read by the checks above (this record's and its parent's): the client never sees it.
  if (scoped) delete value[DIVISION_ALIAS];
}

/**
 * Rewrites `data` in place following `plan`: nulls denied fields and fields of records outside a
 * grant's division scope, masks, drops the gateway's own fields. Says whose records and which
 * datasets came back, and what was nulled as out of scope.
 */
export function applyPlan(data: Record<string, unknown> | null | undefined, plan: SelectionPlan, settings: MaskSettings): WalkResult {
  const out: WalkResult = { subjects: new Set(), datasets: new Set(), outOfScope: [] };
  if (data) walkValue(data as Json, plan, settings, out, []);
  return out;
}
