// Gateway settings that change its character: refusing whole requests instead of filtering, serving
// only supergraphs that declare the policy, and POLICY=off as a plain federation gateway.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { Credentials, writeGrantsFile } from './support/credentials';
import { graphql } from './support/graphql';
import { TEST_SCALE } from './support/federation-suite';
import { startStack, type Stack } from './support/stack';
import { startGatewayProcess } from './support/gateway-process';
import { personIdAt, DEFAULT_SEED } from '../subgraphs/seed/generator';
import { send as sendSigned, signedRequest } from './support/signed-request';
import { encodeCallerClaim } from '../protocol/caller-claim';

const INSTITUTION = '11530100015301017M';

function plainSupergraph(): string {
  const result = composeServices([
    { name: 'hello', url: 'http://127.0.0.1:9/graphql', typeDefs: parse('extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { hello: String }') },
  ]);
  if (result.errors) throw result.errors[0];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pd-sg-')), 'supergraph.graphql');
  fs.writeFileSync(file, result.supergraphSdl);
  return file;
}

describe('a supergraph without the policy vocabulary', () => {
  const credentials = new Credentials();
  afterAll(() => credentials.cleanup());
  const keysEnv = () => ({
    JWT_PUBLIC_KEY_FILE: credentials.keys.publicKeyFile,
    API_KEY_SECRET: credentials.keys.apiKeySecret,
    GATEWAY_SUBGRAPH_SECRET: credentials.keys.gatewaySubgraphSecret,
  });

  it('is refused while the policy is on', async () => {
    await expect(startGatewayProcess({ ...keysEnv(), SUPERGRAPH_FILE: plainSupergraph() })).rejects.toThrow(/does not declare the policy vocabulary/);
  });

  it('is refused when its catalog breaks the catalog rules, even if composed elsewhere (Yunnan Art.27: a refusal cites its legal basis)', async () => {
    const broken = fs.readFileSync(path.resolve(__dirname, '../schema/supergraph.graphql'), 'utf8')
      .replace(/phone: String @join__field[^\n]*\n/, (line) => line.replace(/legalBasis: "[^"]*"/, 'legalBasis: ""'));
    expect(broken).toContain('legalBasis: ""');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pd-sg-')), 'supergraph.graphql');
    fs.writeFileSync(file, broken);
    await expect(startGatewayProcess({ ...keysEnv(), SUPERGRAPH_FILE: file })).rejects.toThrow(/SHARE_NONE_WITHOUT_LEGAL_BASIS/);
  });

  it('is refused without MASK_HASH_KEY: HASH masks keyed with a constant could be recomputed from guesses', async () => {
    await expect(startGatewayProcess({ ...keysEnv(), MASK_HASH_KEY: '' })).rejects.toThrow(/MASK_HASH_KEY is not set/);
  });

  it('is served by POLICY=off as a plain federation gateway', async () => {
    const gateway = await startGatewayProcess({ SUPERGRAPH_FILE: plainSupergraph(), POLICY: 'off' });
    try {
      const result = await graphql(gateway.url, '{ __typename }');
      expect(result.data).toEqual({ __typename: 'Query' });
    } finally {
      await gateway.stop();
    }
  });
});

describe('POLICY_DENIAL_MODE=refuse', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let headers: Record<string, string>;
  beforeAll(async () => {
    const grant = { id: 'g', grantee: { kind: 'institution', id: INSTITUTION }, scenario: 's', fields: ['Person.name'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2100-01-01T00:00:00Z' };
    stack = await startStack({ DATA_SCALE: TEST_SCALE, POLICY_DENIAL_MODE: 'refuse', GRANTS_FILE: writeGrantsFile([grant]), ...credentials.env() });
    headers = { authorization: `Bearer ${await credentials.token({ org: INSTITUTION })}`, 'x-scenario-id': 's' };
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('refuses the whole request when any field is denied, and serves it when none is', async () => {
    const id = personIdAt(DEFAULT_SEED, 0);
    const refused: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { name phone } }', { id }, headers);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors.map((e: any) => e.extensions.code)).toEqual(['NOT_SHARED']);
    const served: any = await graphql(stack.gatewayUrl, 'query($id: ID!) { person(idNumber: $id) { name } }', { id }, headers);
    expect(served.errors).toBeUndefined();
    expect(served.data.person.name).toMatch(/\*/); // granted, masked (no plain in the grant)
  });

  it('subgraphs refuse by caller kind what the catalog never gives it, even on a correctly signed request', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { name } } }';
    const variables = { r: [{ __typename: 'Person', idNumber: personIdAt(DEFAULT_SEED, 0) }] };
    const send = async (caller: string) =>
      (await sendSigned(stack.subgraphUrls.population, signedRequest(credentials.keys.gatewaySubgraphSecret, 'population', stack.subgraphUrls.population, caller, JSON.stringify({ query, variables })))).body;
    const developer: any = await send(encodeCallerClaim({ kind: 'developer', id: 'some-app', scenario: 'x' }));
    expect(developer.data._entities[0]?.name ?? null).toBeNull();
    expect(developer.errors[0].extensions.code).toBe('FORBIDDEN');
    const institution: any = await send(encodeCallerClaim({ kind: 'institution', id: INSTITUTION, roles: ['institution'], scenario: 's' }));
    expect(institution.errors).toBeUndefined();
    expect(institution.data._entities[0].name).toMatch(/^\p{Script=Han}+$/u);
  });
});
