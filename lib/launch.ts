// Starts one of the project's programs as a child process — `node [nodeArgs] --import tsx <entry>`, or,
// when the launcher itself runs compiled (npm run build, dist/), `node [nodeArgs] <entry>.js` — and waits
// for its listening line (lib/announce.ts). npm start, the benchmark and the tests launch
// their processes through it; what each does on top (echoing output, a watchdog, stopping) is theirs.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { listeningUrlOf } from './announce';

/** Lines of output an error carries. */
const TAIL_LINES = 60;

export interface LaunchOptions {
  /** The child's name in errors. */
  label: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  nodeArgs?: readonly string[];
  /** Rejects when no listening line came within this time (the child is left running: stop it). Unset: no limit. */
  timeoutMs?: number;
  /** Every line the child prints, as it comes. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface LaunchedChild {
  process: ChildProcess;
  /** The URL of the child's listening line; rejects with its last output if it ends (or cannot start, or times out) first. */
  listening: Promise<string>;
  /** The child's last lines of output (both streams, the listening line left out), kept while it runs. */
  tail: string[];
}

/** Whether this code runs compiled (from dist/): its children then run compiled too, with plain node. */
const COMPILED = __filename.endsWith('.js');

export function launch(entry: string, options: LaunchOptions): LaunchedChild {
  const { label, timeoutMs } = options;
  const program = COMPILED ? [entry.replace(/\.ts$/, '.js')] : ['--import', 'tsx', entry];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...program], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const listening = new Promise<string>((resolve, reject) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => reject(new Error(`${label} did not print its listening line within ${timeoutMs} ms:\n${tail.join('\n')}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      options.onLine?.(line, 'stdout');
      const url = listeningUrlOf(line);
      if (url === undefined) return keep(line);
      clearTimeout(timer);
      resolve(url);
    });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      options.onLine?.(line, 'stderr');
      keep(line);
    });
    // 'close' rather than 'exit': by then every line the child printed has been read.
    child.once('close', (code, signal) => fail(new Error(`${label} exited before listening (code ${code}, signal ${signal}):\n${tail.join('\n')}`)));
    child.once('error', fail);
  });
  return { process: child, listening, tail };
}
