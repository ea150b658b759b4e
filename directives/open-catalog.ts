// 开放目录 — the open catalog, apart from the sharing catalog (Yunnan Art.33–34, Kunming Art.20–21):
// only datasets with a field open to the public (open attribute UNCONDITIONAL or CONDITIONAL), and
// within them only those fields, with their condition. Art.33 ¶3 (Kunming Art.20 ¶3) says what it
// marks: name, the opening party (提供方), open attribute, data format, data type, update frequency.
// Its two published forms are DCAT-AP style JSON-LD and CSV, the files an open-data portal
// harvests. Pure: catalog in, documents out.
import type { Catalog } from './catalog';
import type { OpenAttribute } from './vocabulary';

export interface OpenCatalogField {
  coordinate: string;
  name: string;
  description: string | null;
  /** 数据类型: the GraphQL type of its values (String, LicenceType, …). */
  dataType: string;
  open: Exclude<OpenAttribute, 'NONE'>;
  condition: string | null;
}

export interface OpenCatalogDataset {
  code: string;
  name: string;
  description: string | null;
  provider: string;
  providerCode: string;
  updateFrequency: string;
  resourceKind: string;
  fields: OpenCatalogField[];
  /** Root fields (listings, lookups) open to the public that return this dataset's records. */
  queries: string[];
}

const isOpen = (attribute: OpenAttribute | undefined): attribute is Exclude<OpenAttribute, 'NONE'> => attribute === 'UNCONDITIONAL' || attribute === 'CONDITIONAL';

/**
 * A dataset is in the open catalog when one of its own fields is open. Root fields do not count: an
 * open verification (Query.verifyPersonIdentity answers MATCH / NO_MATCH) opens no Person data.
 */
export function openCatalog(catalog: Catalog, suspended: ReadonlySet<string> = new Set()): OpenCatalogDataset[] {
  // Withdrawn fields and datasets are not in the catalog; a dataset suspended for opening is not open now.
  const fields = [...catalog.fields.values()].filter((f) => !f.withdrawn);
  return [...catalog.datasets.values()]
    .filter((d) => !d.withdrawn && !suspended.has(d.code))
    .map((d) => ({
      code: d.code,
      name: d.name,
      description: d.description ?? null,
      provider: d.provider,
      providerCode: d.providerCode,
      updateFrequency: d.updateFrequency,
      resourceKind: d.resourceKind,
      fields: fields
        .filter((f) => f.typeName === d.typeName && isOpen(f.open?.attribute))
        .map((f) => ({ coordinate: f.coordinate, name: f.fieldName, description: f.description ?? null, dataType: f.returnType, open: f.open!.attribute as OpenCatalogField['open'], condition: f.open!.condition ?? null })),
      queries: fields.filter((f) => !f.platform && isOpen(f.open?.attribute) && catalog.rootDatasets.get(f.coordinate) === d).map((f) => f.coordinate),
    }))
    .filter((d) => d.fields.length > 0);
}

/** 数据格式: every open dataset is served the same way, as JSON from the GraphQL endpoint. */
const FORMAT = { zh: 'JSON（GraphQL接口）', mediaType: 'application/graphql-response+json' };

const OPEN_ZH: Record<OpenCatalogField['open'], string> = { UNCONDITIONAL: '无条件开放', CONDITIONAL: '有条件开放' };

function csvCell(value: string | null): string {
  const text = value ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per open 信息项, the column names of 政务信息资源目录编制指南; no BOM (see OPEN_CATALOG_CSV_BOM). */
export function openCatalogCsv(datasets: OpenCatalogDataset[]): string {
  const header = ['信息资源代码', '信息资源名称', '提供方', '提供方代码', '信息项', '信息项描述', '数据类型', '开放属性', '开放条件', '数据格式', '更新周期'];
  const rows = datasets.flatMap((d) =>
    d.fields.map((f) => [d.code, d.name, d.provider, d.providerCode, f.coordinate, f.description, f.dataType, OPEN_ZH[f.open], f.condition, FORMAT.zh, d.updateFrequency]),
  );
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Spreadsheet programs read a CSV file as UTF-8 (and so the Chinese) only when it starts with this. */
export const OPEN_CATALOG_CSV_BOM = '\uFEFF';

/** DCAT (W3C Data Catalog Vocabulary, DCAT-AP style) as JSON-LD: a dcat:Catalog of the open datasets. */
export function openCatalogJsonLd(datasets: OpenCatalogDataset[], options: { baseUrl: string; modified: Date }): string {
  const { baseUrl } = options;
  const modified = options.modified.toISOString();
  const zh = (value: string) => ({ '@language': 'zh', '@value': value });
  return JSON.stringify(
    {
      '@context': {
        dcat: 'http://www.w3.org/ns/dcat#',
        dct: 'http://purl.org/dc/terms/',
        foaf: 'http://xmlns.com/foaf/0.1/',
        xsd: 'http://www.w3.org/2001/XMLSchema#',
        pd: `${baseUrl}/ns/policy#`,
        'dct:modified': { '@type': 'xsd:dateTime' },
      },
      '@id': `${baseUrl}/catalog.jsonld`,
      '@type': 'dcat:Catalog',
      'dct:title': zh('公共数据开放目录'),
      'dct:description': zh('向社会开放的公共数据资源及其开放属性、开放条件（无条件开放可直接获取，有条件开放须申请）'),
      'dct:modified': modified,
      'dcat:dataset': datasets.map((d) => ({
        '@id': `${baseUrl}/catalog/${d.code}`,
        '@type': 'dcat:Dataset',
        'dct:identifier': d.code,
        'dct:title': zh(d.name),
        ...(d.description ? { 'dct:description': zh(d.description) } : {}),
        'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': d.provider, 'dct:identifier': d.providerCode },
        'dct:accrualPeriodicity': d.updateFrequency,
        'dct:modified': modified,
        'dcat:keyword': [d.resourceKind],
        'pd:fields': d.fields.map((f) => ({
          'pd:coordinate': f.coordinate,
          ...(f.description ? { 'dct:description': zh(f.description) } : {}),
          'pd:dataType': f.dataType,
          'pd:open': f.open,
          ...(f.condition ? { 'pd:openCondition': f.condition } : {}),
        })),
        'dcat:distribution': {
          '@type': 'dcat:Distribution',
          'dcat:accessURL': { '@id': `${baseUrl}/graphql` },
          'dct:format': FORMAT.zh,
          'dcat:mediaType': FORMAT.mediaType,
          ...(d.queries.length ? { 'pd:queries': d.queries } : {}),
        },
      })),
    },
    null,
    2,
  );
}
