// Starts one data-domain subgraph: database (PostgreSQL or PGlite), migrations, seed data, the
// federated schema with its resolvers, and an HTTP server with /graphql, /healthz and /metrics.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { parse } from 'graphql';
import client from 'prom-client';
import { openDatabase, type Database } from '../../lib/db/database';
import { migrate, pendingMigrations, type Migration } from '../../lib/db/migrate';
import { explainStatements } from '../../lib/db/query-plans';
import { jsonResponse, startHttpServer, type PlainResponse, type PlainRoutes, type RunningHttpServer } from '../../lib/http/http-server';
import { announceListening } from '../../lib/announce';
import { createLogger } from '../../lib/log';
import { loadSubgraphSdl, type SubgraphInfo } from '../registry';
import { readSubgraphSettings, type SubgraphSettings } from './settings';
import { configureCursorSecret } from './pagination';
import { requireGatewaySignature } from '../../protocol/gateway-signature';
import { callerKindOf, withRoleRules, type RoleContext } from './role-rules';
import { CALLER_HEADER } from '../../protocol/signature';
import { decodeCallerClaim, type CallerClaim } from '../../protocol/caller-claim';
import type { Progress } from './seed';
import { readTracingSettings, startTracing } from '../../lib/tracing';

export interface SubgraphContext<Loaders> extends RoleContext {
  loaders: Loaders;
  /** For statements that are not batched lookups (listings); counted like the loaders' ones. */
  db: Database;
  /** Who the gateway says is calling (trusted because the request is signed). */
  caller?: CallerClaim;
}

export interface DomainModule<Loaders> {
  info: SubgraphInfo;
  migrations: readonly Migration[];
  /** What every start needs in the database, production included (e.g. the catalog's initial entries). */
  bootstrap?(db: Database, settings: SubgraphSettings): Promise<void>;
  /** Development data (synthetic records, fixture grants): never in production. */
  seed(db: Database, settings: SubgraphSettings, progress?: Progress): Promise<void>;
  createLoaders(db: Database): Loaders;
  resolvers: GraphQLResolverMap<SubgraphContext<Loaders>>;
  /** Extra role rules (graphql-shield) beyond those derived from the catalog. */
  permissions?: Record<string, Record<string, unknown>>;
  /** Runs before each GraphQL request is resolved (e.g. bring a cached catalog up to date). */
  prepare?(db: Database): Promise<void>;
  /** Extra plain HTTP routes (e.g. internal endpoints), given the database, settings and the /metrics registry. */
  routes?(db: Database, settings: SubgraphSettings, metrics: client.Registry): PlainRoutes;
}

export interface RunningSubgraph {
  url: string;
  close(): Promise<void>;
}

/** Wraps a database so every statement is counted in a metric (the batching test reads it). */
function countStatements(db: Database, counter: client.Counter): Database {
  return {
    ...db,
    query(sql, params) {
      counter.inc();
      return db.query(sql, params);
    },
  };
}

