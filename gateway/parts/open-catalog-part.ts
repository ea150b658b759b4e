// The open catalog at stable URLs an open-data portal harvests without credentials (Yunnan Art.33–34,
// Kunming Art.20–21): GET /catalog.jsonld (DCAT) and GET /catalog.csv (UTF-8 with a BOM). Both are
// made from the catalog in force (the platform's managed entries) without the datasets suspended
// for opening, once per catalog and suspension state; a plain federation gateway (POLICY=off)
// publishes its supergraph's declarations.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import { readCatalog } from '../../directives/catalog';
import { OPEN_CATALOG_CSV_BOM, openCatalog, openCatalogCsv, openCatalogJsonLd } from '../../directives/open-catalog';
import type { PlainResponse, PlainRoutes } from '../../lib/http/http-server';
import type { GatewayPart, PartContext } from './gateway-part';
import type { PolicyPart } from './policy-part';
import { PlatformUnavailable } from '../platform-client';
import type { Catalog } from '../../directives/catalog';

/** Portals may keep a copy for five minutes, then revalidate (ETag) — a catalog change shows within that. */
const CACHE_CONTROL = 'public, max-age=300';

function publishedDocument(body: string, contentType: string, modified: Date, extra: Record<string, string> = {}): (req: http.IncomingMessage) => PlainResponse {
  const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = {
    'content-type': contentType,
    etag,
    'last-modified': modified.toUTCString(),
    'cache-control': CACHE_CONTROL,
    // Public data, no credentials: a web page anywhere may read it.
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
    ...extra,
  };
  const bytes = Buffer.from(body, 'utf8');
  return (req) => {
    const known = (req.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (known.includes(etag) || known.includes('*')) return { status: 304, headers: { etag, 'cache-control': CACHE_CONTROL }, body: '' };
    return { status: 200, headers, body: bytes };
  };
}

interface Published {
  jsonld: (req: http.IncomingMessage) => PlainResponse;
  csv: (req: http.IncomingMessage) => PlainResponse;
}

function publish(catalog: Catalog, suspended: ReadonlySet<string>, baseUrl: string, modified: Date): Published {
  const datasets = openCatalog(catalog, suspended);
  return {
    jsonld: publishedDocument(openCatalogJsonLd(datasets, { baseUrl, modified }), 'application/ld+json; charset=utf-8', modified),
    csv: publishedDocument(OPEN_CATALOG_CSV_BOM + openCatalogCsv(datasets), 'text/csv; charset=utf-8; header=present', modified, {
      'content-disposition': 'inline; filename="catalog.csv"',
    }),
  };
}

const UNAVAILABLE: PlainResponse = {
  status: 503,
  headers: { 'content-type': 'application/json', 'retry-after': '5' },
  body: JSON.stringify({ error: 'CATALOG_UNAVAILABLE', message: '目录暂不可用，请稍后重试 / the catalog cannot be read right now, retry shortly' }),
};

/** Undefined when the supergraph declares no catalog (a plain federation gateway): nothing to publish. */
export function openCatalogPart({ settings, supergraphSdl }: PartContext, policy: PolicyPart | undefined): GatewayPart | undefined {
  const declared = readCatalog(supergraphSdl);
  if (!declared.hasVocabulary) return undefined;
  let documents: (() => Promise<Published>);
  if (!policy) {
    const fixed = publish(declared, new Set(), settings.publicBaseUrl, fs.statSync(settings.supergraphFile).mtime);
    documents = async () => fixed;
  } else {
    let made: { key: string; published: Published } | undefined;
    documents = async () => {
      const state = await policy.policySource.stateOf(undefined);
      const inForce = await policy.catalogSource.at(state.catalogVersion);
      const suspended = [...state.suspendedDatasets.open].sort();
      const key = `${inForce.version}|${suspended.join(',')}`;
      if (made?.key !== key) made = { key, published: publish(inForce.catalog, new Set(suspended), settings.publicBaseUrl, inForce.modified ?? fs.statSync(settings.supergraphFile).mtime) };
      return made.published;
    };
  }
  const serve = (which: keyof Published) => async (req: http.IncomingMessage): Promise<PlainResponse> => {
    try {
      return (await documents())[which](req);
    } catch (error) {
      if (error instanceof PlatformUnavailable) return UNAVAILABLE;
      throw error;
    }
  };
  const jsonld = serve('jsonld');
  const csv = serve('csv');
  const routes: PlainRoutes = { 'GET /catalog.jsonld': jsonld, 'HEAD /catalog.jsonld': jsonld, 'GET /catalog.csv': csv, 'HEAD /catalog.csv': csv };
  return { name: 'open-catalog', routes };
}
