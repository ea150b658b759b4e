// 目录: every catalogued dataset with its facts, open to every caller (Yunnan Art.13: published and
// queryable by every user), filterable, and exportable as CSV or DCAT JSON-LD for open-data portals.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Catalog } from '../../directives/catalog';

export interface CatalogDatasetView {
  code: string;
  name: string;
  typeName: string;
  provider: string;
  providerCode: string;
  updateFrequency: string;
  resourceKind: string;
  level: string;
  fields: {
    coordinate: string;
    name: string;
    share: string;
    shareCondition: string | null;
    legalBasis: string | null;
    open: string;
    openCondition: string | null;
    mask: string | null;
    level: string | null;
    /** Who approves applications for the field: its dataset's provider (root fields: the dataset they return). */
    provider: string;
    providerCode: string;
  }[];
}

export function catalogView(catalog: Catalog): CatalogDatasetView[] {
  return [...catalog.datasets.values()].map((d) => ({
    ...d,
    level: d.level,
    fields: [...catalog.fields.values()]
      // The dataset's own fields, then the root fields (listings, lookups) approved as part of it.
      .filter((f) => (f.share || f.open) && (f.typeName === d.typeName || catalog.rootDatasets.get(f.coordinate) === d))
      .map((f) => ({
        coordinate: f.coordinate,
        name: f.fieldName,
        share: f.share?.attribute ?? 'NONE',
        shareCondition: f.share?.condition ?? null,
        legalBasis: f.share?.legalBasis ?? null,
        open: f.open?.attribute ?? 'NONE',
        openCondition: f.open?.condition ?? null,
        mask: f.mask ?? null,
        level: f.level ?? null,
        provider: d.provider,
        providerCode: d.providerCode,
      })),
  }));
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per 信息项, with the column names of 政务信息资源目录编制指南. */
export function catalogCsv(datasets: CatalogDatasetView[]): string {
  const header = ['信息资源代码', '信息资源名称', '提供方', '提供方代码', '更新周期', '资源属性', '分级', '信息项', '共享类型', '共享条件', '不予共享依据', '开放属性', '开放条件', '脱敏方式'];
  const rows = datasets.flatMap((d) =>
    d.fields.map((f) => [d.code, d.name, d.provider, d.providerCode, d.updateFrequency, d.resourceKind, f.level ?? d.level, f.coordinate, f.share, f.shareCondition, f.legalBasis, f.open, f.openCondition, f.mask]),
  );
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** DCAT (W3C Data Catalog Vocabulary) as JSON-LD: datasets that are open at all, for portals. */
export function catalogDcat(datasets: CatalogDatasetView[], baseUrl: string): string {
  const graph = datasets.map((d) => ({
    '@id': `${baseUrl}/catalog/${d.code}`,
    '@type': 'dcat:Dataset',
    'dct:identifier': d.code,
    'dct:title': { '@language': 'zh', '@value': d.name },
    'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': d.provider, 'dct:identifier': d.providerCode },
    'dct:accrualPeriodicity': d.updateFrequency,
    'dcat:keyword': [d.resourceKind, d.level],
    'pd:fields': d.fields.map((f) => ({ 'pd:coordinate': f.coordinate, 'pd:share': f.share, 'pd:open': f.open, ...(f.openCondition ? { 'pd:openCondition': f.openCondition } : {}) })),
    'dcat:distribution': {
      '@type': 'dcat:Distribution',
      'dcat:accessURL': { '@id': `${baseUrl}/graphql` },
      'dct:format': 'application/graphql-response+json',
    },
  }));
  return JSON.stringify(
    {
      '@context': { dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/', foaf: 'http://xmlns.com/foaf/0.1/', pd: `${baseUrl}/ns/policy#` },
      '@id': `${baseUrl}/catalog`,
      '@type': 'dcat:Catalog',
      'dcat:dataset': graph,
    },
    null,
    2,
  );
}

interface CatalogFilter {
  provider?: string;
  share?: string;
  open?: string;
  level?: string;
  dataset?: string;
}

export function catalogResolvers(catalog: Catalog, baseUrl: string): GraphQLResolverMap<unknown> {
  const all = catalogView(catalog);
  return {
    Query: {
      catalog: (_: unknown, filter: CatalogFilter) =>
        all
          .filter((d) => !filter.provider || d.providerCode === filter.provider || d.provider === filter.provider)
          .filter((d) => !filter.dataset || d.code === filter.dataset)
          .filter((d) => !filter.level || d.level === filter.level)
          .map((d) => ({ ...d, fields: d.fields.filter((f) => (!filter.share || f.share === filter.share) && (!filter.open || f.open === filter.open)) }))
          .filter((d) => d.fields.length > 0),
      catalogExport: (_: unknown, args: { format: 'CSV' | 'DCAT_JSONLD' }) => (args.format === 'CSV' ? catalogCsv(all) : catalogDcat(all, baseUrl)),
    },
  };
}
