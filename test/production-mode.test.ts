// Production mode (NODE_ENV=production, issue 16 item 1): no development keys, data or fixtures; the
// schema changes only through `npm run migrate`; and the development seeder never replaces records it
// did not put there.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Pool } from 'pg';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { INSTITUTION } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { testInstitutionsFile } from './support/institutions';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';
import { startStack } from './support/stack';

const ROOT = path.resolve(__dirname, '..');

describeWithPostgres('production mode on PostgreSQL', () => {
  const credentials = new Credentials();
  const prefix = uniqueSchemaPrefix('prod');
  const { keys } = credentials;
  // Every secret given, as a deployment gives them; nothing from development.
  const production = (): NodeJS.ProcessEnv => ({
    NODE_ENV: 'production', DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix, DATA_SCALE: TEST_SCALE,
    JWT_PUBLIC_KEY_FILE: keys.publicKeyFile, API_KEY_SECRET: keys.apiKeySecret, GATEWAY_SUBGRAPH_SECRET: keys.gatewaySubgraphSecret,
    MASK_HASH_KEY: keys.maskHashKey, AUDIT_SUBJECT_KEY: keys.auditSubjectKey, DEV_KEYS_DIR: '', GRANTS_FILE: '',
    // The authorities a deployment starts with (inserted when missing, in every mode).
    INSTITUTIONS_FILE: testInstitutionsFile(),
  });
  afterAll(async () => {
    credentials.cleanup();
    await dropSchemas(prefix);
  });

  it('refuses to start on an unmigrated schema, starts after npm run migrate with no development data, and refuses fixture grants', async () => {
    await expect(startStack(production(), 60_000)).rejects.toThrow(/npm run migrate/);

    const migrated = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], { cwd: ROOT, env: { ...process.env, ...production() }, encoding: 'utf8' });
    expect(migrated.trim().split('\n').map((line) => JSON.parse(line).subgraph)).toEqual(['population', 'legal-entity', 'licence', 'platform']);

    const stack = await startStack(production());
    try {
      const headers = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION })}`, 'x-scenario-id': 'prod-check' };
      const person: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { gender } }', { id: personIdAt(DEFAULT_SEED, 1) }, headers);
      expect(person.errors).toBeUndefined();
      expect(person.data.person).toBeNull(); // nothing seeded
      const catalog: any = await graphql(stack.gatewayUrl, '{ catalog { code } }');
      expect(catalog.data.catalog).toHaveLength(3); // the catalog's initial entries are not development data
      const devToken = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/auth/dev-token'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"identity":"operator"}' });
      expect(devToken.status).toBe(404);
    } finally {
      await stack.stop();
    }

    const grantsFile = writeGrantsFile([{ id: 'g', grantee: { kind: 'institution', id: INSTITUTION }, scenario: 's', fields: ['Person.name'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2100-01-01T00:00:00Z' }]);
    await expect(startStack({ ...production(), GRANTS_FILE: grantsFile }, 60_000)).rejects.toThrow(/GRANTS_FILE is set in production/);
  }, 240_000);

  it('the development seeder refuses to replace records it did not put there', async () => {
    const pool = new Pool({ connectionString: TEST_DATABASE_URL });
    try {
      // A record loaded by someone else (say, a migration from the old system) into the schema.
      await pool.query(
        `INSERT INTO ${prefix}population.person (id_number, name, gender, birth_date, ethnicity, household_address, division_code, status, household_number)
         VALUES ($1, '张三', 'MALE', '1980-01-01', '汉族', '云南省昆明市五华区', '530102', 'ALIVE', 'H1')`,
        [personIdAt(DEFAULT_SEED, 1)],
      );
      const rows = (await pool.query(`SELECT count(*)::int AS n FROM ${prefix}population.person`)).rows[0].n;
      expect(rows).toBe(1);
      await expect(startStack({ ...production(), NODE_ENV: '' }, 60_000)).rejects.toThrow(/holds records the development seeder did not put there/);
      expect((await pool.query(`SELECT count(*)::int AS n FROM ${prefix}population.person`)).rows[0].n).toBe(1);
    } finally {
      await pool.end();
    }
  }, 120_000);
});
