// A real nginx in front of gateway replicas, for the replica suite: the Debian package installed on
// first use (CI machines start without it), then run as a child process in the foreground with
// everything it writes (pid, logs, temp files) in a temporary directory, so it runs as root
// without touching port 80. It runs the shipped deploy/nginx.conf, addresses changed (testNginxConfig).
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
}

export interface Nginx {
  /** The proxied GraphQL endpoint, http://127.0.0.1:<port>/graphql. */
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** The access log's lines so far: `<client> <status> <upstream_addr> <upstream_status> <request_time> "<method> <path>"`. */
  accessLog(): string[];
  errorLog(): string;
  stop(): Promise<void>;
}

/** The proxy the deployment ships (deploy/compose.yaml mounts it). */
export const SHIPPED_NGINX_CONF = path.resolve(__dirname, '../../deploy/nginx.conf');

/**
 * The shipped deploy/nginx.conf with only the addresses changed: the upstream servers (the test's
 * replicas, keeping the shipped lines' parameters) and the listen address (loopback, a free port).
 * One header is added for the harness: which replica answered (the shipped proxy does not reveal it).
 */
export function testNginxConfig(shipped: string, port: number, upstreams: string[]): string {
  const servers = /^([ \t]*)server[ \t]+\S+([ \t][^;\n]*)?;[ \t]*\n/gm;
  const first = new RegExp(servers.source, 'm').exec(shipped);
  if (!first) throw new Error(`${SHIPPED_NGINX_CONF} has no upstream server line`);
  const [, indent, parameters = ''] = first;
  const lines = upstreams.map((u) => `${indent}server ${u}${parameters};\n`).join('');
  const steps: [RegExp, string][] = [
    [/^([ \t]*upstream gateways \{[^\n]*\n(?:[ \t]*#[^\n]*\n)*)/m, `$1${lines}`],
    [/^([ \t]*)listen[ \t]+80;/m, `$1listen 127.0.0.1:${port};`],
    [/^([ \t]*)proxy_pass http:\/\/gateways;/m, '$&\n$1add_header X-Upstream-Addr $upstream_addr always; # test harness only'],
  ];
  let config = shipped.replace(servers, '');
  for (const [pattern, replacement] of steps) {
    if (!pattern.test(config)) throw new Error(`${SHIPPED_NGINX_CONF}: nothing matches ${pattern}`);
    config = config.replace(pattern, replacement);
  }
  return config;
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
  // The master runs as root, its workers as an unprivileged user: they must reach the temp paths.
  fs.chmodSync(dir, 0o755);
  const confFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confFile, testNginxConfig(fs.readFileSync(SHIPPED_NGINX_CONF, 'utf8'), port, options.upstreams));

  // The shipped file logs to stdout (access) and stderr (errors), as in a container. Its stdout is a
  // file here (nginx opens /dev/stdout, which a socket, node's pipe, refuses); -e: errors before the
  // configuration is read (the package's default is under /var/log); the pid file here.
  const accessLogFile = path.join(dir, 'access.log');
  const accessLogFd = fs.openSync(accessLogFile, 'a');
  const child = spawn(binary, ['-p', `${dir}/`, '-c', confFile, '-e', 'stderr', '-g', `daemon off; pid ${path.join(dir, 'nginx.pid')};`], { stdio: ['ignore', accessLogFd, 'pipe'] });
  fs.closeSync(accessLogFd);
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
  const readAccessLog = () => (fs.existsSync(accessLogFile) ? fs.readFileSync(accessLogFile, 'utf8') : '');
  const output = () => `${readAccessLog()}${stderr.join('')}`.trim();
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
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx exited with ${child.exitCode ?? child.signalCode}: ${output()}`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not accept connections on 127.0.0.1:${port} within 15 s: ${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    dir,
    process: child,
    accessLog: () => readAccessLog().split('\n').filter(Boolean),
    errorLog: () => stderr.join(''),
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
