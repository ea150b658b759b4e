// Starts the whole channel as `npm start` does (scripts/start.ts, real processes, free ports) and
// stops it the way a user does, with SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { SUBGRAPHS, subgraphEnvName } from '../../subgraphs/registry';
import { testInstitutionsFile } from './institutions';

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  process: ChildProcess;
  /** Output lines seen so far (for diagnostics). */
  output: string[];
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');

/** `compiled`: start from dist/ (npm run build) with plain node, as production does. */
export async function startStack(env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000, options: { compiled?: boolean } = {}): Promise<Stack> {
  // Each stack keeps its durable PGlite data (the platform's audit log) in a directory of its own.
  const pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-pglite-'));
  const program = options.compiled ? ['dist/scripts/start.js'] : ['--import', 'tsx', 'scripts/start.ts'];
  const child = spawn(process.execPath, program, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      ...Object.fromEntries(SUBGRAPHS.map((info) => [subgraphEnvName('PORT', info.name), '0'])),
      START_QUIET: '1',
      PGLITE_DIR: pgliteDir,
      LOG_LEVEL: 'warn',
      // Tokens count only for registered institutions: every stack knows the ones tests use.
      INSTITUTIONS_FILE: testInstitutionsFile(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const ready = await new Promise<{ gateway: string; subgraphs: Record<string, string> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not ready in ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!line.includes('"stack-ready"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stack exited with ${code} before ready:\n${output.join('\n')}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    gatewayUrl: ready.gateway,
    subgraphUrls: ready.subgraphs,
    process: child,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      fs.rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sums a Prometheus counter from a /metrics endpoint over all its series (labelled or not); 0 while a
 * labelled counter has no series yet. A metric the endpoint does not declare is an error.
 */
export async function readCounter(metricsUrl: string, name: string): Promise<number> {
  const lines = (await (await fetch(metricsUrl)).text()).split('\n');
  if (!lines.some((l) => l.startsWith(`# TYPE ${name} `) || l.startsWith(`${name} `) || l.startsWith(`${name}{`))) throw new Error(`metric ${name} not found at ${metricsUrl}`);
  return lines
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

export function metricsUrlOf(graphqlUrl: string): string {
  return graphqlUrl.replace(/\/graphql$/, '/metrics');
}
