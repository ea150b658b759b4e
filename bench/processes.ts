// Child processes of the benchmark: launched (lib/launch.ts) and awaited until they print their
// listening line, watched (a child that dies aborts the run), sampled through
// /proc (CPU ticks and RSS), and all stopped on exit — normal end, error, Ctrl-C or SIGTERM.
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from '../lib/launch';

export const ROOT = path.resolve(__dirname, '..');

export interface Service {
  name: string;
  url: string;
  pid: number;
  process: ChildProcess;
  /** Last lines of its output, for diagnostics. */
  tail: string[];
}

const running = new Set<ChildProcess>();
/** Set when a child dies while we did not ask it to: the run aborts at the next check. */
let unexpectedExit: Error | undefined;
let stopping = false;

export function checkChildren(): void {
  if (unexpectedExit) throw unexpectedExit;
}

export async function startService(name: string, entry: string, env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = [], timeoutMs = 180_000): Promise<Service> {
  checkChildren();
  const { process: child, listening, tail } = launch(entry, { label: name, cwd: ROOT, env: { ...baseEnv(), ...env }, nodeArgs, timeoutMs });
  running.add(child);
  const url = await listening;
  child.once('exit', (code, signal) => {
    running.delete(child);
    if (!stopping) unexpectedExit ??= new Error(`${name} (pid ${child.pid}) died during the benchmark (code ${code}, signal ${signal}):\n${tail.join('\n')}`);
  });
  return { name, url, pid: child.pid!, process: child, tail };
}

/** The environment children inherit: ours, without anything that would make Apollo report to a cloud. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('APOLLO_')) delete env[key];
  return env;
}

/** Stops every child: SIGTERM, then SIGKILL after a grace period. */
export async function stopAll(graceMs = 5000): Promise<void> {
  stopping = true;
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            running.delete(child);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Last resort when the process exits without having awaited stopAll (synchronous: 'exit' handlers cannot wait). */
process.on('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

// ───────────────────────── /proc sampling ─────────────────────────

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system) of a process so far, in seconds; undefined where /proc is unavailable. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** Resident set size in MiB, from /proc/<pid>/status VmRSS. */
export function rssMiB(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Machine-wide CPU ticks so far, from the first line of /proc/stat, in seconds of one core. */
export function machineCpuSeconds(): { busy: number; steal: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busy: (user + nice + system + irq + softirq) / ticksPerSecond(), steal: (steal || 0) / ticksPerSecond() };
  } catch {
    return undefined;
  }
}

export interface ResourceSample {
  /** CPU of the process over the window, in % of one core. */
  cpuPercent?: number;
  /** Highest RSS seen during the window, MiB. */
  rssMaxMiB?: number;
}

/**
 * Samples processes while a measurement runs: CPU from utime+stime deltas between start() and stop(),
 * RSS every intervalMs (the maximum is kept).
 */
export class ResourceSampler {
  private startCpu = new Map<number, number | undefined>();
  private rssMax = new Map<number, number>();
  private startMachine?: { busy: number; steal: number };
  private startedAt = 0;
  /** Machine-wide CPU over the last window (% of one core): everything busy, and time stolen by the hypervisor. */
  machine?: { busyPercent: number; stealPercent: number };
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: readonly number[], private readonly intervalMs = 200) {}

  start(): void {
    this.startedAt = performance.now();
    for (const pid of this.pids) this.startCpu.set(pid, cpuSeconds(pid));
    this.startMachine = machineCpuSeconds();
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), this.intervalMs);
  }

  private sampleRss(): void {
    for (const pid of this.pids) {
      const rss = rssMiB(pid);
      if (rss !== undefined) this.rssMax.set(pid, Math.max(rss, this.rssMax.get(pid) ?? 0));
    }
  }

  stop(): Map<number, ResourceSample> {
    if (this.timer) clearInterval(this.timer);
    this.sampleRss();
    const seconds = (performance.now() - this.startedAt) / 1000;
    const machine = machineCpuSeconds();
    if (machine && this.startMachine && seconds > 0) {
      this.machine = {
        busyPercent: ((machine.busy - this.startMachine.busy) / seconds) * 100,
        stealPercent: ((machine.steal - this.startMachine.steal) / seconds) * 100,
      };
    }
    const samples = new Map<number, ResourceSample>();
    for (const pid of this.pids) {
      const before = this.startCpu.get(pid);
      const after = cpuSeconds(pid);
      samples.set(pid, {
        cpuPercent: before !== undefined && after !== undefined && seconds > 0 ? ((after - before) / seconds) * 100 : undefined,
        rssMaxMiB: this.rssMax.get(pid),
      });
    }
    return samples;
  }
}

/**
 * CPU used over `ms` by everything on the machine except `ourPids` and this process, in % of one core:
 * someone else's tests or builds running beside the benchmark.
 */
export async function foreignCpuPercent(ourPids: readonly number[], ms = 500): Promise<number | undefined> {
  const machineBefore = machineCpuSeconds();
  const oursBefore = [...ourPids, process.pid].map(cpuSeconds);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const seconds = (performance.now() - started) / 1000;
  const machineAfter = machineCpuSeconds();
  const oursAfter = [...ourPids, process.pid].map(cpuSeconds);
  if (!machineBefore || !machineAfter || oursBefore.some((c) => c === undefined) || oursAfter.some((c) => c === undefined)) return undefined;
  const ours = oursAfter.reduce((total, after, i) => total! + after! - oursBefore[i]!, 0)!;
  return Math.max(0, ((machineAfter.busy - machineBefore.busy - ours) / seconds) * 100);
}

// ───────────────────────── a benchmark run's life ─────────────────────────

export interface RunLifecycle {
  /** A temporary directory removed when the run ends. */
  temporaryDir(prefix: string): string;
  /** Work to do when the run ends, however it ends (after every child has stopped). */
  cleanups: (() => Promise<void>)[];
  /** Stops what `beforeStop` names, every child, then runs the cleanups and removes the directories; once. */
  shutdown(): Promise<void>;
  /** Whether SIGINT or SIGTERM arrived. */
  interrupted(): boolean;
  /** Throws when the run was interrupted or a child died. */
  checkRunning(): void;
}

/**
 * The end of a benchmark run, however it comes (normal end, error, Ctrl-C, SIGTERM): `beforeStop`
 * (loads, processes of the script's own), every child, the cleanups, the temporary directories.
 */
export function runLifecycle(label: string, beforeStop: () => Promise<void> | void = () => undefined): RunLifecycle {
  const temporaryDirs: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let interrupted = false;
  let shuttingDown: Promise<void> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      await beforeStop();
      await stopAll();
      for (const cleanup of cleanups) await cleanup().catch((error: Error) => console.error(`[${label}] cleanup: ${error.message}`));
      for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n[${label}] ${signal}: stopping every child process…`);
      void shutdown().finally(() => process.exit(130));
    });
  }
  return {
    temporaryDir(prefix) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      temporaryDirs.push(dir);
      return dir;
    },
    cleanups,
    shutdown,
    interrupted: () => interrupted,
    checkRunning() {
      if (interrupted) throw new Error('interrupted');
      checkChildren();
    },
  };
}
