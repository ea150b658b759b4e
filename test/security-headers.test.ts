// Security headers on every answer of the HTTP front (issue 16 item 6): GraphQL answers, plain routes,
// 404s and refused bodies alike — a route that forgets them must not exist.
import { ApolloServer } from '@apollo/server';
import { startHttpServer, type RunningHttpServer } from '../lib/http/http-server';

let apollo: ApolloServer;
let running: RunningHttpServer;

beforeAll(async () => {
  apollo = new ApolloServer({ typeDefs: 'type Query { ping: String }', resolvers: { Query: { ping: () => 'pong' } } });
  await apollo.start();
  running = await startHttpServer({
    apollo,
    context: async () => ({}),
    routes: { 'GET /healthz': () => ({ status: 200, body: 'ok' }) },
    port: 0,
  });
});

afterAll(async () => {
  await running.close(0);
  await apollo.stop();
});

function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
}

test('a GraphQL answer carries the security headers', async () => {
  const response = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ ping }' }) });
  expect(await response.json()).toEqual({ data: { ping: 'pong' } });
  expectSecurityHeaders(response);
});

test('Strict-Transport-Security only when HSTS_MAX_AGE is set', async () => {
  const withHsts = await startHttpServer({ apollo, context: async () => ({}), port: 0, hstsMaxAgeSeconds: 31_536_000 });
  try {
    expect((await fetch(`${withHsts.url}/nowhere`)).headers.get('strict-transport-security')).toBe('max-age=31536000');
  } finally {
    await withHsts.close(0);
  }
  expect((await fetch(`${running.url}/nowhere`)).headers.get('strict-transport-security')).toBeNull();
});

test('a plain route, an unknown path and a malformed body carry them too', async () => {
  const health = await fetch(`${running.url}/healthz`);
  expect(health.status).toBe(200);
  expectSecurityHeaders(health);
  const missing = await fetch(`${running.url}/nowhere`);
  expect(missing.status).toBe(404);
  expectSecurityHeaders(missing);
  const malformed = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
  expect(malformed.status).toBe(400);
  expectSecurityHeaders(malformed);
});
