// CORS for the origins the operator lists (issue 16 item 6). Default: none — same origin only, no
// Access-Control-* header at all. A disallowed origin gets no Access-Control-* header either, so the
// browser refuses to hand it the answer; its preflight falls through like any other request.
import type http from 'node:http';

/**
 * Sets the CORS headers of an allowed origin's request; answers its preflight (true: the answer is sent).
 * Costs one header lookup for a request without Origin.
 */
export function applyCors(req: http.IncomingMessage, res: http.ServerResponse, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || allowed.size === 0) return false;
  res.setHeader('vary', 'origin');
  if (!allowed.has(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', 'x-request-id');
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
  res.setHeader('access-control-allow-methods', 'GET, POST');
  const requested = req.headers['access-control-request-headers'];
  if (requested) res.setHeader('access-control-allow-headers', requested);
  res.setHeader('access-control-max-age', '600');
  res.writeHead(204);
  res.end();
  return true;
}

/** CORS_ALLOWED_ORIGINS: a comma list of origins ("https://app.example.cn"); each must be exactly an origin. */
export function parseAllowedOrigins(value: string | undefined, fail: (detail: string) => never): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const item of (value ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    let origin: string | undefined;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== item) fail(`"${item}" is not an origin (scheme://host[:port], no path)`);
    origins.add(item);
  }
  return origins;
}
