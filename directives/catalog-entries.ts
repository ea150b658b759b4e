// The catalog as managed data: what the platform's database says about each dataset and field, and
// how it overrides what the SDL declared. The SDL says what can exist (types, fields, providers) and
// gives the initial values; at run time the entries are the truth. Pure: entries in, Catalog out.
import type { Catalog } from './catalog';
import { DATA_LEVELS, type DataLevel, type DatasetFacts, type FieldPolicy, type MaskStrategy, type OpenDeclaration, type ShareDeclaration } from './vocabulary';

/** What may change about a field at run time. */
export interface FieldFacts {
  share: ShareDeclaration;
  open: OpenDeclaration;
  mask: MaskStrategy | null;
  /** The field's own level; null: its dataset's. */
  level: DataLevel | null;
  /** 目录撤销: withdrawn from the catalog, denied to everyone. */
  withdrawn: boolean;
}

/**
 * What may change about a dataset at run time: the catalog items of Yunnan Art.13 / Kunming Art.12
 * and 政务信息资源目录编制指南 beyond the SDL's (code, provider and records type stay the SDL's).
 */
export interface DatasetRecordFacts {
  /** 信息资源名称 */
  name: string;
  /** 摘要 */
  summary: string;
  /** 数据形式 / 格式 */
  format: string;
  /** 更新周期 */
  updateFrequency: string;
  /** 资源属性 (基础/主题/部门) */
  resourceKind: string;
  /** 分级 (GB/T 43697-2024) */
  level: DataLevel;
  /** 共享范围 */
  shareScope: string;
  /** 共享方式 */
  shareMethod: string;
  /** 使用要求 */
  usageRequirements: string;
  /** 收集部门 */
  collectingDepartment: string;
  /** 核准部门 */
  approvingDepartment: string;
  /** 发布日期 (YYYY-MM-DD) */
  releaseDate: string;
  /** 涉密属性: public data on this platform is never classified (涉密数据不得通过平台共享). */
  secrecy: string;
  /** 统一赋码: the code the national registration platform gives a registered resource; '' until registered. */
  unifiedCode: string;
  withdrawn: boolean;
}

export interface CatalogEntries {
  /** Bumped by every change of the entries. */
  version: string;
  /** When an entry last changed (ISO time). */
  modified?: string;
  datasets: Record<string, DatasetRecordFacts>;
  fields: Record<string, FieldFacts>;
}

export const DATASET_TEXT_FACTS = [
  'name', 'summary', 'format', 'updateFrequency', 'resourceKind', 'shareScope', 'shareMethod', 'usageRequirements',
  'collectingDepartment', 'approvingDepartment', 'releaseDate', 'secrecy', 'unifiedCode',
] as const satisfies readonly (keyof DatasetRecordFacts)[];

/** Whether a field is catalogued data (has share / open attributes), not a navigation or platform field. */
export function catalogued(policy: FieldPolicy): boolean {
  return !policy.platform && (policy.share !== undefined || policy.open !== undefined);
}

export function fieldFactsOf(policy: FieldPolicy): FieldFacts {
  return {
    share: { ...(policy.share ?? { attribute: 'NONE' }) },
    open: { ...(policy.open ?? { attribute: 'NONE' }) },
    mask: policy.mask ?? null,
    level: policy.declaredLevel ?? null,
    withdrawn: policy.withdrawn ?? false,
  };
}

export function datasetFactsOf(dataset: DatasetFacts, releaseDate: string): DatasetRecordFacts {
  return {
    name: dataset.name,
    summary: dataset.summary ?? dataset.description ?? '',
    format: dataset.format ?? 'JSON（GraphQL接口）',
    updateFrequency: dataset.updateFrequency,
    resourceKind: dataset.resourceKind,
    level: dataset.level,
    shareScope: dataset.shareScope ?? '全省公共机构（按场景授权）',
    shareMethod: dataset.shareMethod ?? '接口调用（GraphQL查询通道）',
    usageRequirements: dataset.usageRequirements ?? '限于申请场景的履职用途，不得超范围使用或向第三方提供',
    collectingDepartment: dataset.collectingDepartment ?? dataset.provider,
    approvingDepartment: dataset.approvingDepartment ?? dataset.provider,
    releaseDate: dataset.releaseDate ?? releaseDate,
    secrecy: dataset.secrecy ?? '非涉密',
    unifiedCode: dataset.unifiedCode ?? '',
    withdrawn: dataset.withdrawn ?? false,
  };
}

/** The entries the SDL's declarations make: the initial catalog of a new platform database. */
export function initialEntries(catalog: Catalog, releaseDate: string): Omit<CatalogEntries, 'version'> {
  const datasets: Record<string, DatasetRecordFacts> = {};
  for (const d of catalog.datasets.values()) datasets[d.code] = datasetFactsOf(d, releaseDate);
  const fields: Record<string, FieldFacts> = {};
  for (const policy of catalog.fields.values()) if (catalogued(policy)) fields[policy.coordinate] = fieldFactsOf(policy);
  return { datasets, fields };
}

function higherLevel(a: DataLevel | null | undefined, b: DataLevel | undefined): DataLevel | undefined {
  if (!a) return b;
  if (!b) return a;
  return DATA_LEVELS.indexOf(a) >= DATA_LEVELS.indexOf(b) ? a : b;
}

/**
 * The SDL's catalog with the entries applied. Fields and datasets the entries do not mention keep
 * their declared facts; entries for coordinates the SDL does not have are ignored (the SDL says what
 * can exist). A withdrawn dataset withdraws its fields.
 */
export function applyEntries(base: Catalog, entries: Pick<CatalogEntries, 'datasets' | 'fields'>): Catalog {
  const datasets = new Map<string, DatasetFacts>();
  const byOld = new Map<DatasetFacts, DatasetFacts>();
  for (const [typeName, d] of base.datasets) {
    const facts = entries.datasets[d.code];
    const next: DatasetFacts = facts ? { ...d, ...facts, description: d.description } : d;
    datasets.set(typeName, next);
    byOld.set(d, next);
  }
  const fields = new Map<string, FieldPolicy>();
  for (const [coordinate, policy] of base.fields) {
    const dataset = policy.dataset && byOld.get(policy.dataset);
    const facts = catalogued(policy) ? entries.fields[coordinate] : undefined;
    const next: FieldPolicy = { ...policy, dataset };
    if (facts) {
      next.share = facts.share;
      next.open = facts.open;
      next.mask = facts.mask ?? undefined;
      next.declaredLevel = facts.level ?? undefined;
      next.withdrawn = facts.withdrawn;
    }
    next.level = higherLevel(next.declaredLevel, dataset?.level);
    if (dataset?.withdrawn && catalogued(policy)) next.withdrawn = true;
    fields.set(coordinate, next);
  }
  const rootDatasets = new Map<string, DatasetFacts>();
  for (const [coordinate, d] of base.rootDatasets) rootDatasets.set(coordinate, byOld.get(d) ?? d);
  // A root field that returns a withdrawn dataset's records is withdrawn with it.
  for (const [coordinate, d] of rootDatasets) {
    const policy = fields.get(coordinate);
    if (policy && d.withdrawn && catalogued(policy)) fields.set(coordinate, { ...policy, withdrawn: true });
  }
  return { fields, datasets, rootDatasets, hasVocabulary: base.hasVocabulary };
}
