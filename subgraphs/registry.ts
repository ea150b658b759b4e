// The data domains of the channel: one subgraph each, with its SDL, default port and database schema.
// Adding a domain is adding a line here plus its folder.
import fs from 'node:fs';
import path from 'node:path';

export interface SubgraphInfo {
  /** Federation name, also the suffix of its settings (e.g. SUBGRAPH_URL_LEGAL_ENTITY). */
  name: string;
  /** SDL file under schema/. */
  sdlFile: string;
  defaultPort: number;
  /** Database schema it owns. */
  dbSchema: string;
  /** Entry module that starts it. */
  entry: string;
  /** Keep PGlite data on disk by default (the audit log must survive restarts). */
  durable?: boolean;
}

export const ROOT_DIR = path.resolve(__dirname, '..');
export const SCHEMA_DIR = path.join(ROOT_DIR, 'schema');

export const SUBGRAPHS: readonly SubgraphInfo[] = [
  { name: 'population', sdlFile: 'population.graphql', defaultPort: 4001, dbSchema: 'population', entry: 'subgraphs/population/main.ts' },
  { name: 'legal-entity', sdlFile: 'legal-entity.graphql', defaultPort: 4002, dbSchema: 'legal_entity', entry: 'subgraphs/legal-entity/main.ts' },
  { name: 'licence', sdlFile: 'licence.graphql', defaultPort: 4003, dbSchema: 'licence', entry: 'subgraphs/licence/main.ts' },
  { name: 'platform', sdlFile: 'platform.graphql', defaultPort: 4004, dbSchema: 'platform', entry: 'subgraphs/platform/main.ts', durable: true },
];

export function sdlPath(info: SubgraphInfo): string {
  return path.join(SCHEMA_DIR, info.sdlFile);
}

/** Environment variable name for a subgraph setting, e.g. ("legal-entity", "URL") → SUBGRAPH_URL_LEGAL_ENTITY. */
export function subgraphEnvName(kind: 'URL' | 'PORT', name: string): string {
  return `SUBGRAPH_${kind}_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The policy vocabulary (directive and enum definitions), defined once for every subgraph. */
export const POLICY_VOCABULARY_FILE = path.join(SCHEMA_DIR, 'policy.graphql');

/** A subgraph's SDL with the policy vocabulary it imports through @link. */
export function loadSubgraphSdl(info: SubgraphInfo): string {
  return `${fs.readFileSync(sdlPath(info), 'utf8')}\n${fs.readFileSync(POLICY_VOCABULARY_FILE, 'utf8')}`;
}
