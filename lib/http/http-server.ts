// A thin HTTP front for Apollo Server on Node's own http module: the GraphQL endpoint plus a few
// plain routes (health, metrics, static IDE files). Kept small on purpose — it sits on the hot path
// and an extra framework layer would cost throughput for nothing we need.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk } from '@apollo/server';
import { applyCors } from './cors';
import { requestIdOf } from './request-id';
import { createLogger } from '../log';
import { setSecurityHeaders } from './security-headers';
import { incomingContext, traced, withContext } from '../tracing';

export interface PlainResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** A plain route's JSON answer. */
export const jsonResponse = (status: number, body: unknown): PlainResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * Routes answered without GraphQL, keyed by "METHOD /path"; a key ending in "/*" ("GET /console/*")
 * answers every path under it that no exact key names (the longest such prefix wins).
 */
export type PlainRoutes = Record<string, (req: http.IncomingMessage) => Promise<PlainResponse> | PlainResponse>;

export interface HttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /**
   * Builds the request context; `requestId` is also returned to the client as x-request-id; `raw` is
   * the body exactly as received ('' without one), for signatures over its bytes.
   */
  context: (req: http.IncomingMessage, body: unknown, requestId: string, raw: string) => Promise<TContext>;
  routes?: PlainRoutes;
  graphqlPath?: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Origins allowed cross-origin calls (CORS_ALLOWED_ORIGINS); empty: same origin only. */
  corsAllowedOrigins?: ReadonlySet<string>;
  /** Strict-Transport-Security max-age in seconds (HSTS_MAX_AGE); unset: no such header (plain HTTP behind no TLS). */
  hstsMaxAgeSeconds?: number;
  host?: string;
  port: number;
}

export interface RunningHttpServer {
  server: http.Server;
  url: string;
  /**
   * Graceful: first drains for `delayMs` — still accepting, every answer saying `connection: close`,
   * `draining()` true so readiness fails and a load balancer stops sending —, then stops accepting,
   * lets the requests in flight finish for up to `graceMs`, and cuts what is left.
   */
  close(graceMs?: number, delayMs?: number): Promise<void>;
  draining(): boolean;
}

/** How long a closing server lets requests in flight finish by default. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** How long a closing server waits for requests on connections it accepted just before closing. */
const LINGER_MS = 500;

class BodyTooLarge extends Error {}

export function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, keep draining (so the 413 can be delivered) but keep nothing; a client that
      // goes on sending far beyond it is cut off.
      if (size > limit * 10) req.destroy();
      else if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export function errorBody(code: string, zh: string, en: string): string {
  return JSON.stringify({ errors: [{ message: `${zh} / ${en}`, extensions: { code } }] });
}

export async function startHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Promise<RunningHttpServer> {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const routes = options.routes ?? {};
  const corsAllowedOrigins = options.corsAllowedOrigins ?? new Set<string>();
  const hsts = options.hstsMaxAgeSeconds ? `max-age=${options.hstsMaxAgeSeconds}` : undefined;

  const log = createLogger('http');
  let draining = false;
  const inFlight = new Set<http.ServerResponse>();
  let drained: (() => void) | undefined;
  const server = http.createServer(async (req, res) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) drained?.();
    });
    // While draining, each answer ends its connection: the client's next request goes to another replica.
    if (draining) res.setHeader('connection', 'close');
    setSecurityHeaders(res);
    if (hsts) res.setHeader('strict-transport-security', hsts);
    if (applyCors(req, res, corsAllowedOrigins)) return;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = routes[`${req.method} ${url.pathname}`] ?? prefixRoute(routes, req.method ?? '', url.pathname);
      const wantsGraphql = url.pathname === graphqlPath && !(req.method === 'GET' && prefersHtml(req) && routes[`GET ${graphqlPath}`]);
      if (route && !wantsGraphql) {
        const answer = await route(req);
        res.writeHead(answer.status, answer.headers ?? { 'content-type': 'text/plain; charset=utf-8' });
        res.end(answer.body);
        return;
      }
      if (url.pathname !== graphqlPath) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(errorBody('NOT_FOUND', '路径不存在', 'no such path'));
        return;
      }
      let body: unknown = undefined;
      let raw = '';
      if (req.method === 'POST') {
        const text = (raw = await readBody(req, maxBodyBytes));
        if ((req.headers['content-type'] ?? '').includes('application/json')) {
          try {
            body = text === '' ? {} : JSON.parse(text);
          } catch {
            res.writeHead(400, { 'content-type': 'application/json' });
            res.end(errorBody('BAD_REQUEST', '请求体不是合法的JSON', 'request body is not valid JSON'));
            return;
          }
        } else {
          body = text;
        }
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const requestId = requestIdOf(req);
      const context: ContextThunk<TContext> = () => options.context(req, body, requestId, raw);
      const response = await withContext(incomingContext(req), () =>
        traced('graphql.http', () => options.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body }, context })),
      );
      const outHeaders: Record<string, string> = { 'x-request-id': requestId };
      for (const [key, value] of response.headers) outHeaders[key] = value;
      res.writeHead(response.status ?? 200, outHeaders);
      // A 5xx is the server's fault: one line with the request id to find it by (never the body: it may hold data).
      if ((response.status ?? 200) >= 500) log.error({ requestId, status: response.status }, 'GraphQL request answered with a server error');
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BodyTooLarge) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        res.end(errorBody('PAYLOAD_TOO_LARGE', `请求体超过${maxBodyBytes}字节`, `request body exceeds ${maxBodyBytes} bytes`));
        return;
      }
      log.error({ err: (error as Error)?.message, method: req.method }, 'request failed: answered 500');
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(errorBody('INTERNAL_SERVER_ERROR', '服务器内部错误', 'internal server error'));
    }
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    draining: () => draining,
    close: async (graceMs = DEFAULT_SHUTDOWN_GRACE_MS, delayMs = 0) => {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      // Connections already in the listen backlog would be reset when listening stops: give the load
      // balancer time to see the readiness fail and send elsewhere first.
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      // Stop listening without http.Server#close's immediate cut of idle connections: a connection
      // accepted a moment ago looks idle until its request is parsed, and cutting it would reset a
      // request the client has already sent.
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      const deadline = Date.now() + graceMs;
      await new Promise((resolve) => setTimeout(resolve, Math.min(LINGER_MS, graceMs)).unref());
      while (inFlight.size > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, Math.max(0, deadline - Date.now())).unref();
        });
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

function prefixRoute(routes: PlainRoutes, method: string, pathname: string): PlainRoutes[string] | undefined {
  let best: string | undefined;
  for (const key of Object.keys(routes)) {
    if (!key.endsWith('/*') || !key.startsWith(`${method} `)) continue;
    const prefix = key.slice(method.length + 1, -1); // keeps the trailing slash
    if (pathname.startsWith(prefix) && (!best || key.length > best.length)) best = key;
  }
  return best ? routes[best] : undefined;
}

function prefersHtml(req: http.IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}
