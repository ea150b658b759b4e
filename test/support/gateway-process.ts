// One more gateway replica (or subgraph process) beside a running stack, or alone, as its own process.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { launch } from '../../lib/launch';
import type { Credentials } from './credentials';
import { gatewayNodeArgs } from '../../gateway/node-args';
import { SUBGRAPHS, subgraphEnvName } from '../../subgraphs/registry';

const ROOT = path.resolve(__dirname, '../..');

export interface GatewayProcess {
  url: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts gateway/main.ts; resolves with its URL, or rejects with its output if it exits first. */
export function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  const fullEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env };
  return startListeningProcess('gateway', 'gateway/main.ts', fullEnv, gatewayNodeArgs(fullEnv));
}

/** Starts one more process of a subgraph (e.g. beside a stack, on the same PostgreSQL schema). */
export function startSubgraphProcess(name: string, env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  const info = SUBGRAPHS.find((s) => s.name === name);
  if (!info) throw new Error(`no subgraph ${name}`);
  return startListeningProcess(name, info.entry, { ...process.env, LOG_LEVEL: 'warn', [subgraphEnvName('PORT', name)]: '0', ...env });
}

/** Runs `entry` until it announces "listening" (lib/launch.ts) with its URL. */
async function startListeningProcess(label: string, entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<GatewayProcess> {
  const { process: child, listening } = launch(entry, { label, cwd: ROOT, env, nodeArgs });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: await listening,
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Settings for a replica that joins a stack: its subgraphs, and the keys the stack trusts. */
export function replicaEnv(subgraphUrls: Record<string, string>, credentials: Credentials, grantsFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    JWT_PUBLIC_KEY_FILE: credentials.keys.publicKeyFile,
    API_KEY_SECRET: credentials.keys.apiKeySecret,
    GATEWAY_SUBGRAPH_SECRET: credentials.keys.gatewaySubgraphSecret,
    MASK_HASH_KEY: credentials.keys.maskHashKey,
    AUDIT_SUBJECT_KEY: credentials.keys.auditSubjectKey,
    GRANTS_FILE: grantsFile,
  };
  for (const [name, url] of Object.entries(subgraphUrls)) env[`SUBGRAPH_URL_${name.toUpperCase().replace(/-/g, '_')}`] = url;
  return env;
}
