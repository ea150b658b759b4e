// The gateway process: Apollo Server over @apollo/gateway with a static supergraph, the policy in
// between, behind the thin HTTP front that also serves health, readiness and the IDE.
import fs from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { createQueryLimits } from './limits/query-limits';
import { createRateLimiter, type RateLimiter } from './limits/rate-limits';
import { withIdentityProbeLimit } from './limits/identity-probes';
import { createOperationSafelist, createSafelistPlugin, safelistQueryStore, type OperationSafelist } from './limits/operation-safelist';
import { clientIpOf, createRateLimitPlugin } from './limits/rate-limit-plugin';
import { createLogger } from '../lib/log';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { readCatalog } from '../directives/catalog';
import { chinaDate, checkMaskSettings } from '../directives/inference';
import { startHttpServer } from '../lib/http/http-server';
import { announceListening } from '../lib/announce';
import { RequestRecord } from './request';
import { createPolicySource } from './grants/policy-source';
import { identify } from './identity/identify';
import { createJwtVerifier } from './identity/jwt-verifier';
import { ideRoutes } from './ide/graphiql-page';
import { withPolicy } from './policy/policy-gateway';
import { checkReadiness } from './readiness';
import type { GatewaySettings } from './settings';
import { SignedDataSource } from './subgraph-client';
import { createPlatformClient } from './platform-client';
import { AUDIT_PATH } from '../protocol/internal-paths';
import { createAuditClient, type AuditSink } from './audit/audit-client';
import { createAuditPlugin } from './audit/audit-plugin';
import { createJournalledAuditSink, type JournalledAuditSink } from './audit/audit-shipper';
import { openAuditJournal } from './audit/audit-journal';
import { auditCommitSeconds, auditEntriesTotal, auditJournalBacklog, registry } from './metrics';
import os from 'node:os';
import path from 'node:path';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * Mask settings are checked against the catalog before anything is served (推断控制): a mask that
 * cannot protect its field even alone is refused; narrowings some grants will need are logged.
 */
function checkMasks(catalog: ReturnType<typeof readCatalog>, settings: GatewaySettings): void {
  const check = checkMaskSettings(catalog, settings.mask, chinaDate(new Date()));
  if (check.unsafe.length) {
    throw new Error(`mask settings leave too little hidden, refusing to start:\n${check.unsafe.map((a) => `  ${a.zh}\n  ${a.en}`).join('\n')}`);
  }
  for (const a of check.narrowedForSomeGrants) createLogger('gateway').info({ coordinate: a.coordinate, configured: a.from, narrowed: a.to }, `per-caller mask narrowing where grants require it: ${a.en}`);
}

