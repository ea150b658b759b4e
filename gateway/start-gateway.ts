// The gateway process: Apollo Server over @apollo/gateway with a static supergraph, behind the thin
// HTTP front that also serves health and readiness; every concern (identity, policy, limits, audit,
// metrics, IDE, console) is a part of its own (gateway/parts/), assembled here in order.
import fs from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { jsonResponse, startHttpServer } from '../lib/http/http-server';
import { announceListening } from '../lib/announce';
import { createGatewayMetrics } from './metrics';
import { createPlatformClient, type PlatformClient } from './platform-client';
import type { RequestRecord } from './request-record';
import { createReadiness } from './readiness';
import { createLogger } from '../lib/log';
import type { GatewaySettings } from './settings';
import { SignedDataSource } from './subgraph-client';
import { closeParts, type GatewayPart, type PartContext, type PartServerOptions } from './parts/gateway-part';
import { requireSecret } from './parts/require-secret';
import { idePart } from './parts/ide-part';
import { consolePart } from './parts/console-part';
import { openCatalogPart } from './parts/open-catalog-part';
import { identityPart, type IdentityPart } from './parts/identity-part';
import { signInPart } from './parts/sign-in-part';
import { policyPart } from './parts/policy-part';
import { queryLimitsPart } from './parts/query-limits-part';
import { safelistPart } from './parts/safelist-part';
import { rateLimitsPart } from './parts/rate-limits-part';
import { auditPart } from './parts/audit-part';
import { metricsPart } from './parts/metrics-part';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * The parts in their order, which is behaviour: plugins run landing page (off), query limits,
 * safelist, rate limits, audit; the identity-probe budget's step wraps the policy's. A part that
 * cannot be made stops the start, and the parts made before it are closed.
 */
async function assembleParts(context: PartContext): Promise<{ parts: GatewayPart[]; identity: IdentityPart }> {
  const parts: GatewayPart[] = [];
  const add = <P extends GatewayPart | undefined>(part: P): P => {
    if (part) parts.push(part);
    return part;
  };
  try {
    add(idePart());
    const policy = add(await policyPart(context));
    // After the policy: platform-issued API keys are forgotten with its cached state.
    const identity = add(await identityPart(context, policy));
    // Routes only: the console's sign-in (demo tokens in development, the OIDC issuer identity found).
    add(await signInPart(context, identity));
    // Routes only: the web console's files at /console/ (its CSP lets the browser reach the OIDC token endpoint).
    add(consolePart({ connectSources: identity.oidcProvider ? [new URL(identity.oidcProvider.tokenEndpoint).origin] : [] }));
    // Routes only: its place among the parts does not matter; it publishes the policy's catalog.
    add(openCatalogPart(context, policy));
    add(queryLimitsPart(context));
    add(safelistPart(context, policy));
    add(rateLimitsPart(context));
    add(auditPart(context));
    add(metricsPart(context));
    return { parts, identity };
  } catch (error) {
    await closeParts(parts);
    throw error;
  }
}

export async function startGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const supergraphSdl = fs.readFileSync(settings.supergraphFile, 'utf8');
  const metrics = createGatewayMetrics();
  const subgraphUrls = new Map<string, string>();
  const federation = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = settings.subgraphUrls[name] ?? url!;
      subgraphUrls.set(name, target);
      return new SignedDataSource(name, target, settings.gatewaySubgraphSecret, metrics, settings.resilience);
    },
  });

  // Every call to the platform goes through one client; it finds the platform at the routing URL
  // buildService learned from the supergraph.
  let platform: PlatformClient | undefined;
  const context: PartContext = {
    settings,
    supergraphSdl,
    metrics,
    platform: (need) => (platform ??= createPlatformClient({ platformUrl: () => subgraphUrls.get('platform'), secret: requireSecret(settings, need) })),
  };
  const { parts, identity } = await assembleParts(context);

  const gateway = parts.reduce<GatewayInterface>((inner, part) => part.wrap?.(inner) ?? inner, federation as unknown as GatewayInterface);
  const serverOptions: PartServerOptions = Object.assign({}, ...parts.map((part) => part.serverOptions ?? {}));
  const apollo = new ApolloServer<RequestRecord>({
    gateway: gateway as never, // @apollo/gateway 2 implements the gateway interface Apollo Server 5 expects
    plugins: parts.flatMap((part) => part.plugins ?? []),
    includeStacktraceInErrorResponses: false,
    logger: createLogger('gateway'), // Apollo's own warnings and errors as JSON lines like the rest
    ...serverOptions,
    // No "Did you mean …?" in validation errors: suggestions would reveal fields a caller may not see.
    hideSchemaDetailsFromClientErrors: true,
  });
  await apollo.start();
  for (const part of parts) await part.start?.();

  const readiness = createReadiness({ subgraphUrls, redisUrl: settings.redisUrl });
  const http = await startHttpServer({
    apollo,
    port: settings.port,
    host: settings.host,
    maxBodyBytes: settings.maxBodyBytes,
    corsAllowedOrigins: settings.corsAllowedOrigins,
    hstsMaxAgeSeconds: settings.hstsMaxAgeSeconds,
    context: (req, _body, requestId) => identity.recordOf(req, requestId),
    routes: {
      ...Object.assign({}, ...parts.map((part) => part.routes ?? {})),
      'GET /healthz': () => ({ status: 200, body: 'ok' }),
      'GET /readyz': async () => {
        // Draining (shutting down): not ready, whatever the subgraphs say, so the balancer moves on.
        if (http?.draining()) return jsonResponse(503, { ready: false, draining: true });
        const report = await readiness.check();
        return jsonResponse(report.ready ? 200 : 503, report);
      },
    },
  });
  announceListening('gateway', `${http.url}/graphql`, { policy: settings.policy, subgraphs: Object.fromEntries(subgraphUrls) });
  return {
    url: `${http.url}/graphql`,
    // Drain (requests in flight finish), then stop Apollo, then the parts: the audit ships what its
    // journal holds (what it cannot ship stays on disk for the next start), pools and Redis close.
    close: async () => {
      await http.close(settings.shutdownGraceMs, settings.shutdownDelayMs);
      await apollo.stop();
      await closeParts(parts);
      await readiness.close();
    },
  };
}
