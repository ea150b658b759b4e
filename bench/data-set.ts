// The data set a benchmark runs on with --data-db: kept in PostgreSQL between runs under a schema prefix
// of its scale, so that a 1M-person set is seeded once (minutes) and reused (the seeder's fingerprint
// tells the subgraphs it is already there).

/** Whether a data set was seeded under `prefix` before (its population schema records a seed). */
export async function dataSetPresent(url: string, prefix: string): Promise<boolean> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'seed_state'`, [`${prefix}population`]);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

/** The persistent schema prefix of a --data-db data set of this scale (kept between runs, seeded once). */
export function dataSchemaPrefix(scale: number): string {
  return `bench_data_s${String(scale).replace(/[^0-9]/g, '_')}_`;
}

