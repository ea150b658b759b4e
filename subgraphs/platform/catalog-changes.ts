// What a catalog change proposes, checked before it is filed and again before it applies: the input
// turned into the entries it leads to, and the rules those entries must keep (catalog-check.ts on
// every touched coordinate, the subgraphs' deployed boundary, the mask settings, Ganzi Art.16/24's
// ground for widening data that was not shared or not open).
import { GraphQLError } from 'graphql';
import type { Catalog } from '../../directives/catalog';
import { applyEntries, catalogued, type CatalogEntries, type DatasetRecordFacts, type FieldFacts, DATASET_TEXT_FACTS } from '../../directives/catalog-entries';
import { datasetChanges, directionOf, fieldChanges, problemsOf, touchedCoordinates, widensFromNone, type ChangeDirection, type FactChange } from '../../directives/catalog-change';
import { chinaDate, checkMaskSettings } from '../../directives/inference';
import type { MaskSettings } from '../../directives/mask';
import { DATA_LEVELS, MASK_STRATEGIES, SHARE_ATTRIBUTES, type DataLevel, type DatasetFacts, type MaskStrategy, type ShareAttribute } from '../../directives/vocabulary';
import { badUserInput } from '../common/errors';

export type ChangeKind = 'CHANGE' | 'WITHDRAW' | 'REINSTATE' | 'DISPUTE';

export interface FieldFactsInput {
  share?: string | null;
  shareCondition?: string | null;
  legalBasis?: string | null;
  open?: string | null;
  openCondition?: string | null;
  mask?: string | null;
  level?: string | null;
}

export type DatasetFactsInput = Partial<Record<keyof DatasetRecordFacts, string | null>>;

export interface ChangeInput {
  kind: ChangeKind;
  coordinate?: string | null;
  dataset?: string | null;
  field?: FieldFactsInput | null;
  datasetFacts?: DatasetFactsInput | null;
  reason: string;
  wideningGround?: 'DESENSITIZED' | 'CONSENT' | null;
  basisChangedOn?: string | null;
}

/** A change ready to file: its target, the entries before and after, what it changes. */
export interface PreparedChange {
  coordinate: string | null;
  dataset: DatasetFacts;
  before: { fields: Record<string, FieldFacts>; datasets: Record<string, DatasetRecordFacts> };
  proposed: { fields: Record<string, FieldFacts>; datasets: Record<string, DatasetRecordFacts> };
  changes: FactChange[];
  direction: ChangeDirection;
}

const text = (value: string | null | undefined) => (value === null || value === undefined ? undefined : value.trim());

function ruleError(code: string, zh: string, en: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code, ...extensions } });
}

function attribute(value: string, argument: string): ShareAttribute {
  if (!(SHARE_ATTRIBUTES as readonly string[]).includes(value)) throw badUserInput(`${argument}须为UNCONDITIONAL、CONDITIONAL或NONE`, `${argument} must be UNCONDITIONAL, CONDITIONAL or NONE`, { argument });
  return value as ShareAttribute;
}

