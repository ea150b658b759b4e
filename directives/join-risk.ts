// Which datasets' personal data a set of fields reaches, so a grant that would join personal data of
// two or more datasets can be held for a risk assessment (Yunnan Art.44: 因数据汇聚、关联分析等原因，
// 可能产生涉密、敏感数据的，应当进行安全评估; Kunming Art.27 ¶3: 数据关联汇聚风险识别和管控). Pure.
import { approvingDataset, type Catalog } from './catalog';

/**
 * A field is personal data when its records are about persons (a dataset whose subject key is an
 * identity number), when the catalog masks it (masks are for personal information, REQUIREMENTS §7),
 * or when it leads to a person's record.
 */
export function isPersonalField(catalog: Catalog, coordinate: string): boolean {
  const policy = catalog.fields.get(coordinate);
  if (!policy || policy.platform) return false;
  return policy.mask !== undefined || policy.dataset?.subjectKey === 'idNumber' || policy.returnType === 'Person';
}

/** Dataset code → name of the datasets whose personal data `coordinates` reach (by the dataset approving each field). */
export function personalDatasets(catalog: Catalog, coordinates: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const coordinate of coordinates) {
    if (!isPersonalField(catalog, coordinate)) continue;
    const dataset = approvingDataset(catalog, coordinate);
    if (dataset) found.set(dataset.code, dataset.name);
  }
  return found;
}
