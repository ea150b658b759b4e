// Settings of a subgraph process, read once from the environment with documented defaults.
import path from 'node:path';
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
}

function numberSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a TCP port (0 = any free port), got "${raw}"`);
  return port;
}

export function readSubgraphSettings(info: SubgraphInfo, env = process.env): SubgraphSettings {
  const pgliteRoot = env.PGLITE_DIR;
  return {
    port: portSetting(subgraphEnvName('PORT', info.name), info.defaultPort),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteDir: pgliteRoot ? path.resolve(ROOT_DIR, pgliteRoot, info.name) : info.durable ? path.resolve(ROOT_DIR, '.pglite', info.name) : undefined,
    dbSchema: `${env.DB_SCHEMA_PREFIX ?? ''}${info.dbSchema}`,
    dataSeed: numberSetting('DATA_SEED', 20261125),
    dataScale: numberSetting('DATA_SCALE', 1),
    gatewaySecret: env.GATEWAY_SUBGRAPH_SECRET || undefined,
    allowUnsigned: env.SUBGRAPH_ALLOW_UNSIGNED === '1',
  };
}
