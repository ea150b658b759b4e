// Summaries of the benchmark's runs: medians per workload × gateway, ratios to the bare gateway (and, when
// both ran, of C to the Hive gateway E), the console table, and the files bench/results/latest.json and latest.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProfileSummary } from './profile';
import { max, median, min } from './stats';

export type GatewayKey = 'A' | 'B' | 'C' | 'D' | 'E' | 'E0';
export const GATEWAY_KEYS: readonly GatewayKey[] = ['A', 'B', 'C', 'D', 'E', 'E0'];

/** A run is "contended" when processes outside the benchmark used more than this (% of one core) during it. */
export const CONTENDED_PERCENT = 20;

export const GATEWAY_LABELS: Record<GatewayKey, string> = {
  A: 'bare @apollo/gateway',
  B: 'this gateway, POLICY=off',
  C: 'this gateway, POLICY=on (audit on)',
  D: 'this gateway, POLICY=on, AUDIT=off',
  E: '@graphql-hive/gateway (peer, no policy), in-flight sharing on',
  E0: '@graphql-hive/gateway (peer, no policy), in-flight sharing off',
};

/** Whether a gateway applies the policy (its answers are masked, so they are compared with A's by shape). */
export const GATEWAY_POLICY: Record<GatewayKey, boolean> = { A: false, B: false, C: true, D: true, E: false, E0: false };

/** One measured window of one gateway on one workload. */
export interface RunMeasurement {
  workload: string;
  gateway: GatewayKey;
  round: number;
  seconds: number;
  responses: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  statusCodes: Record<string, number>;
  non200: number;
  /** Connection errors and timeouts (autocannon reqError). */
  socketErrors: number;
  /** 200 responses whose body contains "errors" where none was expected (a policy gateway's answer to a request with a denied field is expected to carry them). */
  graphqlErrorResponses: number;
  errorSample?: string;
  /** Responses with errors where they were expected (denied fields, policy gateways only). */
  expectedErrorResponses: number;
  /** Sampled answers parsed and compared with the gateway's verified answer to the same request, and how many differed. */
  checkedResponses: number;
  mismatches: number;
  /** Equal to the verified answer but for characters the load generator split between network chunks (U+FFFD). */
  splitDecoded: number;
  mismatchSample?: string;
  /** % of one core over the window. */
  gatewayCpuPercent?: number;
  gatewayRssMaxMiB?: number;
  subgraphsCpuPercent?: number;
  loadGeneratorCpuPercent: number;
  /** The whole machine (% of one core; 100 × CPUs = saturated) and the part of it none of the benchmark's processes used. */
  machineBusyPercent?: number;
  otherCpuPercent?: number;
  stealPercent?: number;
  bytesPerResponse: number;
}

export interface Summary {
  workload: string;
  gateway: GatewayKey;
  rounds: number;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p50Ms: number;
  p99Ms: number;
  gatewayCpuPercent: number;
  gatewayRssMiB: number;
  subgraphsCpuPercent: number;
  loadGeneratorCpuPercent: number;
  machineBusyPercent: number;
  otherCpuPercent: number;
  /** Gateway CPU time per request, ms (CPU% × window / responses): the gateway's own cost. */
  gatewayCpuMsPerRequest: number;
  subgraphsCpuMsPerRequest: number;
  responses: number;
  non200: number;
  socketErrors: number;
  graphqlErrorResponses: number;
  errorSample?: string;
  expectedErrorResponses: number;
  checkedResponses: number;
  mismatches: number;
  /** Equal to the verified answer but for characters the load generator split between network chunks (U+FFFD). */
  splitDecoded: number;
  mismatchSample?: string;
  bytesPerResponse: number;
  /** Rounds during which other processes used more than CONTENDED_PERCENT of a core. */
  contendedRounds: number;
  /** Versus A (the bare gateway) on the same workload: median throughput and p99 ratios. */
  rpsVsA?: number;
  p99VsA?: number;
  cpuPerRequestVsA?: number;
  /** C only, when E ran too: the same ratios versus the Hive gateway (ours with policy and audit vs a peer without). */
  rpsVsE?: number;
  p99VsE?: number;
  cpuPerRequestVsE?: number;
}

