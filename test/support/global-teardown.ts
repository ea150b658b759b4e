// Repeats the skip warning at the end of the run, where it cannot be missed.
export default async function globalTeardown(): Promise<void> {
  const skipped = [
    ...(process.env.TEST_POSTGRES_AVAILABLE === '1' ? [] : ['PostgreSQL']),
    ...(process.env.TEST_REDIS_AVAILABLE === '1' ? [] : ['Redis']),
  ];
  if (skipped.length) console.warn(`\n!! SKIPPED: suites needing ${skipped.join(' and ')} did not run (no server reachable).\n`);
}
