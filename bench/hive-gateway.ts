// Peer "E" of the benchmark: the Hive Gateway runtime (@graphql-hive/gateway-runtime, the engine of the
// @graphql-hive/gateway CLI without the CLI's optional extras), serving the same supergraph as the bare
// @apollo/gateway "A" over the same subgraphs, with no identity, no policy and no signing. Like A
// (bench/bare-gateway.ts) it reads PORT (0 = a free port), HOST, SUPERGRAPH_FILE and the subgraph URL
// overrides SUBGRAPH_URL_<NAME>, and prints the same {"event":"listening","url":…} line.
//
// Hive is installed in its own folder, bench/peers/hive (npm ci --prefix bench/peers/hive; bench/run.ts
// does it when asked for E): its dependency tree wants newer @graphql-tools than the versions the
// project's package.json pins through "overrides". Every Hive module — and the graphql it uses — is
// therefore loaded through a require() rooted at bench/peers/hive/package.json, never from the
// project's node_modules; the few types used here are written out below so that `tsc` does not need
// that folder.
//
// Configuration: only what A is given (the supergraph, the subgraph URLs) plus the log level; the rest
// is Hive's built-in defaults. Off by default and left off: response caching, CSRF prevention, response
// compression, @defer/@stream, upstream timeout/retry, demand control, inbound request de-duplication,
// persisted documents, usage reporting. On by default and left on (noted because A has no equivalent):
//   - in-flight de-duplication of subgraph requests (@graphql-tools/executor-http's
//     deduplicateInflightRequests): concurrent, byte-identical query bodies to the same subgraph share one
//     HTTP call — across client requests too (16 concurrent identical fanout-10 requests: 6 subgraph calls,
//     A makes 48). It is not a cache: nothing outlives the call in flight. HIVE_DEDUPLICATE_INFLIGHT=off
//     turns it off (the benchmark runs E with it and E0 without);
//   - one representation per distinct entity in an _entities batch (A sends every occurrence);
//   - x-request-id (generated, echoed in the response and forwarded to the subgraphs);
//   - masked errors, CORS headers, the landing page and GraphiQL on GET, /healthcheck and /readiness;
//   - the subgraph error plugin (adds the subgraph name to errors).
// Subgraph calls go through Node's own fetch (undici, keep-alive pool) — the client the project's gateway
// and A use — through the runtime's useCustomFetch plugin, instead of Hive's default @whatwg-node/fetch,
// so that all gateways are compared on the same HTTP client. HIVE_SUBGRAPH_FETCH=whatwg keeps Hive's own.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(__dirname, '..');
const peerRequire = createRequire(path.join(root, 'bench', 'peers', 'hive', 'package.json'));

/** The part of @graphql-hive/gateway-runtime's API used here. */
interface HiveRuntime {
  createGatewayRuntime(config: {
    supergraph: string;
    transports: Record<string, unknown>;
    transportEntries: Record<string, { location?: string; options?: { deduplicateInflightRequests?: boolean } }>;
    logging: string | boolean;
    plugins?: () => unknown[];
  }): http.RequestListener & { graphqlEndpoint: string; dispose(): Promise<void> };
  /** A plugin whose onFetch hook replaces the fetch of every subgraph call. */
  useCustomFetch(fetch: (url: string, init?: RequestInit) => Promise<Response>): unknown;
}

const supergraphSdl = fs.readFileSync(path.resolve(root, process.env.SUPERGRAPH_FILE ?? 'schema/supergraph.graphql'), 'utf8');

/** The subgraphs the supergraph routes to (join__Graph names, as Hive keys its transport entries) and their routing URLs. */
function routedSubgraphs(): { name: string; url: string }[] {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)].map((m) => ({ name: m[1], url: m[2] }));
}

function override(name: string, routingUrl: string | undefined): string {
  const url = process.env[`SUBGRAPH_URL_${name.toUpperCase().replace(/-/g, '_')}`] || routingUrl;
  if (!url) throw new Error(`no URL for subgraph ${name}`);
  return url;
}

/** Hive's logger knows trace/debug/info/warn/error; the project's LOG_LEVEL (pino) also has fatal and silent. */
function logLevel(): string | boolean {
  const level = process.env.LOG_LEVEL ?? 'info';
  if (level === 'silent') return false;
  if (level === 'fatal') return 'error';
  return ['trace', 'debug', 'info', 'warn', 'error'].includes(level) ? level : 'info';
}

async function main(): Promise<void> {
  const { createGatewayRuntime, useCustomFetch } = peerRequire('@graphql-hive/gateway-runtime') as HiveRuntime;
  const nodeFetch = process.env.HIVE_SUBGRAPH_FETCH !== 'whatwg';
  if (nodeFetch && typeof useCustomFetch !== 'function') throw new Error('this @graphql-hive/gateway-runtime exports no useCustomFetch: HIVE_SUBGRAPH_FETCH=whatwg runs E on Hive\'s own client');
  const subgraphs = routedSubgraphs();
  if (subgraphs.length === 0) throw new Error('the supergraph names no subgraph (@join__graph)');
  const gateway = createGatewayRuntime({
    supergraph: supergraphSdl,
    // The HTTP transport given as a module object (the CommonJS build, like the runtime's) rather than
    // left to the runtime's dynamic import(), so one copy of each module is loaded.
    transports: { http: peerRequire('@graphql-mesh/transport-http') },
    transportEntries: {
      ...Object.fromEntries(subgraphs.map(({ name, url }) => [name, { location: override(name, url) }])),
      ...(process.env.HIVE_DEDUPLICATE_INFLIGHT === 'off' ? { '*': { options: { deduplicateInflightRequests: false } } } : {}),
    },
    logging: logLevel(),
    // Hive passes (url, init, context, info): only the first two are fetch's.
    ...(nodeFetch ? { plugins: () => [useCustomFetch((url, init) => fetch(url, init))] } : {}),
  });
  const server = http.createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.PORT ?? 4105), process.env.HOST ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error(`unexpected server address ${String(address)}`);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(`${JSON.stringify({ event: 'listening', service: 'hive-gateway', url: `http://${host}:${address.port}${gateway.graphqlEndpoint}` })}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close();
      server.closeAllConnections();
      gateway.dispose().finally(() => process.exit(0));
    });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
