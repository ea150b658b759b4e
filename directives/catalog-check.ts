// Compose-time checks of the declared catalog (npm run compose fails on any): a catalogued type's
// fields all carry a share and an open attribute; refusals cite their legal basis (Yunnan Art.27);
// conditions are stated; masks apply only to text; levels act (GB/T 43697-2024: IMPORTANT and CORE data
// are never open, a field is never graded below its dataset). Messages name the coordinate and the fix;
// each problem carries a code a program can act on.
import { maskable, type Catalog } from './catalog';
import { isImportantOrCore } from './levels';
import { DATA_LEVELS, type DataLevel, type FieldPolicy } from './vocabulary';

export type CatalogProblemCode =
  | 'SHARE_MISSING'
  | 'OPEN_MISSING'
  | 'SHARE_NONE_WITHOUT_LEGAL_BASIS'
  | 'SHARE_CONDITION_MISSING'
  | 'OPEN_CONDITION_MISSING'
  | 'PLATFORM_CATALOGUED'
  | 'MASK_NOT_TEXT'
  | 'LEVEL_FORBIDS_OPEN'
  | 'LEVEL_BELOW_DATASET';

export interface CatalogProblem {
  code: CatalogProblemCode;
  coordinate: string;
  message: string;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);


const rank = (level: DataLevel) => DATA_LEVELS.indexOf(level);

/** Fields that must be declared: every field of a dataset or root type, and every leaf elsewhere. */
function mustDeclare(policy: FieldPolicy): boolean {
  if (policy.platform) return false;
  return policy.dataset !== undefined || ROOT_TYPES.has(policy.typeName) || !policy.composite;
}

export function checkCatalog(catalog: Catalog): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const report = (code: CatalogProblemCode, coordinate: string, message: string) => problems.push({ code, coordinate, message });
  for (const policy of catalog.fields.values()) {
    const { coordinate, share, open } = policy;
    if (mustDeclare(policy)) {
      if (!share) report('SHARE_MISSING', coordinate, `${coordinate} has no @share: declare its share attribute (共享属性)`);
      if (!open) report('OPEN_MISSING', coordinate, `${coordinate} has no @open: declare its open attribute (开放属性)`);
    }
    if (share?.attribute === 'NONE' && !share.legalBasis?.trim()) {
      report('SHARE_NONE_WITHOUT_LEGAL_BASIS', coordinate, `${coordinate} is @share(attribute: NONE) without legalBasis: a refusal to share must cite a law, regulation or State Council policy (不予共享须有法律依据, Yunnan Art.27)`);
    }
    if (share?.attribute === 'CONDITIONAL' && !share.condition?.trim()) {
      report('SHARE_CONDITION_MISSING', coordinate, `${coordinate} is @share(attribute: CONDITIONAL) without condition: state the sharing condition (共享条件)`);
    }
    if (open?.attribute === 'CONDITIONAL' && !open.condition?.trim()) {
      report('OPEN_CONDITION_MISSING', coordinate, `${coordinate} is @open(attribute: CONDITIONAL) without condition: state the opening condition (开放条件)`);
    }
    if (policy.platform && (policy.dataset || share || open)) {
      report('PLATFORM_CATALOGUED', coordinate, `${coordinate} is @platform but also catalogued data: platform operations carry no share/open attribute and belong to no dataset`);
    }
    if (policy.mask && !maskable(policy)) {
      report('MASK_NOT_TEXT', coordinate, `${coordinate} has @mask but returns ${policy.returnType}: masks apply to String and ID fields only`);
    }
    checkLevel(policy, report);
  }
  return problems;
}

function checkLevel(policy: FieldPolicy, report: (code: CatalogProblemCode, coordinate: string, message: string) => void): void {
  const { coordinate, open, level, declaredLevel, dataset } = policy;
  if (level && isImportantOrCore(level) && open && open.attribute !== 'NONE') {
    const fromDataset = declaredLevel !== level && dataset;
    report('LEVEL_FORBIDS_OPEN', coordinate,
      `${coordinate}为${level}级${fromDataset ? `（所属数据集${fromDataset.name}的级别）` : ''}，重要数据和核心数据不予开放，应声明@open(attribute: NONE) / ` +
      `${coordinate} is ${level} data${fromDataset ? ` (the level of its dataset ${fromDataset.typeName})` : ''} and IMPORTANT and CORE ` +
      `data are never open: declare @open(attribute: NONE), not ${open.attribute} (GB/T 43697-2024; Ganzi Art.24-25)`);
  }
  if (declaredLevel && dataset && rank(declaredLevel) < rank(dataset.level)) {
    report('LEVEL_BELOW_DATASET', coordinate,
      `${coordinate}的级别${declaredLevel}低于所属数据集${dataset.name}的级别${dataset.level}，应就高从严 / ` +
      `${coordinate} is graded ${declaredLevel}, below its dataset ${dataset.typeName} (${dataset.level}): ` +
      `a field is never graded below its dataset (就高从严, GB/T 43697-2024); raise or remove the @level`);
  }
}
