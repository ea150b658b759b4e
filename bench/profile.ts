// Where a gateway's CPU goes: reads the .cpuprofile files Node writes with --cpu-prof and sums self time
// by function and by package (node_modules/<pkg>, the project's own folders, node: internals).
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time by function, highest first. */
  functions: { name: string; where: string; ms: number; percent: number }[];
  /** Self time by package or project folder, highest first. */
  areas: { area: string; ms: number; percent: number }[];
}

function areaOf(url: string, root: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = file.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const relative = path.relative(root, file);
  return relative.startsWith('..') ? file : `project: ${relative.split(path.sep).slice(0, 2).join('/')}`;
}

export function summariseProfile(file: string, root: string, top = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time from the sample stream (more exact than hitCount × mean interval).
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const where = url ? `${areaOf(url, root)}:${path.basename(url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const area = functionName === '(garbage collector)' ? '(garbage collector)' : areaOf(url, root);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const percent = (us: number) => (total ? (us / total) * 100 : 0);
  return {
    file,
    totalMs: total / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, percent: percent(f.us) })),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, ms: us / 1000, percent: percent(us) })),
  };
}

export function formatProfile(label: string, summary: ProfileSummary): string {
  const lines = [`${label}: ${(summary.totalMs / 1000).toFixed(1)} s of CPU on the main thread (${path.basename(summary.file)})`, '  by area:'];
  for (const a of summary.areas) lines.push(`    ${a.percent.toFixed(1).padStart(5)}%  ${a.area}`);
  lines.push('  by function (self time):');
  for (const f of summary.functions) lines.push(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  return lines.join('\n');
}

/** The profile of a process's main thread among those its threads wrote into `dir`: the one with the
 * most samples (a worker thread's profile is written too, and is small). */
export function mainThreadProfile(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  const samples = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile).samples.length;
  return files.map((file) => ({ file, n: samples(file) })).sort((a, b) => b.n - a.n)[0]?.file;
}
