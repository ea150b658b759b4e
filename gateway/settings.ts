// Gateway settings, read once from the environment with documented defaults (see README "Settings").
import path from 'node:path';
import { ROOT_DIR, SUBGRAPHS, subgraphEnvName } from '../subgraphs/registry';

export interface GatewaySettings {
  port: number;
  host: string;
  supergraphFile: string;
  /** Subgraph name → URL overriding the supergraph's routing URL. */
  subgraphUrls: Record<string, string>;
  maxBodyBytes: number;
}

export function readGatewaySettings(env = process.env): GatewaySettings {
  const subgraphUrls: Record<string, string> = {};
  for (const info of SUBGRAPHS) {
    const url = env[subgraphEnvName('URL', info.name)];
    if (url) subgraphUrls[info.name] = url;
  }
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    supergraphFile: path.resolve(ROOT_DIR, env.SUPERGRAPH_FILE ?? 'schema/supergraph.graphql'),
    subgraphUrls,
    maxBodyBytes: Number(env.MAX_BODY_BYTES ?? 100_000),
  };
}
