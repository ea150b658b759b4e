// npm run bench:revocation — how long a grant, a revocation and an approved catalog change made through
// one gateway replica take to be enforced by another (two gateway processes, one Redis, the platform as
// source of truth; the replicas' own cache lifetime is set to 60 s, so only the Redis announcement can
// explain a fast change). A catalog change round: the provider proposes sharing Person.householdAddress
// unconditionally (or back to conditional), the authority approves, and the clock runs from sending the
// approval until the other replica answers (or refuses) an institution without a grant — the other
// replica must read the new catalog, check it and rebuild its policy engine first.
// Prints medians and maxima and writes bench/results/revocation.json.
import fs from 'node:fs';
import path from 'node:path';
import { Credentials, writeGrantsFile } from '../test/support/credentials';
import { replicaEnv, startGatewayProcess } from '../test/support/gateway-process';
import { graphql } from '../test/support/graphql';
import { reachable } from '../test/support/services';
import { startStack } from '../test/support/stack';
import { DEFAULT_SEED, personIdAt } from '../subgraphs/seed/generator';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Number(process.env.REVOCATION_ROUNDS ?? 20);
const INSTITUTION = '11530100015301017M';
const POLICE = '11530000015200013A'; // provider of 人口基础信息
const ADMIN_ORG = '115300000152010080'; // 云南省数据局, a registered data authority (gateway/fixtures/institutions.dev.json)

async function until(check: () => Promise<boolean>, limitMs = 70_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) if (performance.now() - started > limitMs) throw new Error('not seen within the limit');
  return performance.now() - started;
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], rounds: sorted.length };
}

async function main(): Promise<void> {
  if (!(await reachable(REDIS_URL))) {
    console.error(`Redis not reachable at ${REDIS_URL}: nothing to measure`);
    process.exit(2);
  }
  const credentials = new Credentials();
  const prefix = `bench-rev-${process.pid}:`;
  const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, GRANT_CACHE_MS: '60000', RATE_LIMIT_POINTS: '1000000000' };
  const grantsFile = writeGrantsFile([]);
  const stack = await startStack({ DATA_SCALE: '0.05', GRANTS_FILE: grantsFile, ...credentials.env(), ...env });
  const other = await startGatewayProcess({ ...replicaEnv(stack.subgraphUrls, credentials, grantsFile), ...env });
  try {
    const admin = { authorization: `Bearer ${await credentials.token({ org: ADMIN_ORG, roles: ['admin'], div: '530000' })}` };
    const token = await credentials.token({ org: INSTITUTION });
    const id = personIdAt(DEFAULT_SEED, 1);
    const grants: number[] = [];
    const revocations: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const scenario = `rev-${round}`;
      const headers = { authorization: `Bearer ${token}`, 'x-scenario-id': scenario };
      const named = async () => ((await graphql(other.url, 'query($id: ID!) { person(idNumber: $id) { name } }', { id }, headers)) as any).data?.person?.name != null;
      await named(); // warm the other replica's cache with "no grant" for this scenario
      const started = performance.now();
      const granted: any = await graphql(stack.gatewayUrl, 'mutation($s: String!) { grantEmergencyAccess(institution: "11530100015301017M", scenario: $s, fields: ["Person.name"], hours: 1, reason: "bench") { id } }', { s: scenario }, admin);
      await until(named);
      grants.push(performance.now() - started);
      const revokeStarted = performance.now();
      await graphql(stack.gatewayUrl, 'mutation($id: ID!) { revokeGrant(id: $id, reason: "bench") { status } }', { id: granted.data.grantEmergencyAccess.id }, admin);
      await until(async () => !(await named()));
      revocations.push(performance.now() - revokeStarted);
    }
    const catalogChanges: number[] = [];
    const police = { authorization: `Bearer ${await credentials.token({ org: POLICE, roles: ['provider'], div: '530000' })}` };
    const headers = { authorization: `Bearer ${token}`, 'x-scenario-id': 'catalog-bench' };
    const addressed = async () => typeof ((await graphql(other.url, 'query($id: ID!) { person(idNumber: $id) { gender householdAddress } }', { id }, headers)) as any).data?.person?.householdAddress === 'string';
    for (let round = 0; round < ROUNDS; round++) {
      const widen = round % 2 === 0;
      const field = widen ? { share: 'UNCONDITIONAL' } : { share: 'CONDITIONAL', shareCondition: '户籍管理、社会救助等需送达或核实住址的场景，经批准' };
      const proposed: any = await graphql(stack.gatewayUrl, 'mutation($input: CatalogChangeInput!) { proposeCatalogChange(input: $input) { id } }', { input: { coordinate: 'Person.householdAddress', field, reason: 'bench' } }, police);
      if (proposed.errors) throw new Error(JSON.stringify(proposed.errors));
      await addressed(); // the other replica holds the catalog before the change
      const started = performance.now();
      await graphql(stack.gatewayUrl, 'mutation($id: ID!) { decideCatalogChange(id: $id, decision: APPROVE, note: "bench") { status } }', { id: proposed.data.proposeCatalogChange.id }, admin);
      await until(async () => (await addressed()) === widen);
      catalogChanges.push(performance.now() - started);
    }
    const result = { grant: summary(grants), revocation: summary(revocations), catalogChange: summary(catalogChanges), cacheMs: 60_000, measuredAt: new Date().toISOString() };
    fs.writeFileSync(path.join(__dirname, 'results', 'revocation.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`revocation seen by the other replica: median ${result.revocation.median.toFixed(1)} ms, max ${result.revocation.max.toFixed(1)} ms over ${ROUNDS} rounds (from sending the revocation); new grant usable: median ${result.grant.median.toFixed(1)} ms, max ${result.grant.max.toFixed(1)} ms; approved catalog change applied by the other replica: median ${result.catalogChange.median.toFixed(1)} ms, max ${result.catalogChange.max.toFixed(1)} ms (from sending the approval)`);
  } finally {
    await other.stop();
    await stack.stop();
    credentials.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
