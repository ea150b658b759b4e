// The open catalog (开放目录) apart from the sharing catalog, as an open-data portal harvests it: plain
// HTTP GETs to a running channel, no credentials. Yunnan Art.33–34 and Kunming Art.20–21: an open
// catalog marking name, opening party, open attribute, format, type and update frequency (Art.33 ¶3,
// Kunming Art.20 ¶3), published on the platform and adjusted yearly (¶4), of the data opened after
// review (Art.34, Kunming Art.21). Person (人口基础信息), open in none of its fields, is not in it,
// while it stays in the sharing catalog.
import { Credentials } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';

const PUBLIC_BASE_URL = 'https://data.example.yn.gov.cn';
const PERSON = '530000-GA-0001';
const LICENCE = '530000-ZW-0001';
const LEGAL_ENTITY = '530000-SJ-0001';

/** RFC 4180: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += c;
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || row.length) throw new Error('last row not ended by CRLF');
  return rows;
}

describe('open catalog at stable URLs (Yunnan Art.33–34, Kunming Art.20–21)', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    stack = await startStack({ DATA_SCALE: TEST_SCALE, PUBLIC_BASE_URL, ...credentials.env() });
    base = stack.gatewayUrl.replace(/\/graphql$/, '');
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('GET /catalog.jsonld (Yunnan Art.33 ¶3, Art.34; Kunming Art.20 ¶3, Art.21): a dcat:Catalog without Person, and an open dataset with only its open fields, marked with name, provider, open attribute, format, type, frequency', async () => {
    // No Authorization header, no API key: an open-data portal harvests anonymously.
    const response = await fetch(`${base}/catalog.jsonld`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const text = await response.text();
    const catalog = JSON.parse(text);
    expect(catalog['@type']).toBe('dcat:Catalog');
    expect(catalog['@id']).toBe(`${PUBLIC_BASE_URL}/catalog.jsonld`);
    expect(new Date(catalog['dct:modified']).getTime()).not.toBeNaN();

    const codes = catalog['dcat:dataset'].map((d: any) => d['dct:identifier']);
    expect(codes.sort()).toEqual([LEGAL_ENTITY, LICENCE]);
    // Person (不予开放 in every field) is nowhere in the document, not even through a field of another dataset.
    expect(text).not.toContain(PERSON);
    expect(text).not.toContain('人口基础信息');
    expect(text).not.toMatch(/"Person\./);

    const licence = catalog['dcat:dataset'].find((d: any) => d['dct:identifier'] === LICENCE);
    expect(licence).toMatchObject({
      '@type': 'dcat:Dataset',
      'dct:title': { '@value': '电子证照信息' },
      'dct:publisher': { 'foaf:name': '云南省政务服务管理局', 'dct:identifier': '1153000001520003XW' },
      'dct:accrualPeriodicity': '实时',
      'dcat:distribution': { 'dcat:accessURL': { '@id': `${PUBLIC_BASE_URL}/graphql` }, 'dct:format': 'JSON（GraphQL接口）' },
    });
    expect(new Date(licence['dct:modified']).getTime()).not.toBeNaN();
    // Licence.number, .holder and .divisionCode are shared with institutions but not open: absent.
    expect(licence['pd:fields'].map((f: any) => f['pd:coordinate']).sort()).toEqual([
      'Licence.issuedOn',
      'Licence.issuingAuthority',
      'Licence.status',
      'Licence.type',
      'Licence.validUntil',
    ]);
    for (const field of licence['pd:fields']) {
      expect(field['pd:dataType']).toEqual(expect.any(String));
      expect(field['pd:open']).toBe('CONDITIONAL');
      expect(field['pd:openCondition']).toContain('开放利用协议');
    }
    // The listings that lead to open data are named; Query.licence (not open) is not.
    const legalEntity = catalog['dcat:dataset'].find((d: any) => d['dct:identifier'] === LEGAL_ENTITY);
    expect(legalEntity['dcat:distribution']['pd:queries']).toEqual(expect.arrayContaining(['Query.legalEntity', 'Query.legalEntitiesByDivision']));
    expect(text).not.toContain('"Query.licence"');
  });

  it('GET /catalog.csv (Kunming Art.20 ¶3, Art.21; Yunnan Art.33 ¶3, Art.34): UTF-8 with a BOM so spreadsheets read the Chinese, one row per open field, no Person row', async () => {
    const response = await fetch(`${base}/catalog.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(header).toEqual(['信息资源代码', '信息资源名称', '提供方', '提供方代码', '信息项', '信息项描述', '数据类型', '开放属性', '开放条件', '数据格式', '更新周期']);
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(rows.filter((r) => r[0] === PERSON || r[4].startsWith('Person.'))).toEqual([]);

    const licenceRows = rows.filter((r) => r[0] === LICENCE);
    expect(licenceRows.map((r) => r[4]).sort()).toEqual(['Licence.issuedOn', 'Licence.issuingAuthority', 'Licence.status', 'Licence.type', 'Licence.validUntil']);
    expect(licenceRows.find((r) => r[4] === 'Licence.type')).toEqual([
      LICENCE,
      '电子证照信息',
      '云南省政务服务管理局',
      '1153000001520003XW',
      'Licence.type',
      expect.any(String),
      'LicenceType',
      '有条件开放',
      '签署开放利用协议与安全承诺书后开放（证照有效性核验类应用）',
      'JSON（GraphQL接口）',
      '实时',
    ]);
    const legalEntityName = rows.find((r) => r[4] === 'LegalEntity.name');
    expect(legalEntityName).toMatchObject({ 0: LEGAL_ENTITY, 6: 'String', 7: '无条件开放', 8: '', 10: '实时' });
  });

  it('serves a harvester at stable URLs, 304 on a matching ETag, HEAD without a body (Yunnan Art.33 ¶4, Kunming Art.20 ¶4: published on the platform, adjusted yearly)', async () => {
    for (const path of ['/catalog.jsonld', '/catalog.csv']) {
      const first = await fetch(`${base}${path}`);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[^"]+"$/);
      expect(first.headers.get('last-modified')).toBeTruthy();
      const again = await fetch(`${base}${path}`, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      const stale = await fetch(`${base}${path}`, { headers: { 'if-none-match': '"another-version"' } });
      expect(stale.status).toBe(200);
      const head = await fetch(`${base}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toBe(etag);
    }
  });

  it('catalogExport gives the same open catalog through GraphQL, while the sharing catalog still lists Person (Yunnan Art.33 open catalog vs the Art.13 catalog)', async () => {
    const exported: any = await graphql(stack.gatewayUrl, '{ dcat: catalogExport(format: DCAT_JSONLD) csv: catalogExport(format: CSV) }');
    expect(exported.errors).toBeUndefined();
    const dcat = JSON.parse(exported.data.dcat);
    expect(dcat['dcat:dataset'].map((d: any) => d['dct:identifier']).sort()).toEqual([LEGAL_ENTITY, LICENCE]);
    const served = await (await fetch(`${base}/catalog.csv`)).text();
    expect(exported.data.csv).toBe(served.replace(/^\uFEFF/, ''));

    const sharing: any = await graphql(stack.gatewayUrl, `{ catalog(dataset: "${PERSON}") { code fields { coordinate share open } } }`);
    expect(sharing.errors).toBeUndefined();
    expect(sharing.data.catalog).toEqual([expect.objectContaining({ code: PERSON, fields: expect.arrayContaining([{ coordinate: 'Person.gender', share: 'UNCONDITIONAL', open: 'NONE' }]) })]);
  });
});
