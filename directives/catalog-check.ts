// Compose-time checks of the declared catalog (npm run compose fails on any): a catalogued type's
// fields all carry a share and an open attribute; refusals cite their legal basis (Yunnan Art.27);
// conditions are stated; masks apply only to text. Messages name the coordinate and the fix.
import { maskable, type Catalog } from './catalog';
import type { FieldPolicy } from './vocabulary';

export interface CatalogProblem {
  coordinate: string;
  message: string;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Fields that must be declared: every field of a dataset or root type, and every leaf elsewhere. */
function mustDeclare(policy: FieldPolicy): boolean {
  if (policy.platform) return false;
  return policy.dataset !== undefined || ROOT_TYPES.has(policy.typeName) || !policy.composite;
}

export function checkCatalog(catalog: Catalog): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const report = (coordinate: string, message: string) => problems.push({ coordinate, message });
  for (const policy of catalog.fields.values()) {
    const { coordinate, share, open } = policy;
    if (mustDeclare(policy)) {
      if (!share) report(coordinate, `${coordinate} has no @share: declare its share attribute (共享属性)`);
      if (!open) report(coordinate, `${coordinate} has no @open: declare its open attribute (开放属性)`);
    }
    if (share?.attribute === 'NONE' && !share.legalBasis?.trim()) {
      report(coordinate, `${coordinate} is @share(attribute: NONE) without legalBasis: a refusal to share must cite a law, regulation or State Council policy (不予共享须有法律依据, Yunnan Art.27)`);
    }
    if (share?.attribute === 'CONDITIONAL' && !share.condition?.trim()) {
      report(coordinate, `${coordinate} is @share(attribute: CONDITIONAL) without condition: state the sharing condition (共享条件)`);
    }
    if (open?.attribute === 'CONDITIONAL' && !open.condition?.trim()) {
      report(coordinate, `${coordinate} is @open(attribute: CONDITIONAL) without condition: state the opening condition (开放条件)`);
    }
    if (policy.platform && (policy.dataset || share || open)) {
      report(coordinate, `${coordinate} is @platform but also catalogued data: platform operations carry no share/open attribute and belong to no dataset`);
    }
    if (policy.mask && !maskable(policy)) {
      report(coordinate, `${coordinate} has @mask but returns ${policy.returnType}: masks apply to String and ID fields only`);
    }
  }
  return problems;
}
