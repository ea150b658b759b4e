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
});
