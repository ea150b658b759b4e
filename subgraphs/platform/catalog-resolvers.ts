// 目录: every catalogued dataset with its facts, open to every caller (Yunnan Art.13: published and
// queryable by every user), filterable. Its export for open-data portals (CSV or DCAT JSON-LD) is
// the open catalog only (Yunnan Art.33–34, Kunming Art.20–21): what is not open is not in it.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Catalog } from '../../directives/catalog';
import { openCatalog, openCatalogCsv, openCatalogJsonLd } from '../../directives/open-catalog';

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

interface CatalogFilter {
  provider?: string;
  share?: string;
  open?: string;
  level?: string;
  dataset?: string;
}

export function catalogResolvers(catalog: Catalog, published: { baseUrl: string; modified: Date }): GraphQLResolverMap<unknown> {
  const all = catalogView(catalog);
  const open = openCatalog(catalog);
  return {
    Query: {
      catalog: (_: unknown, filter: CatalogFilter) =>
        all
          .filter((d) => !filter.provider || d.providerCode === filter.provider || d.provider === filter.provider)
          .filter((d) => !filter.dataset || d.code === filter.dataset)
          .filter((d) => !filter.level || d.level === filter.level)
          .map((d) => ({ ...d, fields: d.fields.filter((f) => (!filter.share || f.share === filter.share) && (!filter.open || f.open === filter.open)) }))
          .filter((d) => d.fields.length > 0),
      // The same documents as the gateway's GET /catalog.csv (there with a BOM) and GET /catalog.jsonld.
      catalogExport: (_: unknown, args: { format: 'CSV' | 'DCAT_JSONLD' }) => (args.format === 'CSV' ? openCatalogCsv(open) : openCatalogJsonLd(open, published)),
    },
  };
}
