// 目录: every catalogued dataset with its facts, open to every caller (Yunnan Art.13: published and
// queryable by every user), filterable. Its export for open-data portals (CSV or DCAT JSON-LD) is
// the open catalog only (Yunnan Art.33–34, Kunming Art.20–21): what is not open is not in it.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import type { Catalog } from '../../directives/catalog';
import { catalogued } from '../../directives/catalog-entries';
import { openCatalog, openCatalogCsv, openCatalogJsonLd } from '../../directives/open-catalog';
import type { LiveCatalog } from './catalog-store';

export interface CatalogDatasetView {
  code: string;
  name: string;
  typeName: string;
  provider: string;
  providerCode: string;
  updateFrequency: string;
  resourceKind: string;
  level: string;
  summary: string | null;
  format: string | null;
  shareScope: string | null;
  shareMethod: string | null;
  usageRequirements: string | null;
  collectingDepartment: string | null;
  approvingDepartment: string | null;
  releaseDate: string | null;
  secrecy: string | null;
  unifiedCode: string | null;
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

/** The catalog as published: withdrawn datasets and fields are not in it (目录撤销). */
export function catalogView(catalog: Catalog): CatalogDatasetView[] {
  return [...catalog.datasets.values()].filter((d) => !d.withdrawn).map((d) => ({
    ...d,
    level: d.level,
    summary: d.summary ?? d.description ?? null,
    format: d.format ?? null,
    shareScope: d.shareScope ?? null,
    shareMethod: d.shareMethod ?? null,
    usageRequirements: d.usageRequirements ?? null,
    collectingDepartment: d.collectingDepartment ?? null,
    approvingDepartment: d.approvingDepartment ?? null,
    releaseDate: d.releaseDate ?? null,
    secrecy: d.secrecy ?? null,
    unifiedCode: d.unifiedCode || null,
    fields: [...catalog.fields.values()]
      // The dataset's own fields, then the root fields (listings, lookups) approved as part of it.
      .filter((f) => catalogued(f) && !f.withdrawn && (f.typeName === d.typeName || catalog.rootDatasets.get(f.coordinate) === d))
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

export function catalogResolvers(live: LiveCatalog, published: { baseUrl: string }): GraphQLResolverMap<unknown> {
  // Views are made once per catalog version (the live catalog's maps change identity on a reload).
  let made: { fields: unknown; all: CatalogDatasetView[]; open: ReturnType<typeof openCatalog>; modified: Date } | undefined;
  const views = () => {
    const { catalog } = live;
    if (made?.fields !== catalog.fields) {
      const modified = live.entries().modified;
      made = { fields: catalog.fields, all: catalogView(catalog), open: openCatalog(catalog), modified: modified ? new Date(modified) : new Date() };
    }
    return made;
  };
  return {
    Query: {
      catalog: (_: unknown, filter: CatalogFilter) =>
        views().all
          .filter((d) => !filter.provider || d.providerCode === filter.provider || d.provider === filter.provider)
          .filter((d) => !filter.dataset || d.code === filter.dataset)
          .filter((d) => !filter.level || d.level === filter.level)
          .map((d) => ({ ...d, fields: d.fields.filter((f) => (!filter.share || f.share === filter.share) && (!filter.open || f.open === filter.open)) }))
          .filter((d) => d.fields.length > 0),
      // The same documents as the gateway's GET /catalog.csv (there with a BOM) and GET /catalog.jsonld.
      catalogExport: (_: unknown, args: { format: 'CSV' | 'DCAT_JSONLD' }) => {
        const { open, modified } = views();
        return args.format === 'CSV' ? openCatalogCsv(open) : openCatalogJsonLd(open, { ...published, modified });
      },
    },
  };
}
