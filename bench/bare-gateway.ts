// Baseline "A" of the benchmark: a bare @apollo/gateway on Apollo Server's standalone HTTP server,
// serving the same supergraph as the real gateway, with no identity, no policy and no signing.
// Only the subgraph URLs are overridden (SUBGRAPH_URL_POPULATION / _LEGAL_ENTITY / _LICENCE); it prints
// the same {"event":"listening","url":…} line as the project's processes. PORT=0 picks a free port.
// Its subgraph calls go through Node's own fetch (undici, keep-alive pool), as the project's gateway's
// do (gateway/subgraph-client.ts), rather than RemoteGraphQLDataSource's default client
// (make-fetch-happen), so that the comparison is of the gateways and not of their HTTP clients.
import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';

const root = path.resolve(__dirname, '..');
const supergraphSdl = fs.readFileSync(path.resolve(root, process.env.SUPERGRAPH_FILE ?? 'schema/supergraph.graphql'), 'utf8');

function override(name: string, routingUrl: string | undefined): string {
  const url = process.env[`SUBGRAPH_URL_${name.toUpperCase().replace(/-/g, '_')}`] || routingUrl;
  if (!url) throw new Error(`no URL for subgraph ${name}`);
  return url;
}

async function main(): Promise<void> {
  const server = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl,
      buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: override(name, url), fetcher: ((input: string, init: RequestInit) => fetch(input, init)) as never }),
    }),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT ?? 4100), host: process.env.HOST ?? '127.0.0.1' },
  });
  process.stdout.write(`${JSON.stringify({ event: 'listening', service: 'bare-gateway', url: new URL('graphql', url).href })}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.stop().finally(() => process.exit(0));
    });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
