// A real nginx in front of gateway replicas, for the replica suite: the Debian package installed on
// first use (CI machines start without it), then run as a child process in the foreground with
// everything it writes (pid, logs, temp files) in a temporary directory, so it runs as root without
// touching /var or port 80.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const NGINX_BIN = '/usr/sbin/nginx';
const POLICY_RC = '/usr/sbin/policy-rc.d';

export type NginxAvailability = { ok: true; binary: string; installed: boolean } | { ok: false; reason: string };

let availability: NginxAvailability | undefined;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { ok: result.status === 0, output };
}

/**
 * The nginx binary, installing the Debian package (nginx-light, else nginx) when it is missing.
 * Synchronous because it decides, while jest collects the suite, whether the suite runs at all.
 * Asked once per process. No service is started by the install: policy-rc.d answers 101 ("action
 * forbidden") to the package's invoke-rc.d — written for the install and removed afterwards when this
 * function wrote it — and RUNLEVEL=1 tells the maintainer scripts the system is not running.
 */
export function ensureNginx(): NginxAvailability {
  if (availability) return availability;
  availability = findOrInstall();
  return availability;
}

function findOrInstall(): NginxAvailability {
  if (fs.existsSync(NGINX_BIN)) return { ok: true, binary: NGINX_BIN, installed: false };
  if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/apt-get')) return { ok: false, reason: `${NGINX_BIN} is missing and there is no apt-get to install it` };
  if (process.getuid?.() !== 0) return { ok: false, reason: `${NGINX_BIN} is missing and only root can apt-get install it (run: apt-get install nginx-light)` };

  console.log(`[nginx] ${NGINX_BIN} is missing: installing the Debian package (apt-get install nginx-light, else nginx)`);
  const started = Date.now();
  let wrotePolicy = false;
  const attempts: string[] = [];
  try {
    if (!fs.existsSync(POLICY_RC)) {
      fs.writeFileSync(POLICY_RC, '#!/bin/sh\n# written by test/support/nginx.ts for the duration of an install: start no service\nexit 101\n', { mode: 0o755 });
      wrotePolicy = true;
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
    const install = (pkg: string) => {
      // Another apt run on the machine holds the lock for a while: wait for it rather than fail.
      const result = run('apt-get', ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=180', pkg], env);
      attempts.push(`apt-get install ${pkg}: ${result.ok ? 'ok' : result.output.trim().split('\n').slice(-3).join(' | ')}`);
      return result.ok && fs.existsSync(NGINX_BIN);
    };
    let done = install('nginx-light') || install('nginx');
    if (!done) {
      // The package lists may be stale (a superseded version is no longer on the mirror) or absent.
      const update = run('apt-get', ['update', '-o', 'DPkg::Lock::Timeout=180'], env);
      attempts.push(`apt-get update: ${update.ok ? 'ok' : update.output.trim().split('\n').slice(-2).join(' | ')}`);
      done = update.ok && (install('nginx-light') || install('nginx'));
    }
    if (!done) return { ok: false, reason: `could not install nginx:\n  ${attempts.join('\n  ')}` };
    console.log(`[nginx] installed ${NGINX_BIN} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { ok: true, binary: NGINX_BIN, installed: true };
  } finally {
    if (wrotePolicy) fs.rmSync(POLICY_RC, { force: true });
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; nginx is restarted on another if it is taken by then). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface NginxOptions {
  /** host:port of every upstream server, e.g. the gateway replicas. */
  upstreams: string[];
  /** Idle keep-alive connections nginx keeps to the upstreams (per worker). */
  keepalive?: number;
}

export interface Nginx {
  /** The proxied GraphQL endpoint, http://127.0.0.1:<port>/graphql. */
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** The access log's lines so far: `<client> <status> <upstream_addr> <upstream_status> <request_time> "<request>"`. */
  accessLog(): string[];
  errorLog(): string;
  stop(): Promise<void>;
}

/** Temp-path directives of the modules this nginx build has (nginx-light may leave some out). */
function tempPaths(binary: string, dir: string): string {
  const built = spawnSync(binary, ['-V'], { encoding: 'utf8' }).stderr ?? '';
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .filter((name) => !built.includes(`--without-http_${name}_module`))
    .map((name) => `  ${name}_temp_path ${path.join(dir, 'temp', name)};`)
    .join('\n');
}

function config(binary: string, dir: string, port: number, options: NginxOptions): string {
  const servers = options.upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=10s;`).join('\n');
  return `# written by test/support/nginx.ts
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;

events {
  worker_connections 1024;
}

http {
  log_format replicas '$remote_addr $status $upstream_addr $upstream_status $request_time "$request"';
  access_log ${path.join(dir, 'access.log')} replicas;
${tempPaths(binary, dir)}

  upstream gateways {
    # round-robin (the default)
${servers}
    keepalive ${options.keepalive ?? 16};
  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://gateways;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # A replica that refuses the connection or times out is skipped. A POST that a replica had
      # already received is not sent again (nginx's default without non_idempotent): a request a
      # killed replica had accepted answers 502 rather than being replayed behind the client's back.
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      # Test harness only: which replica answered (a production proxy would not reveal this).
      add_header X-Upstream-Addr $upstream_addr always;
    }
  }
}
`;
}

/** Starts nginx in the foreground as a child process; resolves once it accepts connections. */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const found = ensureNginx();
  if (!found.ok) throw new Error(found.reason);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(found.binary, await freePort(), options);
    } catch (error) {
      lastError = error;
      if (!String(error).includes('Address already in use')) throw error;
    }
  }
  throw lastError;
}

async function startOnce(binary: string, port: number, options: NginxOptions): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-nginx-'));
  // The master runs as root, its worker as nobody: the worker must reach the temp paths.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'temp'), { mode: 0o755 });
  const confFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confFile, config(binary, dir, port, options));
  const errorLogFile = path.join(dir, 'error.log');
  const accessLogFile = path.join(dir, 'access.log');
  const readFile = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

  // -e: the error log before the configuration is read (the package's default is under /var/log).
  const child = spawn(binary, ['-p', `${dir}/`, '-c', confFile, '-e', errorLogFile, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    if (running()) {
      // nginx's workers are its children: collect them in case the master must be killed.
      const workers = childPids(child.pid!);
      child.kill('SIGTERM'); // fast shutdown: the master stops its workers and exits
      const timer = setTimeout(() => {
        if (running()) child.kill('SIGKILL');
        for (const pid of workers) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (!running()) {
      const reason = `${output.join('')}\n${readFile(errorLogFile)}`.trim();
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx exited with ${child.exitCode ?? child.signalCode}: ${reason}`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not accept connections on 127.0.0.1:${port} within 15 s: ${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    dir,
    process: child,
    accessLog: () => readFile(accessLogFile).split('\n').filter(Boolean),
    errorLog: () => readFile(errorLogFile),
    stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