function nextFieldFacts(before: FieldFacts, input: FieldFactsInput): FieldFacts {
  const after: FieldFacts = { share: { ...before.share }, open: { ...before.open }, mask: before.mask, level: before.level, withdrawn: before.withdrawn };
  // A new attribute starts without the old one's condition or legal basis; the same attribute keeps them.
  const share = text(input.share) ? attribute(text(input.share)!, 'share') : before.share.attribute;
  if (share !== before.share.attribute) after.share = { attribute: share };
  if (input.shareCondition !== undefined) after.share.condition = text(input.shareCondition) || undefined;
  if (input.legalBasis !== undefined) after.share.legalBasis = text(input.legalBasis) || undefined;
  const open = text(input.open) ? attribute(text(input.open)!, 'open') : before.open.attribute;
  if (open !== before.open.attribute) after.open = { attribute: open };
  if (input.openCondition !== undefined) after.open.condition = text(input.openCondition) || undefined;
  const mask = text(input.mask);
  if (mask) {
    if (mask !== 'NONE' && !(MASK_STRATEGIES as readonly string[]).includes(mask)) throw badUserInput(`mask须为${MASK_STRATEGIES.join('、')}或NONE`, `mask must be one of ${MASK_STRATEGIES.join(', ')} or NONE`, { argument: 'mask' });
    after.mask = mask === 'NONE' ? null : (mask as MaskStrategy);
  }
  const level = text(input.level);
  if (level) {
    if (level !== 'DATASET' && !(DATA_LEVELS as readonly string[]).includes(level)) throw badUserInput(`level须为${DATA_LEVELS.join('、')}或DATASET`, `level must be one of ${DATA_LEVELS.join(', ')} or DATASET`, { argument: 'level' });
    after.level = level === 'DATASET' ? null : (level as DataLevel);
  }
  // Conditions and legal bases belong to the attribute they explain.
  if (after.share.attribute !== 'CONDITIONAL') delete after.share.condition;
  if (after.share.attribute !== 'NONE') delete after.share.legalBasis;
  if (after.open.attribute !== 'CONDITIONAL') delete after.open.condition;
  return after;
}

