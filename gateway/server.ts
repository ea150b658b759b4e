// The gateway process: Apollo Server over @apollo/gateway with a static supergraph, behind the thin
// HTTP front that also serves health, readiness and the IDE.
import fs from 'node:fs';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { startHttpServer } from '../lib/http/http-server';
import { createLogger } from '../lib/log';
import { ideRoutes } from './ide/graphiql-page';
import { checkReadiness } from './readiness';
import type { GatewaySettings } from './settings';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

export async function startGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const log = createLogger('gateway');
  const supergraphSdl = fs.readFileSync(settings.supergraphFile, 'utf8');
  const subgraphUrls = new Map<string, string>();

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = settings.subgraphUrls[name] ?? url!;
      subgraphUrls.set(name, target);
      return new RemoteGraphQLDataSource({ url: target });
    },
  });
  const apollo = new ApolloServer<BaseContext>({
    gateway: gateway as never, // @apollo/gateway 2 implements the gateway interface Apollo Server 5 expects
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  const http = await startHttpServer({
    apollo,
    port: settings.port,
    host: settings.host,
    maxBodyBytes: settings.maxBodyBytes,
    context: async () => ({}),
    routes: {
      ...ideRoutes(),
      'GET /healthz': () => ({ status: 200, body: 'ok' }),
      'GET /readyz': async () => {
        const report = await checkReadiness(subgraphUrls);
        return { status: report.ready ? 200 : 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) };
      },
    },
  });
  log.info({ event: 'listening', url: `${http.url}/graphql`, subgraphs: Object.fromEntries(subgraphUrls) }, 'listening');
  return {
    url: `${http.url}/graphql`,
    close: async () => {
      await http.close();
      await apollo.stop();
    },
  };
}
