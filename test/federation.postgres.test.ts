// The federated graph on the real PostgreSQL server.
import { federationSuite } from './support/federation-suite';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';

describeWithPostgres('federated graph', () => {
  const prefix = uniqueSchemaPrefix('fed');
  federationSuite(() => ({ DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix }));
  afterAll(() => dropSchemas(prefix));
});
