// npm run build: compiles the gateway, the subgraphs and the scripts to dist/ (tsc, tsconfig.build.json)
// and copies the files they read at run time beside them (SDL, profiles, calendars, fixtures), so each
// process starts from dist/ with plain `node` — no tsx, no TypeScript at run time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist');

/** Files read at run time, relative to the project root (folders: every file with one of the extensions). */
const ASSETS: readonly { dir: string; extensions: readonly string[] }[] = [
  { dir: 'schema', extensions: ['.graphql'] },
  { dir: 'subgraphs/platform/profiles', extensions: ['.json'] },
  { dir: 'subgraphs/platform/calendar', extensions: ['.json'] },
  { dir: 'gateway/fixtures', extensions: ['.json'] },
  { dir: 'lib/identifiers', extensions: ['.json'] },
];

fs.rmSync(OUT, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
let copied = 0;
for (const { dir, extensions } of ASSETS) {
  for (const name of fs.readdirSync(path.join(ROOT, dir))) {
    if (!extensions.some((ext) => name.endsWith(ext))) continue;
    fs.mkdirSync(path.join(OUT, dir), { recursive: true });
    fs.copyFileSync(path.join(ROOT, dir, name), path.join(OUT, dir, name));
    copied += 1;
  }
}
// The compiled tree resolves packages from the project's node_modules (dist/ sits inside the project;
// a container copies both).
console.log(`built dist/ (${copied} run-time files copied)`);
