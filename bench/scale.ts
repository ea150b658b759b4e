// npm run bench:scale -- --data-db URL [--scales 1,50] [--requests N=60] — issue 19: does a query cost
// more when the province has more data? For each scale, the data subgraphs start on PostgreSQL on the
// data set of that scale (seeded once into schemas bench_data_s<X>_, reused after; the seeding time is
// reported), and every statement kind the gateway makes them run is timed at the subgraph — listings of
// a county, a prefecture and the province (first and later pages, with and without totalCount), the
// listing of licences by type, and lookups by key (person, household, legal entity, licence, a
// person's licences and legal entities). Requests go one at a time (latency, not throughput: the
// throughput at each scale is `npm run bench -- --data-db URL --scale X`), each for a different record
// drawn at random over the whole data set, after a warm-up pass. Goals (reported, never asserted):
// a 20-row listing p50 ≤ 20 ms whatever the division, a lookup by key ≤ 5 ms.
// Writes bench/results/scale.{json,md}.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SUBGRAPHS, subgraphEnvName } from '../subgraphs/registry';
import { DEFAULT_SEED, creditCodeAt, personIdAt, sizeForScale } from '../subgraphs/seed/generator';
import { dataSchemaPrefix, dataSetPresent } from './data-set';
import { ROOT, startService, stopAll } from './processes';
import { percentile } from './stats';

const LISTING_GOAL_MS = 20;
const LOOKUP_GOAL_MS = 5;

interface Case {
  name: string;
  subgraph: 'population' | 'legal-entity' | 'licence';
  kind: 'listing' | 'lookup';
  /** The request for the i-th call (a different record each time where the case looks one up). */
  request(i: number): { query: string; variables?: Record<string, unknown> };
}

type Post = (subgraph: string, body: { query: string; variables?: Record<string, unknown> }) => Promise<any>;

function cases(scale: number, samples: { cursor: string; licence: string[] }): Case[] {
  const size = sizeForScale(scale);
  const person = (i: number) => personIdAt(DEFAULT_SEED, Math.floor(((i * 7919 + 13) % 1_000_003) / 1_000_003 * size.persons));
  const entity = (i: number) => creditCodeAt(DEFAULT_SEED, (i * 104_729 + 7) % size.legalEntities);
  const listing = (field: string, division: string, extra = '', select = 'edges { node { name } }') => ({ query: `{ ${field}(divisionCode: "${division}", first: 20${extra}) { ${select} } }` });
  return [
    { name: 'personsByDivision 530102 (county), 20 rows', subgraph: 'population', kind: 'listing', request: () => listing('personsByDivision', '530102') },
    { name: 'personsByDivision 530100 (prefecture), 20 rows', subgraph: 'population', kind: 'listing', request: () => listing('personsByDivision', '530100') },
    { name: 'personsByDivision 530000 (province), 20 rows', subgraph: 'population', kind: 'listing', request: () => listing('personsByDivision', '530000') },
    { name: 'personsByDivision 530000, 20 rows + totalCount', subgraph: 'population', kind: 'listing', request: () => listing('personsByDivision', '530000', '', 'totalCount edges { node { name } }') },
    { name: 'personsByDivision 530000, a later page (cursor)', subgraph: 'population', kind: 'listing', request: () => listing('personsByDivision', '530000', `, after: ${JSON.stringify(samples.cursor)}`) },
    { name: 'legalEntitiesByDivision 530000, 20 rows + totalCount', subgraph: 'legal-entity', kind: 'listing', request: () => listing('legalEntitiesByDivision', '530000', '', 'totalCount edges { node { name legalRepresentative { idNumber } } }') },
    { name: 'licencesByDivision 530000 DRIVING_LICENCE, 20 rows + totalCount', subgraph: 'licence', kind: 'listing', request: () => listing('licencesByDivision', '530000', ', type: DRIVING_LICENCE', 'totalCount edges { node { number status } }') },
    { name: 'person(idNumber)', subgraph: 'population', kind: 'lookup', request: (i) => ({ query: 'query($id: ID!) { person(idNumber: $id) { name birthDate } }', variables: { id: person(i) } }) },
    { name: 'person → householdMembers', subgraph: 'population', kind: 'lookup', request: (i) => ({ query: 'query($id: ID!) { person(idNumber: $id) { householdMembers { name } } }', variables: { id: person(i) } }) },
    { name: 'legalEntity(creditCode)', subgraph: 'legal-entity', kind: 'lookup', request: (i) => ({ query: 'query($c: ID!) { legalEntity(creditCode: $c) { name status } }', variables: { c: entity(i) } }) },
    { name: 'licence(number)', subgraph: 'licence', kind: 'lookup', request: (i) => ({ query: 'query($n: ID!) { licence(number: $n) { type status } }', variables: { n: samples.licence[i % samples.licence.length] } }) },
    {
      name: 'Person.licences (_entities, as the gateway asks)', subgraph: 'licence', kind: 'lookup',
      request: (i) => ({ query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { licences { number } } } }', variables: { r: [{ __typename: 'Person', idNumber: person(i) }] } }),
    },
    {
      name: 'Person.legalEntities (_entities, as the gateway asks)', subgraph: 'legal-entity', kind: 'lookup',
      request: (i) => ({ query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { legalEntities { name } } } }', variables: { r: [{ __typename: 'Person', idNumber: person(i) }] } }),
    },
  ];
}

