// Probes the real PostgreSQL and Redis, and the browser of the console's tests, once per run; builds the
// console when it is not built. Without them the other suites still run and the skipped ones are
// announced loudly; with REQUIRE_SERVICES=1 (CI) anything missing fails the run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { reachable, TEST_DATABASE_URL, TEST_REDIS_URL } from './services';

const ROOT = path.resolve(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  const [postgres, redis] = await Promise.all([reachable(TEST_DATABASE_URL), reachable(TEST_REDIS_URL)]);
  process.env.TEST_POSTGRES_AVAILABLE = postgres ? '1' : '0';
  process.env.TEST_REDIS_AVAILABLE = redis ? '1' : '0';
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const browser = fs.existsSync(chromium);
  process.env.TEST_BROWSER_AVAILABLE = browser ? '1' : '0';
  if (browser && !fs.existsSync(path.join(ROOT, 'console/dist/index.html'))) execFileSync('npm', ['run', '--silent', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
  const missing = [
    ...(postgres ? [] : [`PostgreSQL at ${TEST_DATABASE_URL}`]),
    ...(redis ? [] : [`Redis at ${TEST_REDIS_URL}`]),
    ...(browser ? [] : [`a browser at ${chromium} (apt-get install chromium fonts-noto-cjk) for the console`]),
  ];
  if (missing.length === 0) return;
  if (process.env.REQUIRE_SERVICES === '1') {
    throw new Error(`REQUIRE_SERVICES=1 but not reachable: ${missing.join(', ')}`);
  }
  const banner = '!'.repeat(78);
  console.warn(`\n${banner}\n!! SKIPPING the suites that need ${missing.join(' and ')}.\n!! Only the embedded (PGlite / in-process) suites run. Set TEST_DATABASE_URL / TEST_REDIS_URL.\n${banner}\n`);
}