export function summarise(runs: readonly RunMeasurement[]): Summary[] {
  const groups = new Map<string, RunMeasurement[]>();
  for (const run of runs) {
    const key = `${run.workload}\u0000${run.gateway}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const summaries: Summary[] = [];
  for (const group of groups.values()) {
    const { workload, gateway } = group[0];
    const sum = (pick: (r: RunMeasurement) => number) => group.reduce((total, r) => total + pick(r), 0);
    const perRequest = (cpu: (r: RunMeasurement) => number | undefined) =>
      median(group.map((r) => (cpu(r) === undefined || r.responses === 0 ? undefined : ((cpu(r)! / 100) * r.seconds * 1000) / r.responses)));
    summaries.push({
      workload,
      gateway,
      rounds: group.length,
      rps: median(group.map((r) => r.rps)),
      rpsMin: min(group.map((r) => r.rps)),
      rpsMax: max(group.map((r) => r.rps)),
      p50Ms: median(group.map((r) => r.p50Ms)),
      p99Ms: median(group.map((r) => r.p99Ms)),
      gatewayCpuPercent: median(group.map((r) => r.gatewayCpuPercent)),
      gatewayRssMiB: median(group.map((r) => r.gatewayRssMaxMiB)),
      subgraphsCpuPercent: median(group.map((r) => r.subgraphsCpuPercent)),
      loadGeneratorCpuPercent: median(group.map((r) => r.loadGeneratorCpuPercent)),
      machineBusyPercent: median(group.map((r) => r.machineBusyPercent)),
      otherCpuPercent: median(group.map((r) => r.otherCpuPercent)),
      gatewayCpuMsPerRequest: perRequest((r) => r.gatewayCpuPercent),
      subgraphsCpuMsPerRequest: perRequest((r) => r.subgraphsCpuPercent),
      responses: sum((r) => r.responses),
      non200: sum((r) => r.non200),
      socketErrors: sum((r) => r.socketErrors),
      graphqlErrorResponses: sum((r) => r.graphqlErrorResponses),
      errorSample: group.find((r) => r.errorSample)?.errorSample,
      expectedErrorResponses: sum((r) => r.expectedErrorResponses),
      checkedResponses: sum((r) => r.checkedResponses),
      mismatches: sum((r) => r.mismatches),
      splitDecoded: sum((r) => r.splitDecoded),
      mismatchSample: group.find((r) => r.mismatchSample)?.mismatchSample,
      bytesPerResponse: median(group.map((r) => r.bytesPerResponse)),
      contendedRounds: group.filter((r) => (r.otherCpuPercent ?? 0) > CONTENDED_PERCENT).length,
    });
  }
  for (const summary of summaries) {
    const a = summaries.find((s) => s.workload === summary.workload && s.gateway === 'A');
    if (!a || summary.gateway === 'A') continue;
    summary.rpsVsA = summary.rps / a.rps;
    summary.p99VsA = summary.p99Ms / a.p99Ms;
    summary.cpuPerRequestVsA = summary.gatewayCpuMsPerRequest / a.gatewayCpuMsPerRequest;
  }
  for (const summary of summaries) {
    // Against the Hive peer on equal terms: without its in-flight sharing (E0) when it ran, else E.
    const e = summaries.find((s) => s.workload === summary.workload && s.gateway === 'E0') ?? summaries.find((s) => s.workload === summary.workload && s.gateway === 'E');
    if (!e || summary.gateway !== 'C') continue;
    summary.rpsVsE = summary.rps / e.rps;
    summary.p99VsE = summary.p99Ms / e.p99Ms;
    summary.cpuPerRequestVsE = summary.gatewayCpuMsPerRequest / e.gatewayCpuMsPerRequest;
  }
  return summaries;
}

// ───────────────────────── formatting ─────────────────────────

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function ratio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : `${value.toFixed(2)}×`;
}

const HEADERS = ['workload', 'gw', 'req/s', 'p50 ms', 'p99 ms', 'gw CPU%', 'gw RSS MiB', 'gw CPU ms/req', 'subgraphs CPU%', 'other CPU%', 'errors', 'checked/bad', 'req/s vs A', 'p99 vs A', 'CPU/req vs A'];
/** Only when C and E both ran: C's ratios to the Hive gateway, on C's rows. */
const HEADERS_VS_E = ['req/s C vs E', 'p99 C vs E', 'CPU/req C vs E'];

function withVsE(summaries: readonly Summary[]): boolean {
  return summaries.some((s) => s.rpsVsE !== undefined);
}

function headers(summaries: readonly Summary[]): string[] {
  return withVsE(summaries) ? [...HEADERS, ...HEADERS_VS_E] : HEADERS;
}

function rows(summaries: readonly Summary[]): string[][] {
  const vsE = withVsE(summaries);
  return summaries.map((s) => [
    s.workload,
    `${s.gateway}${s.contendedRounds ? '*' : ''}`,
    fixed(s.rps, 0),
    fixed(s.p50Ms, 2),
    fixed(s.p99Ms, 2),
    fixed(s.gatewayCpuPercent, 0),
    fixed(s.gatewayRssMiB, 0),
    fixed(s.gatewayCpuMsPerRequest, 3),
    fixed(s.subgraphsCpuPercent, 0),
    fixed(s.otherCpuPercent, 0),
    String(s.non200 + s.socketErrors + s.graphqlErrorResponses),
    `${s.checkedResponses}/${s.mismatches}`,
    ratio(s.rpsVsA),
    ratio(s.p99VsA),
    ratio(s.cpuPerRequestVsA),
    ...(vsE ? [ratio(s.rpsVsE), ratio(s.p99VsE), ratio(s.cpuPerRequestVsE)] : []),
  ]);
}

export function consoleTable(summaries: readonly Summary[]): string {
  const head = headers(summaries);
  const all = [head, ...rows(summaries)];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '─'.repeat(w)).join('  ')];
  let previous = '';
  for (const row of rows(summaries)) {
    if (previous && row[0] !== previous) out.push('');
    previous = row[0];
    out.push(line(row));
  }
  return out.join('\n');
}

export function markdownTable(summaries: readonly Summary[]): string {
  const head = headers(summaries);
  const out = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const row of rows(summaries)) out.push(`| ${row.join(' | ')} |`);
  return out.join('\n');
}

export interface MachineDescription {
  cpuModel: string;
  cpus: number;
  totalMemGiB: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export interface Report {
  command: string;
  startedAt: string;
  wallSeconds: number;
  machine: MachineDescription;
  options: Record<string, unknown>;
  /** Who the connections were (many callers, or the one-caller mode, labelled as such). */
  callers: string;
  dataStore: string;
  gateways: GatewayKey[];
  setup: Record<string, unknown>;
  workloads: { name: string; description: string; requests: number }[];
  verification: unknown[];
  notes: string[];
  summaries: Summary[];
  runs: RunMeasurement[];
  profiles?: (ProfileSummary & { gateway: GatewayKey })[];
}

/** Written to latest.{json,md}; a run given --scale X to scale-<X>.{json,md}, beside the default one. */
export function writeReport(dir: string, report: Report): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const base = report.options.scaleGiven ? `scale-${report.options.dataScale}` : 'latest';
  const json = path.join(dir, `${base}.json`);
  const md = path.join(dir, `${base}.md`);
  fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  const m = report.machine;
  const lines = [
    `# Gateway benchmark — latest run${report.callers.startsWith('ONE CALLER') ? ' (ONE-CALLER MODE)' : ' (many callers)'}`,
    '',
    `Command: \`${report.command}\` · started ${report.startedAt} · wall time ${report.wallSeconds.toFixed(0)} s`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB RAM, ${m.platform}, Node ${m.node}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    '',
    `Options: ${Object.entries(report.options).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')}.`,
    '',
    `Callers: ${report.callers}`,
    '',
    `Gateways, on the same supergraph and the same running subgraphs (${report.dataStore}, DATA_SCALE=${report.options.dataScale ?? 1}${report.options.dataSetup ? `; ${report.options.dataSetup}` : ''}):`,
    ...report.gateways.map((k) => `- **${k}** — ${GATEWAY_LABELS[k]}`),
    '',
    'Medians over rounds. p50/p99: exact percentiles of every response latency in the measured window, as seen by the load generator (autocannon, in the benchmark process). ' +
      '"gw CPU%" is the gateway process (utime+stime from /proc, % of one core), "gw CPU ms/req" the same per response ' +
      '(the figure least disturbed by a busy machine; "CPU/req vs A" compares it); ' +
      (withVsE(report.summaries) ? `"… C vs E" are C's figures over the Hive gateway's on the same workload (on C's rows): over E0 (its in-flight sharing off, like the subgraph sharing that many callers leave C) when E0 ran, else over E; ` : '') +
      '"subgraphs CPU%" is the sum of the subgraph processes; "other CPU%" is what processes outside the benchmark used meanwhile ' +
      `(a gateway marked * had at least one round where that exceeded ${CONTENDED_PERCENT}%: its figures are not trustworthy). "errors" counts non-200 responses, socket errors/timeouts and 200 responses carrying GraphQL "errors" where none was expected, over all rounds; ` +
      '"checked/bad": answers sampled during the measured windows, parsed and compared with the same gateway\'s verified answer to the same request, and how many differed.',
    '',
    markdownTable(report.summaries),
    '',
    '## Workloads',
    ...report.workloads.map((w) => `- **${w.name}** (${w.requests} distinct request${w.requests === 1 ? '' : 's'} over all connections): ${w.description}`),
    '',
    '## Notes',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ];
  if (report.profiles?.length) {
    lines.push('## Where the gateways\' CPU goes (--profile)', '');
    for (const p of report.profiles) {
      lines.push(`### ${p.gateway} — ${GATEWAY_LABELS[p.gateway]} (${(p.totalMs / 1000).toFixed(1)} s of CPU)`, '', '| % | area |', '|---:|---|');
      for (const a of p.areas) lines.push(`| ${a.percent.toFixed(1)} | ${a.area} |`);
      lines.push('', '| % | function (self time) | where |', '|---:|---|---|');
      for (const f of p.functions) lines.push(`| ${f.percent.toFixed(1)} | ${f.name.replace(/\|/g, '\\|')} | ${f.where} |`);
      lines.push('');
    }
  }
  fs.writeFileSync(md, lines.join('\n'));
  return { json, md };
}
