// CORS (issue 16 item 6): only the origins in CORS_ALLOWED_ORIGINS get Access-Control-* headers and an
// answered preflight; any other origin, and every origin when the list is empty, gets none.
import { ApolloServer } from '@apollo/server';
import { startHttpServer, type RunningHttpServer } from '../lib/http/http-server';
import { parseAllowedOrigins } from '../lib/http/cors';

const ALLOWED = 'https://app.example.cn';
let apollo: ApolloServer;
let withList: RunningHttpServer;
let withoutList: RunningHttpServer;

beforeAll(async () => {
  apollo = new ApolloServer({ typeDefs: 'type Query { ping: String }', resolvers: { Query: { ping: () => 'pong' } } });
  await apollo.start();
  const fail = (detail: string): never => { throw new Error(detail); };
  withList = await startHttpServer({ apollo, context: async () => ({}), port: 0, corsAllowedOrigins: parseAllowedOrigins(` ${ALLOWED} ,https://b.example.cn:8443`, fail) });
  withoutList = await startHttpServer({ apollo, context: async () => ({}), port: 0 });
});

afterAll(async () => {
  await withList.close(0);
  await withoutList.close(0);
  await apollo.stop();
});

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });
}

function query(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/graphql`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ ping }' }) });
}

function accessControlHeaders(response: Response): string[] {
  const names: string[] = [];
  response.headers.forEach((_value, name) => names.push(name));
  return names.filter((name) => name.startsWith('access-control-'));
}

test('an allowed origin gets its preflight answered and its answer readable', async () => {
  const pre = await preflight(withList.url, ALLOWED);
  expect(pre.status).toBe(204);
  expect(pre.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
  expect(pre.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
  expect(pre.headers.get('x-content-type-options')).toBe('nosniff');
  const answer = await query(withList.url, ALLOWED);
  expect(await answer.json()).toEqual({ data: { ping: 'pong' } });
  expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  expect(answer.headers.get('access-control-expose-headers')).toBe('x-request-id');
  expect(answer.headers.get('vary')).toMatch(/origin/i);
  expect(accessControlHeaders(answer)).toContain('access-control-allow-origin');
});

test('a disallowed origin gets no Access-Control-* header, preflight or not', async () => {
  const pre = await preflight(withList.url, 'https://evil.example.com');
  expect(pre.status).not.toBe(204);
  expect(accessControlHeaders(pre)).toEqual([]);
  const answer = await query(withList.url, 'https://evil.example.com');
  expect(accessControlHeaders(answer)).toEqual([]);
});

test('without CORS_ALLOWED_ORIGINS no origin gets Access-Control-* headers (same origin only)', async () => {
  expect(accessControlHeaders(await preflight(withoutList.url, ALLOWED))).toEqual([]);
  expect(accessControlHeaders(await query(withoutList.url, ALLOWED))).toEqual([]);
});

test('CORS_ALLOWED_ORIGINS refuses an entry that is not exactly an origin', () => {
  const fail = (detail: string): never => { throw new Error(detail); };
  expect(() => parseAllowedOrigins('https://app.example.cn/path', fail)).toThrow(/not an origin/);
  expect(() => parseAllowedOrigins('*', fail)).toThrow(/not an origin/);
  expect(parseAllowedOrigins(undefined, fail).size).toBe(0);
});
