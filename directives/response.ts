// Applies a policy plan to an execution result: denied fields come back as null, masked values are
// desensitised, and the __typename the gateway added for its own use is removed. One pass over the
// parts of the response the plan names; untouched subtrees are not visited.
import { SUBJECT_ALIAS, TYPENAME_ALIAS, type SelectionPlan } from './analyse';
import { maskValue, type MaskSettings } from './mask';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function maskLeaf(value: Json, apply: (text: string) => string): Json {
  if (typeof value === 'string') return apply(value);
  if (Array.isArray(value)) return value.map((item) => maskLeaf(item, apply));
  return value;
}

function walkValue(value: Json | undefined, plan: SelectionPlan, settings: MaskSettings, subjects: Set<string>): void {
  if (value === null || value === undefined || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) walkValue(item, plan, settings, subjects);
    return;
  }
  const typeName = plan.staticType ?? (value[TYPENAME_ALIAS] as string | undefined);
  if (plan.injectedTypename) delete value[TYPENAME_ALIAS];
  if (typeName !== undefined && plan.subjectTypes.has(typeName)) {
    const subject = value[SUBJECT_ALIAS];
    if (typeof subject === 'string') subjects.add(subject);
    delete value[SUBJECT_ALIAS];
  }
  const fields = typeName === undefined ? undefined : plan.byType.get(typeName);
  if (!fields) return;
  for (const [key, entry] of fields) {
    if (entry.deny) {
      value[key] = null;
      continue;
    }
    if (entry.mask && key in value) {
      const strategy = entry.mask;
      value[key] = maskLeaf(value[key], (text) => maskValue(strategy, text, settings));
    }
    if (entry.child) walkValue(value[key], entry.child, settings, subjects);
  }
}

/** Rewrites `data` in place following `plan`; returns the data subjects (keys) of the records returned. */
export function applyPlan(data: Record<string, unknown> | null | undefined, plan: SelectionPlan, settings: MaskSettings): Set<string> {
  const subjects = new Set<string>();
  if (data) walkValue(data as Json, plan, settings, subjects);
  return subjects;
}