function nextDatasetFacts(before: DatasetRecordFacts, input: DatasetFactsInput): DatasetRecordFacts {
  const after = { ...before };
  for (const fact of DATASET_TEXT_FACTS) {
    const value = text(input[fact]);
    if (value === undefined) continue;
    if (!value && fact !== 'unifiedCode') throw badUserInput(`${fact}不能为空`, `${fact} cannot be empty`, { argument: fact });
    if (fact === 'releaseDate' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw badUserInput('发布日期格式应为YYYY-MM-DD', 'releaseDate must be YYYY-MM-DD', { argument: 'releaseDate' });
    after[fact] = value;
  }
  const level = text(input.level);
  if (level) {
    if (!(DATA_LEVELS as readonly string[]).includes(level)) throw badUserInput(`level须为${DATA_LEVELS.join('、')}之一`, `level must be one of ${DATA_LEVELS.join(', ')}`, { argument: 'level' });
    after.level = level as DataLevel;
  }
  return after;
}

/** The dataset a catalogued field is approved under (its type's, or a root field's). */
function datasetOfField(catalog: Catalog, coordinate: string): DatasetFacts | undefined {
  const policy = catalog.fields.get(coordinate);
  return policy && (policy.dataset ?? catalog.rootDatasets.get(coordinate));
}

/**
 * Turns an input into the change it proposes against the entries in force, or throws a coded
 * error: unknown target, nothing changed, or a catalog that would break a rule.
 */
export function prepareChange(declared: Catalog, entries: CatalogEntries, input: ChangeInput, maskSettings: MaskSettings, now: Date): PreparedChange {
  const coordinate = text(input.coordinate) || null;
  const code = text(input.dataset) || null;
  if (Boolean(coordinate) === Boolean(code)) throw badUserInput('请指定一个信息项（coordinate）或一个数据集（dataset）', 'give either a field (coordinate) or a dataset (dataset code)', { argument: 'coordinate' });
  if (!text(input.reason)) throw badUserInput('请说明变更理由', 'give the reason for the change', { argument: 'reason' });
  const before: PreparedChange['before'] = { fields: {}, datasets: {} };
  const proposed: PreparedChange['proposed'] = { fields: {}, datasets: {} };
  let dataset: DatasetFacts | undefined;
  const changes: FactChange[] = [];

  if (coordinate) {
    const policy = declared.fields.get(coordinate);
    dataset = policy && catalogued(policy) ? datasetOfField(declared, coordinate) : undefined;
    const current = entries.fields[coordinate];
    if (!policy || !dataset || !current) throw badUserInput(`目录中没有信息项${coordinate}`, `${coordinate} is not a catalogued field`, { argument: 'coordinate' });
    if (input.datasetFacts) throw badUserInput('信息项变更不能包含数据集事项', 'a field change cannot carry dataset facts', { argument: 'datasetFacts' });
    let after: FieldFacts;
    if (input.kind === 'WITHDRAW') after = { ...current, withdrawn: true };
    else if (input.kind === 'REINSTATE') after = { ...current, withdrawn: false };
    else {
      if (!input.field) throw badUserInput('请给出要变更的事项（field）', 'give the facts to change (field)', { argument: 'field' });
      after = nextFieldFacts(current, input.field);
    }
    before.fields[coordinate] = current;
    proposed.fields[coordinate] = after;
    changes.push(...fieldChanges(coordinate, current, after));
  } else {
    dataset = [...declared.datasets.values()].find((d) => d.code === code);
    const current = dataset && entries.datasets[dataset.code];
    if (!dataset || !current) throw badUserInput(`目录中没有数据集${code}`, `${code} is not a catalogued dataset`, { argument: 'dataset' });
    if (input.field) throw badUserInput('数据集变更不能包含信息项事项', 'a dataset change cannot carry field facts', { argument: 'field' });
    let after: DatasetRecordFacts;
    if (input.kind === 'WITHDRAW') after = { ...current, withdrawn: true };
    else if (input.kind === 'REINSTATE') after = { ...current, withdrawn: false };
    else {
      if (!input.datasetFacts) throw badUserInput('请给出要变更的事项（datasetFacts）', 'give the facts to change (datasetFacts)', { argument: 'datasetFacts' });
      after = nextDatasetFacts(current, input.datasetFacts);
    }
    before.datasets[dataset.code] = current;
    proposed.datasets[dataset.code] = after;
    changes.push(...datasetChanges(dataset.code, current, after));
  }
  if (changes.length === 0) throw badUserInput('提议的事项与目录现状相同', 'the proposal changes nothing in the catalog in force', { code: 'NO_CHANGE' });

  if (widensFromNone(changes) && !input.wideningGround) {
    throw ruleError('WIDENING_GROUND_REQUIRED',
      '不予共享或不予开放的数据须经依法脱敏脱密处理或经相关权利人同意方可变更为共享或开放，请说明依据（wideningGround）',
      'data not shared or not open may become shared or open only once desensitised or with the right holders\' consent: state which (wideningGround) (Ganzi Art.16, 24)');
  }
  checkProposed(declared, entries, { coordinate, dataset: dataset.code }, proposed, maskSettings, now);
  return { coordinate, dataset, before, proposed, changes, direction: directionOf(changes) };
}

/** Throws the first rule the proposed entries would break (CATALOG_RULE_BROKEN with the rule's code, or MASK_UNSAFE). */
export function checkProposed(
  declared: Catalog,
  entries: CatalogEntries,
  target: { coordinate: string | null; dataset: string },
  proposed: PreparedChange['proposed'],
  maskSettings: MaskSettings,
  now: Date,
): Catalog {
  const next = applyEntries(declared, { fields: { ...entries.fields, ...proposed.fields }, datasets: { ...entries.datasets, ...proposed.datasets } });
  const touched = touchedCoordinates(declared, target.coordinate ? { coordinate: target.coordinate } : { dataset: target.dataset });
  const problems = problemsOf(declared, next, touched);
  if (problems.length) {
    const [first] = problems;
    throw new GraphQLError(first.message, { extensions: { code: 'CATALOG_RULE_BROKEN', rule: first.code, coordinate: first.coordinate, problems: problems.map((p) => ({ rule: p.code, coordinate: p.coordinate })) } });
  }
  const unsafe = checkMaskSettings(next, maskSettings, chinaDate(now)).unsafe;
  if (unsafe.length) {
    throw new GraphQLError(`${unsafe[0].zh} / ${unsafe[0].en}`, { extensions: { code: 'MASK_UNSAFE', coordinates: unsafe.map((a) => a.coordinate) } });
  }
  return next;
}
