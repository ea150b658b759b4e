// npm run build (issue 16 item 1): the gateway and every subgraph start from dist/ with plain node —
// no tsx, no TypeScript at run time — and serve the channel as the sources do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { INSTITUTION } from './support/applications';
import { Credentials } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { serviceUrl } from '../protocol/internal-paths';
import { SUBGRAPHS } from '../subgraphs/registry';
import { composeProcesses, entryOf, k8sProcesses } from './support/deploy-files';
import os from 'node:os';

const ROOT = path.resolve(__dirname, '..');

/** The command lines of a process's children (Linux /proc). */
function childCommands(pid: number): string[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === pid ? [fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')] : [];
      } catch {
        return [];
      }
    });
}

describe('the build', () => {
  const credentials = new Credentials();
  let stack: Stack;
  beforeAll(async () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe' });
    stack = await startStack({ DATA_SCALE: TEST_SCALE, DATABASE_URL: '', ...credentials.env() }, 120_000, { compiled: true });
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('runs every process from dist/ with plain node and answers through the policy', async () => {
    const commands = childCommands(stack.process.pid!);
    expect(commands).toHaveLength(5); // four subgraphs and the gateway
    for (const command of commands) {
      expect(command).toMatch(/(gateway|subgraphs\/[a-z-]+)\/main\.js$/);
      expect(command).not.toMatch(/tsx|\.ts\b/);
    }
    const headers = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION })}`, 'x-scenario-id': 'build-check' };
    const answer: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { gender name } }', { id: personIdAt(DEFAULT_SEED, 1) }, headers);
    expect(answer.data.person.gender).toMatch(/^(MALE|FEMALE)$/);
    expect(answer.errors.map((e: any) => e.extensions.code)).toEqual(['GRANT_REQUIRED']); // the policy acts
  });

  it('runs what the deployment files (deploy/) name: their entry points exist in dist/, their probe paths answer', async () => {
    const processes = [...composeProcesses(), ...k8sProcesses()];
    for (const p of processes) expect([p.where, fs.existsSync(path.join(ROOT, entryOf(p.command)))]).toEqual([p.where, true]);
    const graphqlUrlOf = (entry: string) =>
      entry === 'dist/gateway/main.js' ? stack.gatewayUrl : stack.subgraphUrls[SUBGRAPHS.find((s) => `dist/${s.entry.replace(/\.ts$/, '.js')}` === entry)?.name ?? ''];
    let probed = 0;
    for (const p of processes) {
      for (const probe of p.probes) {
        const response = await fetch(serviceUrl(graphqlUrlOf(entryOf(p.command)), probe.path));
        expect([p.where, probe.path, response.status]).toEqual([p.where, probe.path, 200]);
        probed += 1;
      }
    }
    expect(probed).toBeGreaterThanOrEqual(10);
  });

  it('needs only production dependencies at run time (npm prune --omit=dev in a copy): every compiled module loads, the migration runs', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-prod-deps-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(copy, file));
      // Hard links (fast, no download); npm rewrites node_modules/.package-lock.json: a copy of its own.
      execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules')]);
      fs.rmSync(path.join(copy, 'node_modules/.package-lock.json'));
      fs.copyFileSync(path.join(ROOT, 'node_modules/.package-lock.json'), path.join(copy, 'node_modules/.package-lock.json'));
      execFileSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: copy, stdio: 'pipe' });
      expect(fs.existsSync(path.join(copy, 'node_modules/typescript'))).toBe(false);
      execFileSync('cp', ['-r', path.join(ROOT, 'dist'), path.join(copy, 'dist')]);
      // Modules other than entry points load (entry points start servers); entry points' own imports resolve.
      const check = `
        const fs = require('fs'), path = require('path');
        const files = fs.readdirSync('dist', { recursive: true }).map(String).filter((f) => f.endsWith('.js')).map((f) => path.resolve('dist', f));
        for (const file of files) {
          if (file.endsWith('main.js') || file.includes('/dist/scripts/')) {
            for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/require\\("([^".][^"]*)"\\)/g)) require.resolve(spec, { paths: [path.dirname(file)] });
          } else require(file);
        }
        console.log(files.length);`;
      const loaded = Number(execFileSync(process.execPath, ['-e', check], { cwd: copy, encoding: 'utf8' }).trim());
      expect(loaded).toBeGreaterThan(100);
      const migrated = execFileSync(process.execPath, ['dist/scripts/migrate.js'], { cwd: copy, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', PGLITE_DIR: path.join(copy, 'pglite') } });
      expect(migrated.split('\n').filter((line) => line.includes('"migrated"'))).toHaveLength(SUBGRAPHS.length);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);
});