async function measureScale(url: string, scale: number, requests: number) {
  const prefix = dataSchemaPrefix(scale);
  const reused = await dataSetPresent(url, prefix);
  const started = performance.now();
  const data = SUBGRAPHS.filter((s) => !s.durable);
  const services = await Promise.all(
    data.map((info) =>
      startService(info.name, info.entry, { DATABASE_URL: url, DB_SCHEMA_PREFIX: prefix, DATA_SCALE: String(scale), DATA_SEED: String(DEFAULT_SEED), SUBGRAPH_ALLOW_UNSIGNED: '1', LOG_LEVEL: 'warn', [subgraphEnvName('PORT', info.name)]: '0' }, [], 1_800_000),
    ),
  );
  const readySeconds = (performance.now() - started) / 1000;
  const urls = Object.fromEntries(data.map((info, i) => [info.name, services[i].url]));
  const post: Post = async (subgraph, body) => {
    const response = await fetch(urls[subgraph], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await response.json();
    if (answer.errors) throw new Error(`${subgraph}: ${JSON.stringify(answer.errors).slice(0, 300)}`);
    return answer.data;
  };
  // A cursor 50 pages into the province, and licence numbers spread over the set, from the data itself.
  let cursor: string | null = null;
  for (let page = 0; page < 5; page += 1) {
    const d: any = await post('population', { query: `query($a: String) { personsByDivision(divisionCode: "530000", first: 200, after: $a) { pageInfo { endCursor } } }`, variables: { a: cursor } });
    cursor = d.personsByDivision.pageInfo.endCursor;
  }
  const licence: string[] = [];
  for (const division of ['530102', '530300', '530500', '532300', '533100']) {
    const d: any = await post('licence', { query: `{ licencesByDivision(divisionCode: "${division}", first: 40) { edges { node { number } } } }` });
    licence.push(...d.licencesByDivision.edges.map((e: any) => e.node.number));
  }
  const results = [];
  for (const c of cases(scale, { cursor: cursor!, licence })) {
    for (let i = 0; i < Math.min(10, requests); i += 1) await post(c.subgraph, c.request(requests + i)); // warm-up, other records
    const ms: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const t = performance.now();
      await post(c.subgraph, c.request(i));
      ms.push(performance.now() - t);
    }
    const row = { name: c.name, kind: c.kind, p50: percentile(ms, 50), p95: percentile(ms, 95) };
    results.push(row);
    console.log(`  ${c.name.padEnd(62)} p50 ${row.p50.toFixed(1).padStart(7)} ms  p95 ${row.p95.toFixed(1).padStart(7)} ms`);
  }
  await stopAll();
  const size = sizeForScale(scale);
  return { scale, persons: size.persons, legalEntities: size.legalEntities, licences: size.licences, dataSet: reused ? 'reused' : 'seeded now', subgraphsReadySeconds: readySeconds, results };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-db': { type: 'string' }, scales: { type: 'string' }, requests: { type: 'string' } } });
  const url = values['data-db'] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error('Give a PostgreSQL database for the data sets: --data-db postgres://… (they are kept there, one schema set per scale).');
    process.exit(2);
  }
  const scales = (values.scales ?? '1,50').split(',').map(Number);
  const requests = Number(values.requests ?? 60);
  if (scales.some((s) => !(s > 0)) || !(requests > 0)) throw new Error('--scales takes positive numbers, --requests a positive integer');
  const runs: Awaited<ReturnType<typeof measureScale>>[] = [];
  for (const scale of scales) {
    console.log(`[bench:scale] scale ${scale} (${sizeForScale(scale).persons} persons)…`);
    const run = await measureScale(url, scale, requests);
    console.log(`[bench:scale] scale ${scale}: data set ${run.dataSet}, subgraphs ready in ${run.subgraphsReadySeconds.toFixed(1)} s`);
    runs.push(run);
  }
  const header = `| at the subgraph, one request at a time (p50 / p95 ms) | ${runs.map((r) => `${r.persons.toLocaleString('en')} persons`).join(' | ')} | goal |`;
  const lines = [
    `# Cost of a query against the size of the data (npm run bench:scale), ${new Date().toISOString()}`,
    '',
    `Command: \`npm run bench:scale -- --data-db <URL> --scales ${scales.join(',')} --requests ${requests}\`; PostgreSQL; ${requests} requests per row, each for another record.`,
    '',
    header,
    `|---|${runs.map(() => '---:|').join('')}---|`,
    ...runs[0].results.map((row, i) => `| ${row.name} | ${runs.map((r) => `${r.results[i].p50.toFixed(1)} / ${r.results[i].p95.toFixed(1)}`).join(' | ')} | p50 ≤ ${row.kind === 'listing' ? LISTING_GOAL_MS : LOOKUP_GOAL_MS} |`),
    '',
    ...runs.map((r) => `- scale ${r.scale}: ${r.persons} persons, ${r.legalEntities} legal entities, ${r.licences} licences; data set ${r.dataSet}; subgraphs ready (migrations${r.dataSet === 'seeded now' ? ', seeding' : ''}) in ${r.subgraphsReadySeconds.toFixed(1)} s`),
    '',
  ];
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'scale.json'), `${JSON.stringify({ at: new Date().toISOString(), requests, runs }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'scale.md'), lines.join('\n'));
  console.log(`\n${lines.join('\n')}`);
}

main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
