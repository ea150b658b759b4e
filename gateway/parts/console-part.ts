// The web console (issue 15): the React build in console/dist served at /console/. Files are read once
// at start-up into memory (a few hundred kB) and looked up by name, so no request path ever reaches the
// file system. Any other path under /console/ is a page of the single-page app: index.html answers it.
// A strict Content-Security-Policy: scripts, styles and calls only from this origin, no inline code,
// no framing — the console holds a bearer token, so an injected script must have nowhere to run.
import fs from 'node:fs';
import path from 'node:path';
import type { PlainResponse, PlainRoutes } from '../../lib/http/http-server';
import type { GatewayPart } from './gateway-part';

export const CONSOLE_DIST = path.resolve(__dirname, '../../console/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface ConsoleOptions {
  distDir?: string;
  /** Origins the console may call besides its own, e.g. an OIDC issuer's token endpoint. */
  connectSources?: string[];
}

export function contentSecurityPolicy(connectSources: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectSources].join(' ')}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (entry.isDirectory()) for (const [name, body] of readTree(path.join(dir, entry.name), `${relative}/`)) files.set(name, body);
    else if (entry.isFile()) files.set(relative, fs.readFileSync(path.join(dir, entry.name)));
  }
  return files;
}

export function consoleRoutes(options: ConsoleOptions = {}): PlainRoutes {
  const dir = options.distDir ?? CONSOLE_DIST;
  const security = {
    'content-security-policy': contentSecurityPolicy(options.connectSources),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
  const files = fs.existsSync(path.join(dir, 'index.html')) ? readTree(dir) : undefined;

  const serve = (name: string): PlainResponse | undefined => {
    const body = files?.get(name);
    if (!body) return undefined;
    // Vite names the files under assets/ by their content hash: they never change, so cache them for
    // good; index.html names the current ones, so it is revalidated every time.
    const cache = name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : name === 'index.html' ? 'no-cache' : 'public, max-age=3600';
    return { status: 200, headers: { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'cache-control': cache, ...security }, body };
  };

  const page = (req: { url?: string }): PlainResponse => {
    if (!files) {
      return {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: '控制台尚未构建：请运行 npm run build:console / the console is not built: run npm run build:console\n',
      };
    }
    let name: string;
    try {
      name = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname.slice('/console/'.length)) || 'index.html';
    } catch {
      return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8', ...security }, body: '路径编码有误 / malformed path\n' };
    }
    const file = serve(name);
    if (file) return file;
    // A missing asset is a 404 (an HTML page in place of a script only confuses); any other path is a page.
    if (name.startsWith('assets/') || path.extname(name) !== '') {
      return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', ...security }, body: '不存在 / not found\n' };
    }
    return serve('index.html')!;
  };

  return {
    'GET /console': () => ({ status: 308, headers: { location: '/console/' }, body: '' }),
    'GET /console/*': page,
  };
}

export function consolePart(options: ConsoleOptions = {}): GatewayPart {
  return { name: 'console', routes: consoleRoutes(options) };
}
