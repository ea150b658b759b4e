// Settings of a subgraph process, read once from the environment with documented defaults.
import path from 'node:path';
import { portSetting, positiveSetting } from '../../lib/env-settings';
import { ROOT_DIR, subgraphEnvName, type SubgraphInfo } from '../registry';

export interface SubgraphSettings {
  port: number;
  host: string;
  databaseUrl?: string;
  /** PGlite directory for this subgraph; undefined = in memory. */
  pgliteDir?: string;
  dbSchema: string;
  dataSeed: number;
  dataScale: number;
  /** Shared secret the gateway signs subgraph requests with. */
  gatewaySecret?: string;
  /** Serve unsigned requests and skip role rules (development and the bare-gateway benchmark only). */
  allowUnsigned: boolean;
  /** NODE_ENV=production: no migrations at start (npm run migrate), no development data, no fixtures. */
  production: boolean;
  /** SQL_EXPLAIN=on: explain the statements issued and report their scans on /internal/sql-plans (lib/db/query-plans.ts). */
  sqlExplain: boolean;
}

export function readSubgraphSettings(info: SubgraphInfo, env = process.env): SubgraphSettings {
  const pgliteRoot = env.PGLITE_DIR;
  return {
    port: portSetting(env, subgraphEnvName('PORT', info.name), info.defaultPort),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteDir: pgliteRoot ? path.resolve(ROOT_DIR, pgliteRoot, info.name) : info.durable ? path.resolve(ROOT_DIR, '.pglite', info.name) : undefined,
    dbSchema: `${env.DB_SCHEMA_PREFIX ?? ''}${info.dbSchema}`,
    dataSeed: positiveSetting(env, 'DATA_SEED', 20261125, { integer: true }),
    dataScale: positiveSetting(env, 'DATA_SCALE', 1),
    gatewaySecret: env.GATEWAY_SUBGRAPH_SECRET || undefined,
    allowUnsigned: env.SUBGRAPH_ALLOW_UNSIGNED === '1',
    production: env.NODE_ENV === 'production',
    sqlExplain: env.SQL_EXPLAIN === 'on',
  };
}
