// npm run bench:scale-report [-- --small 1 --large 50] — the same workloads at two data sizes side by
// side, from two runs of `npm run bench -- --data-db URL --scale X` (bench/results/scale-<X>.json):
// throughput, p50 and p99 per workload and gateway, and the large set's throughput over the small
// one's (issue 19's goal: mixed at 1M within 10% of 20k). Writes bench/results/scale-compare.md.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface Summary { workload: string; gateway: string; rps: number; p50Ms: number; p99Ms: number; contendedRounds: number; mismatches: number }
interface Report { command: string; startedAt: string; options: { dataSetup?: string }; summaries: Summary[] }

const DIR = path.resolve(__dirname, 'results');

function read(scale: string): Report {
  const file = path.join(DIR, `scale-${scale}.json`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run bench -- --data-db postgres://… --scale ${scale}\` first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function main(): void {
  const { values } = parseArgs({ options: { small: { type: 'string', default: '1' }, large: { type: 'string', default: '50' } } });
  const small = read(values.small!);
  const large = read(values.large!);
  const f = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const mark = (s: Summary) => (s.contendedRounds ? '*' : '');
  const lines = [
    `# The same workloads at DATA_SCALE ${values.small} and ${values.large}`,
    '',
    `- ${values.small}: \`${small.command}\`, ${small.startedAt}; ${small.options.dataSetup ?? ''}`,
    `- ${values.large}: \`${large.command}\`, ${large.startedAt}; ${large.options.dataSetup ?? ''}`,
    '',
    `| workload | gw | req/s @${values.small} | req/s @${values.large} | ratio | p50 ms @${values.small} | p50 ms @${values.large} | p99 ms @${values.small} | p99 ms @${values.large} |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of small.summaries) {
    const l = large.summaries.find((x) => x.workload === s.workload && x.gateway === s.gateway);
    if (!l) continue;
    lines.push(`| ${s.workload} | ${s.gateway} | ${f(s.rps)}${mark(s)} | ${f(l.rps)}${mark(l)} | ${(l.rps / s.rps).toFixed(2)}× | ${f(s.p50Ms)} | ${f(l.p50Ms)} | ${f(s.p99Ms)} | ${f(l.p99Ms)} |`);
  }
  lines.push('', '\\* a round of this run was contended (other processes used the CPU): compare with care.', '');
  fs.writeFileSync(path.join(DIR, 'scale-compare.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main();
