// npm start — runs the whole channel: every subgraph, then the gateway, as child processes.
// Prints the URLs once everything answers; Ctrl-C (or SIGTERM) stops them all; if one dies, all stop.
//
// PORT=0 and SUBGRAPH_PORT_<NAME>=0 pick free ports (the tests do this); the JSON line with
// "event":"stack-ready" tells a program where everything is.
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { gatewayNodeArgs } from '../gateway/node-args';
import path from 'node:path';
import { ensureDevKeys } from '../lib/dev-keys';
import { launch } from '../lib/launch';
import { ROOT_DIR, SUBGRAPHS, subgraphEnvName } from '../subgraphs/registry';

interface Child {
  name: string;
  process: ChildProcess;
  url: Promise<string>;
}

const children: Child[] = [];
let stopping = false;
const quiet = process.env.START_QUIET === '1';

function startChild(name: string, entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Child {
  const { process: child, listening: url } = launch(entry, {
    label: name,
    cwd: ROOT_DIR,
    env: { ...process.env, ...env },
    nodeArgs,
    onLine: (line, stream) => {
      if (stream === 'stderr') process.stderr.write(`[${name}] ${line}\n`);
      else if (!quiet) process.stdout.write(`[${name}] ${line}\n`);
    },
  });
  url.catch(() => undefined); // reported by the exit handler; awaited (and rethrown) by main
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} stopped unexpectedly (code ${code}, signal ${signal}); stopping everything`);
      void stop(1);
    }
  });
  const started: Child = { name, process: child, url };
  children.push(started);
  return started;
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.process.kill('SIGKILL'), 5000);
          child.process.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.process.kill('SIGTERM');
        }),
    ),
  );
  process.exit(exitCode);
}

/**
 * Settings the embedded defaults need but nobody configured: development keys from .keys/ (made on
 * first use), the demo grants and the demo registry of institutions and authorities. Anything set in the environment wins.
 */
function developmentDefaults(): NodeJS.ProcessEnv {
  const defaults: NodeJS.ProcessEnv = {};
  const missing = (name: string) => !process.env[name];
  if (['JWT_PUBLIC_KEY_FILE', 'API_KEY_SECRET', 'GATEWAY_SUBGRAPH_SECRET', 'MASK_HASH_KEY', 'AUDIT_SUBJECT_KEY'].some(missing)) {
    const keys = ensureDevKeys(path.resolve(ROOT_DIR, process.env.DEV_KEYS_DIR ?? '.keys'));
    if (missing('JWT_PUBLIC_KEY_FILE') && missing('JWT_JWKS_URL')) defaults.JWT_PUBLIC_KEY_FILE = keys.publicKeyFile;
    if (missing('API_KEY_SECRET')) defaults.API_KEY_SECRET = keys.apiKeySecret;
    if (missing('GATEWAY_SUBGRAPH_SECRET')) defaults.GATEWAY_SUBGRAPH_SECRET = keys.gatewaySubgraphSecret;
    if (missing('MASK_HASH_KEY')) defaults.MASK_HASH_KEY = keys.maskHashKey;
    if (missing('AUDIT_SUBJECT_KEY')) defaults.AUDIT_SUBJECT_KEY = keys.auditSubjectKey;
  }
  if (process.env.GRANTS_FILE === undefined) defaults.GRANTS_FILE = 'gateway/fixtures/grants.dev.json';
  if (process.env.INSTITUTIONS_FILE === undefined) defaults.INSTITUTIONS_FILE = 'gateway/fixtures/institutions.dev.json';
  return defaults;
}

/**
 * The web console is served from console/dist (gateway/parts/console-part.ts): a fresh clone has none,
 * so build it once (`npm run build:console` rebuilds it after a change). A failed build is reported and
 * the channel starts without the console (/console/ then says how to build it).
 */
function ensureConsoleBuilt(): void {
  if (fs.existsSync(path.join(ROOT_DIR, 'console/dist/index.html'))) return;
  console.error('[start] building the web console (console/dist) …');
  try {
    // Its output goes to stderr: stdout carries the stack-ready line programs wait for.
    execFileSync(process.execPath, [path.join(ROOT_DIR, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.mts'], { cwd: ROOT_DIR, stdio: ['ignore', 2, 2] });
  } catch (error) {
    console.error(`[start] the console could not be built (${(error as Error).message.split('\n')[0]}); starting without it`);
  }
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  // Production (NODE_ENV=production): nothing of development — every secret and setting comes from the
  // environment; the subgraphs refuse to start on an unmigrated schema and load no fixtures.
  if (process.env.NODE_ENV !== 'production') Object.assign(process.env, developmentDefaults());
  ensureConsoleBuilt();

  // The data subgraphs first: the platform is told where they are, as it sends them the providers'
  // confirmed corrections (subgraphs/platform/record-corrections.ts).
  const subgraphUrls: Record<string, string> = {};
  const gatewayEnv: NodeJS.ProcessEnv = {};
  const started = async (children: Child[]) => {
    for (const child of children) {
      const url = await child.url;
      subgraphUrls[child.name] = url;
      gatewayEnv[subgraphEnvName('URL', child.name)] = url;
    }
  };
  await started(SUBGRAPHS.filter((info) => info.name !== 'platform').map((info) => startChild(info.name, info.entry, {})));
  const platform = SUBGRAPHS.find((info) => info.name === 'platform')!;
  await started([startChild(platform.name, platform.entry, { ...gatewayEnv })]);
  const gateway = startChild('gateway', 'gateway/main.ts', gatewayEnv, gatewayNodeArgs());
  const gatewayUrl = await gateway.url;

  console.log(JSON.stringify({ event: 'stack-ready', gateway: gatewayUrl, subgraphs: subgraphUrls }));
  console.log(`\n公共数据查询通道 ready / channel ready`);
  console.log(`  GraphQL + IDE  ${gatewayUrl}  (open ${gatewayUrl.replace(/\/graphql$/, '/')} in a browser)`);
  console.log(`  Console        ${gatewayUrl.replace(/\/graphql$/, '/console/')}`);
  for (const [name, url] of Object.entries(subgraphUrls)) console.log(`  ${name.padEnd(14)} ${url}`);
  console.log('  Ctrl-C stops everything.\n');
}

main().catch((error) => {
  // Its first line only: a child's last output, which the message goes on with, is on the console already.
  console.error(`[start] ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  void stop(1);
});
