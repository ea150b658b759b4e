// One concern of the gateway, declared: what it adds to Apollo Server (plugins, options), the step
// it puts around the executor, the plain routes it serves, what it does once the server has started
// and how it stops. startGateway (gateway/start-gateway.ts) assembles the parts in a fixed order,
// because order is behaviour: Apollo Server runs plugins in list order, and each part's executor
// step wraps the steps of the parts before it.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { PlainRoutes } from '../../lib/http/http-server';
import type { GatewayMetrics } from '../metrics';
import type { PlatformClient } from '../platform-client';
import type { RequestRecord } from '../request-record';
import type { GatewaySettings } from '../settings';
import type { SecretNeed } from './require-secret';

/** The Apollo Server options a part may set; a later part's value wins. */
export interface PartServerOptions {
  validationRules?: ValidationRule[];
  parseOptions?: ParseOptions;
  allowBatchedHttpRequests?: boolean;
  persistedQueries?: { cache: KeyValueCache<string> };
}

export interface GatewayPart {
  name: string;
  plugins?: ApolloServerPlugin<RequestRecord>[];
  serverOptions?: PartServerOptions;
  /** A step around the executor, wrapping the steps of earlier parts. */
  wrap?(gateway: GatewayInterface): GatewayInterface;
  routes?: PlainRoutes;
  /** Runs once Apollo Server has started: the subgraphs' (and the platform's) URLs are known then. */
  start?(): Promise<void>;
  close?(): Promise<void>;
}

/** What every part is made from. */
export interface PartContext {
  settings: GatewaySettings;
  supergraphSdl: string;
  metrics: GatewayMetrics;
  /** The one platform client (signed calls): without GATEWAY_SUBGRAPH_SECRET, asking for it stops the start, saying why `need` needs it. */
  platform(need: Extract<SecretNeed, 'policyState' | 'auditBatches'>): PlatformClient;
}

/** Stops parts in the reverse order of their assembly: a part may use what an earlier one holds. */
export async function closeParts(parts: readonly GatewayPart[]): Promise<void> {
  for (const part of [...parts].reverse()) await part.close?.();
}
