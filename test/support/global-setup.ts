// Probes the real PostgreSQL and Redis once per run. Without them the embedded suites still run and
// the skipped ones are announced loudly; with REQUIRE_SERVICES=1 (CI) a missing server fails the run.
import { reachable, TEST_DATABASE_URL, TEST_REDIS_URL } from './services';

export default async function globalSetup(): Promise<void> {
  const [postgres, redis] = await Promise.all([reachable(TEST_DATABASE_URL), reachable(TEST_REDIS_URL)]);
  process.env.TEST_POSTGRES_AVAILABLE = postgres ? '1' : '0';
  process.env.TEST_REDIS_AVAILABLE = redis ? '1' : '0';
  const missing = [...(postgres ? [] : [`PostgreSQL at ${TEST_DATABASE_URL}`]), ...(redis ? [] : [`Redis at ${TEST_REDIS_URL}`])];
  if (missing.length === 0) return;
  if (process.env.REQUIRE_SERVICES === '1') {
    throw new Error(`REQUIRE_SERVICES=1 but not reachable: ${missing.join(', ')}`);
  }
  const banner = '!'.repeat(78);
  console.warn(`\n${banner}\n!! SKIPPING the suites that need ${missing.join(' and ')}.\n!! Only the embedded (PGlite / in-process) suites run. Set TEST_DATABASE_URL / TEST_REDIS_URL.\n${banner}\n`);
}