export async function runSubgraph<Loaders>(domain: DomainModule<Loaders>): Promise<RunningSubgraph> {
  const stopTracing = startTracing(readTracingSettings(process.env, `subgraph-${domain.info.name}`));
  const settings = readSubgraphSettings(domain.info);
  if (settings.production && settings.allowUnsigned) throw new Error('SUBGRAPH_ALLOW_UNSIGNED=1 is for development only and refused in production (NODE_ENV=production)');
  if (!settings.gatewaySecret && !settings.allowUnsigned) {
    throw new Error('GATEWAY_SUBGRAPH_SECRET is not set: a subgraph only serves requests signed by the gateway (SUBGRAPH_ALLOW_UNSIGNED=1 disables this, for development only)');
  }
  if (settings.production && settings.sqlExplain) throw new Error('SQL_EXPLAIN=on explains every statement before it runs: a diagnosis for a test data set, refused in production (NODE_ENV=production)');
  if (settings.gatewaySecret) configureCursorSecret(settings.gatewaySecret);
  const log = createLogger(`subgraph-${domain.info.name}`);
  const rawDb = await openDatabase({ url: settings.databaseUrl, schema: settings.dbSchema, pgliteDir: settings.pgliteDir });
  log.info({ engine: rawDb.kind, schema: settings.dbSchema }, 'database open');
  if (settings.production) {
    // Production: the schema is changed by its own command (npm run migrate), never by a starting replica.
    const pending = await pendingMigrations(rawDb, domain.migrations);
    if (pending.length) throw new Error(`database schema ${settings.dbSchema} lacks migrations ${pending.join(', ')}: run \`npm run migrate\` (node dist/scripts/migrate.js) first`);
  } else {
    await migrate(rawDb, domain.migrations);
  }
  const started = Date.now();
  await domain.bootstrap?.(rawDb, settings);
  if (!settings.production) {
    let lastTenth = -1;
    await domain.seed(rawDb, settings, (done, total) => {
      const tenth = Math.floor((done / total) * 10);
      if (tenth !== lastTenth) log.info({ done, total }, 'seeding');
      lastTenth = tenth;
    });
  }
  log.info({ ms: Date.now() - started }, 'data ready');

  const registry = new client.Registry();
  const requests = new client.Counter({ name: 'subgraph_requests_total', help: 'GraphQL requests served', registers: [registry] });
  const statements = new client.Counter({ name: 'subgraph_sql_statements_total', help: 'SQL statements issued', registers: [registry] });
  const representations = new client.Counter({ name: 'subgraph_entity_representations_total', help: 'Entity representations received in _entities requests', registers: [registry] });
  const explaining = settings.sqlExplain ? explainStatements(rawDb) : undefined;
  const db = countStatements(explaining ?? rawDb, statements);

  const sdl = loadSubgraphSdl(domain.info);
  const federated = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: domain.resolvers as never });
  // Unsigned development mode trusts nobody's caller header, so it cannot apply role rules either.
  const schema = settings.allowUnsigned ? federated : withRoleRules(federated, sdl, domain.permissions);
  const apollo = new ApolloServer<SubgraphContext<Loaders>>({
    schema,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
    logger: log, // Apollo's own warnings and errors as JSON lines like the rest
    // Subgraphs are only ever called by the gateway, never by browsers.
    csrfPrevention: false,
  });
  await apollo.start();

  const http: RunningHttpServer = await startHttpServer({
    apollo,
    port: settings.port,
    host: settings.host,
    maxBodyBytes: 20_000_000, // entity batches from the gateway can be large
    context: async (req, body, _requestId, raw) => {
      requests.inc();
      const sent = (body as { variables?: { representations?: unknown } } | undefined)?.variables?.representations;
      if (Array.isArray(sent)) representations.inc(sent.length);
      if (settings.gatewaySecret && !settings.allowUnsigned) await requireGatewaySignature(settings.gatewaySecret, domain.info.name, req, raw);
      const caller = decodeCallerClaim(req.headers[CALLER_HEADER] as string | undefined);
      await domain.prepare?.(db);
      return { loaders: domain.createLoaders(db), db, caller, callerKind: callerKindOf(caller) };
    },
    routes: {
      ...domain.routes?.(db, settings, registry),
      'GET /healthz': () => ({ status: 200, body: 'ok' }),
      ...(explaining && { 'GET /internal/sql-plans': () => jsonResponse(200, explaining.plans()) }),
      // Ready when its database answers (a short query with a bound) and it is not shutting down; the
      // gateways' /readyz asks this, so a subgraph that lost its database takes them out of rotation.
      'GET /readyz': async (): Promise<PlainResponse> => {
        const draining = http.draining();
        const database = draining ? 'up' : await databaseState(db);
        const ready = !draining && database === 'up';
        return jsonResponse(ready ? 200 : 503, { ready, database, ...(draining ? { draining } : {}) });
      },
      'GET /metrics': async () => ({
        status: 200,
        headers: { 'content-type': registry.contentType },
        body: await registry.metrics(),
      }),
    },
  });
  // The orchestrator (scripts/start.ts) waits for this line to learn the port.
  announceListening(`subgraph-${domain.info.name}`, `${http.url}/graphql`);

  const close = async () => {
    await http.close();
    await apollo.stop();
    await rawDb.close();
    await stopTracing();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      close().finally(() => process.exit(0));
    });
  }
  return { url: `${http.url}/graphql`, close };
}

/** Whether the subgraph's database answers `SELECT 1` within a second. */
async function databaseState(db: Database): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([db.query('SELECT 1'), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 1000)))]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
