// Grants from GRANTS_FILE are loaded at every platform start; one revoked since must stay revoked
// after a restart (found on 2026-11-27: the fixture loader wrote the file's grants back as active).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { INSTITUTION, PERSON_NAME } from './support/applications';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { graphql } from './support/graphql';
import { PROVINCE_AUTHORITY } from './support/institutions';
import { startStack } from './support/stack';

describe('grants from a fixtures file across a restart', () => {
  const credentials = new Credentials();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-fixture-grants-'));
  const grant = { id: 'fixture-name', grantee: { kind: 'institution', id: INSTITUTION }, scenario: 'fixture', fields: ['Person.name'], plain: ['Person.name'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2100-01-01T00:00:00Z' };
  const env = () => ({ DATA_SCALE: TEST_SCALE, GRANTS_FILE: writeGrantsFile([grant]), PGLITE_DIR: dataDir, DATABASE_URL: '', ...credentials.env() });
  afterAll(() => {
    credentials.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('never brings back a grant revoked since (the database keeps the revocation)', async () => {
    const headers = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION })}`, 'x-scenario-id': 'fixture' };
    const admin = { authorization: `Bearer ${await credentials.token({ org: PROVINCE_AUTHORITY, roles: ['admin'], div: '530000' })}` };
    const id = personIdAt(DEFAULT_SEED, 2);
    let stack = await startStack(env());
    try {
      const granted: any = await graphql(stack.gatewayUrl, PERSON_NAME, { id }, headers);
      expect(granted.data.person.name).toMatch(/^\p{Script=Han}+$/u);
      const revoked: any = await graphql(stack.gatewayUrl, 'mutation { revokeGrant(id: "fixture-name", reason: "场景结束") { status } }', undefined, admin);
      expect(revoked.data.revokeGrant.status).toBe('revoked');
    } finally {
      await stack.stop();
    }
    stack = await startStack(env());
    try {
      const after: any = await graphql(stack.gatewayUrl, PERSON_NAME, { id }, headers);
      expect(after.data.person.name).toBeNull();
      expect(after.errors[0].extensions.code).toBe('GRANT_EXPIRED');
      const listed: any = await graphql(stack.gatewayUrl, '{ grants { id status } }', undefined, headers);
      expect(listed.data.grants).toContainEqual({ id: 'fixture-name', status: 'revoked' });
    } finally {
      await stack.stop();
    }
  }, 240_000);
});
