// The open catalog at stable URLs an open-data portal harvests without credentials (Yunnan Art.33–34,
// Kunming Art.20–21): GET /catalog.jsonld (DCAT) and GET /catalog.csv (UTF-8 with a BOM). Both are
// made once, from the catalog in the supergraph this gateway serves: no platform call on a request.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import { readCatalog } from '../../directives/catalog';
import { OPEN_CATALOG_CSV_BOM, openCatalog, openCatalogCsv, openCatalogJsonLd } from '../../directives/open-catalog';
import type { PlainResponse, PlainRoutes } from '../../lib/http/http-server';
import type { GatewayPart, PartContext } from './gateway-part';

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

/** Undefined when the supergraph declares no catalog (a plain federation gateway): nothing to publish. */
export function openCatalogPart({ settings, supergraphSdl }: PartContext): GatewayPart | undefined {
  const catalog = readCatalog(supergraphSdl);
  if (!catalog.hasVocabulary) return undefined;
  const datasets = openCatalog(catalog);
  // The catalog changes with the supergraph it is read from.
  const modified = fs.statSync(settings.supergraphFile).mtime;
  const jsonld = publishedDocument(openCatalogJsonLd(datasets, { baseUrl: settings.publicBaseUrl, modified }), 'application/ld+json; charset=utf-8', modified);
  const csv = publishedDocument(OPEN_CATALOG_CSV_BOM + openCatalogCsv(datasets), 'text/csv; charset=utf-8; header=present', modified, {
    'content-disposition': 'inline; filename="catalog.csv"',
  });
  const routes: PlainRoutes = { 'GET /catalog.jsonld': jsonld, 'HEAD /catalog.jsonld': jsonld, 'GET /catalog.csv': csv, 'HEAD /catalog.csv': csv };
  return { name: 'open-catalog', routes };
}
