// Composes the subgraph SDLs of schema/ into the supergraph the gateway serves.
import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { loadSubgraphSdl, SCHEMA_DIR, SUBGRAPHS } from '../subgraphs/registry';

export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');

export type ComposeResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function composeSupergraph(): ComposeResult {
  const services = SUBGRAPHS.map((info) => ({
    name: info.name,
    url: `http://localhost:${info.defaultPort}/graphql`,
    typeDefs: parse(loadSubgraphSdl(info)),
  }));
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}
