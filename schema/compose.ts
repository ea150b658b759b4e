// Composes the subgraph SDLs of schema/ into the supergraph the gateway serves.
import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { loadSubgraphSdl, SCHEMA_DIR, SUBGRAPHS, type SubgraphInfo } from '../subgraphs/registry';

export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');

export type ComposeResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

/** `sdlOf` reads a subgraph's SDL; tests pass an altered one to see what composition makes of it. */
export function composeSupergraph(sdlOf: (info: SubgraphInfo) => string = loadSubgraphSdl): ComposeResult {
  const services = SUBGRAPHS.map((info) => ({
    name: info.name,
    url: `http://localhost:${info.defaultPort}/graphql`,
    typeDefs: parse(sdlOf(info)),
  }));
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}