export async function startGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const supergraphSdl = fs.readFileSync(settings.supergraphFile, 'utf8');
  if (settings.policy) {
    const catalog = readCatalog(supergraphSdl);
    if (!catalog.hasVocabulary) {
      throw new Error(`${settings.supergraphFile} does not declare the policy vocabulary (@share, @open …): refusing to serve it. Set POLICY=off to run a plain federation gateway.`);
    }
    checkMasks(catalog, settings);
  }
  const subgraphUrls = new Map<string, string>();
  const federation = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = settings.subgraphUrls[name] ?? url!;
      subgraphUrls.set(name, target);
      return new SignedDataSource(name, target, settings.gatewaySubgraphSecret, settings.resilience);
    },
  });

  // Every call to the platform goes through this one client; it finds the platform at the routing
  // URL buildService learned from the supergraph.
  const platform = settings.gatewaySubgraphSecret ? createPlatformClient({ platformUrl: () => subgraphUrls.get('platform'), secret: settings.gatewaySubgraphSecret }) : undefined;

  const closers: (() => Promise<void>)[] = [];
  let rateLimiter: RateLimiter | undefined;
  if (settings.rateLimits.enabled) {
    const log = createLogger('gateway');
    let lastLogged = 0;
    const limiter = createRateLimiter({
      ...settings.rateLimits,
      keySecret: settings.mask.hashKey,
      onStoreError: (error) => {
        if (Date.now() - lastLogged < 10_000) return; // one line per 10 s during an outage
        lastLogged = Date.now();
        log.warn({ err: error.message }, 'rate limiter store unavailable: requests are refused (RATE_LIMIT_UNAVAILABLE)');
      },
    });
    closers.push(() => limiter.close());
    rateLimiter = limiter;
  }

  let gateway: GatewayInterface = federation as unknown as GatewayInterface;
  let contextOf: (req: Parameters<typeof identify>[0], requestId: string) => Promise<RequestRecord>;
  let safelist: OperationSafelist | undefined;
  if (settings.policy) {
    if (!settings.apiKeySecret) throw new Error('API_KEY_SECRET is not set: developers\' API keys cannot be checked');
    const verifyToken = await createJwtVerifier(settings.jwt);
    if (!platform) throw new Error('GATEWAY_SUBGRAPH_SECRET is not set: the policy state must be read over signed requests');
    const policySource = createPolicySource({
      platform,
      cacheMs: settings.grantCacheMs,
      redisUrl: settings.redisUrl,
      redisPrefix: settings.redisPrefix,
    });
    closers.push(() => policySource.close());
    if (settings.operationSafelist) {
      const list = createOperationSafelist({ platform, cacheMs: settings.grantCacheMs });
      policySource.onChange(() => list.invalidate());
      safelist = list;
    }
    gateway = withPolicy(gateway, { policySource, maskSettings: settings.mask, mode: settings.denialMode });
    // Lookups that could sweep a masked number's candidates are budgeted after the policy has run.
    if (rateLimiter) gateway = withIdentityProbeLimit(gateway, rateLimiter);
    const apiKeySecret = settings.apiKeySecret;
    contextOf = async (req, requestId) => new RequestRecord(requestId, await identify(req, { verifyToken, apiKeySecret }), clientIpOf(req, settings.rateLimits.trustProxyHops));
  } else {
    contextOf = async (req, requestId) => new RequestRecord(requestId, { caller: { kind: 'anonymous' } }, clientIpOf(req, settings.rateLimits.trustProxyHops));
  }

  const queryLimits = createQueryLimits<RequestRecord>(settings.queryLimits);
  const limitPlugins: ApolloServerPlugin<RequestRecord>[] = [];
  if (safelist) limitPlugins.push(createSafelistPlugin<RequestRecord>(safelist));
  if (rateLimiter) limitPlugins.push(createRateLimitPlugin<RequestRecord>(rateLimiter));

  let sink: AuditSink | undefined;
  let journalled: JournalledAuditSink | undefined;
  if (settings.audit) {
    if (!settings.auditSubjectKey) throw new Error('AUDIT_SUBJECT_KEY is not set: data subjects cannot be recorded (AUDIT=off disables the audit, for benchmarks only)');
    if (!platform || !settings.gatewaySubgraphSecret) throw new Error('GATEWAY_SUBGRAPH_SECRET is not set: audit batches must be signed');
    const onCommit = (seconds: number, entries: number) => {
      auditCommitSeconds.observe(seconds);
      auditEntriesTotal.inc(entries);
    };
    const endpoint = () => platform.urlOf(AUDIT_PATH)?.toString();
    if (settings.auditDurability === 'journal') {
      const journal = openAuditJournal({ dir: settings.auditJournalDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pd-audit-journal-')) });
      const log = createLogger('gateway');
      journalled = createJournalledAuditSink({
        journal,
        endpoint,
        secret: settings.gatewaySubgraphSecret,
        onShipped: (seconds, entries) => {
          onCommit(seconds, entries);
          auditJournalBacklog.set(journalled!.status().backlog);
        },
        onStateChange: (healthy, reason) => {
          if (healthy) log.info({ journal: journal.dir }, 'audit journal reaches the store again: requests are answered');
          else log.warn({ journal: journal.dir, reason }, 'audit journal cannot reach the store: requests are refused (AUDIT_UNAVAILABLE) until it can');
        },
      });
      sink = journalled;
    } else {
      sink = createAuditClient({ endpoint, secret: settings.gatewaySubgraphSecret, onCommit });
    }
  }
  const apollo = new ApolloServer<RequestRecord>({
    gateway: gateway as never, // @apollo/gateway 2 implements the gateway interface Apollo Server 5 expects
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ...queryLimits.plugins,
      ...limitPlugins,
      createAuditPlugin({ sink, settled: journalled && ((ms) => journalled!.settled(ms)), instance: settings.instance, subjectKey: settings.auditSubjectKey ?? '' }),
    ],
    includeStacktraceInErrorResponses: false,
    validationRules: queryLimits.validationRules,
    parseOptions: queryLimits.parseOptions,
    allowBatchedHttpRequests: queryLimits.allowBatchedHttpRequests,
    // Safelist mode answers persisted-query hashes from the registered operations only; otherwise
    // Apollo's own automatic persisted queries (clients register documents in a local cache).
    ...(safelist ? { persistedQueries: { cache: safelistQueryStore(safelist) } } : {}),
    // No "Did you mean …?" in validation errors: suggestions would reveal fields a caller may not see.
    hideSchemaDetailsFromClientErrors: true,
  });
  await apollo.start();
  // The platform's URL is known now: ship what a previous run left, learn the journal's mark.
  await journalled?.start(3000);

  const http = await startHttpServer({
    apollo,
    port: settings.port,
    host: settings.host,
    maxBodyBytes: settings.maxBodyBytes,
    context: (req, _body, requestId) => contextOf(req, requestId),
    routes: {
      ...ideRoutes(),
      'GET /healthz': () => ({ status: 200, body: 'ok' }),
      'GET /metrics': async () => ({ status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() }),
      'GET /readyz': async () => {
        const report = await checkReadiness(subgraphUrls);
        return { status: report.ready ? 200 : 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) };
      },
    },
  });
  announceListening('gateway', `${http.url}/graphql`, { policy: settings.policy, subgraphs: Object.fromEntries(subgraphUrls) });
  return {
    url: `${http.url}/graphql`,
    close: async () => {
      await http.close();
      await apollo.stop();
      await journalled?.close();
      for (const close of closers) await close();
    },
  };
}
