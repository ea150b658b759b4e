// The in-browser IDE: GraphiQL served from the project's own node_modules (machines here have no
// internet, so no CDN). The page lets the user set headers (Authorization, x-scenario-id) in the IDE.
import fs from 'node:fs';
import path from 'node:path';
import type { PlainRoutes } from '../../lib/http/http-server';

function asset(pkg: string, file: string): Buffer {
  return fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file));
}

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>公共数据查询通道 · GraphQL</title>
  <link rel="stylesheet" href="/ide/graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/ide/react.production.min.js"></script>
  <script src="/ide/react-dom.production.min.js"></script>
  <script src="/ide/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
    const defaultQuery = '# 公共数据查询通道 — try:\\n{\\n  __typename\\n}\\n';
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, defaultHeaders: '{\\n  "x-scenario-id": ""\\n}', shouldPersistHeaders: true }),
    );
  </script>
</body>
</html>`;

/** Routes serving the IDE page and its assets. Assets are read once, at start-up. */
export function ideRoutes(): PlainRoutes {
  const js = { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' };
  const files: Record<string, { body: Buffer; headers: Record<string, string> }> = {
    'react.production.min.js': { body: asset('react', 'umd/react.production.min.js'), headers: js },
    'react-dom.production.min.js': { body: asset('react-dom', 'umd/react-dom.production.min.js'), headers: js },
    'graphiql.min.js': { body: asset('graphiql', 'graphiql.min.js'), headers: js },
    'graphiql.min.css': { body: asset('graphiql', 'graphiql.min.css'), headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' } },
  };
  const page = () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: PAGE });
  const routes: PlainRoutes = { 'GET /': page, 'GET /graphql': page };
  for (const [name, file] of Object.entries(files)) routes[`GET /ide/${name}`] = () => ({ status: 200, ...file });
  return routes;
}
