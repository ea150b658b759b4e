// Persisted-query safelist mode (OPERATION_SAFELIST=on): only operations an admin registered run,
// by document or by hash (Apollo's persisted-query protocol); clients cannot register; retiring
// takes effect at once; registration is validated and audited.
import crypto from 'node:crypto';
import { Credentials } from './support/credentials';
import { graphql } from './support/graphql';
import { startStack, type Stack } from './support/stack';
import { PROVINCE_AUTHORITY } from './support/institutions';

// The safelist applies platform-wide: the province's data authority keeps it.
const ADMIN_ORG = PROVINCE_AUTHORITY;

const OPEN_CATALOG = 'query OpenCatalog { catalog { code } }';
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

async function byHash(url: string, hash: string, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
  return { status: response.status, ...(await response.json()) };
}

async function byDocumentAndHash(url: string, query: string): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }),
  });
  return { status: response.status, ...(await response.json()) };
}

const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => (result.errors ?? []).map((e) => e.extensions?.code);

describe('persisted-query safelist mode', () => {
  const credentials = new Credentials();
  let stack: Stack;
  let admin: Record<string, string>;
  let institution: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({ ...credentials.env(), OPERATION_SAFELIST: 'on' });
    admin = { authorization: `Bearer ${await credentials.token({ org: ADMIN_ORG, roles: ['admin'], div: '530000', sub: 'admin-1' })}` };
    institution = { authorization: `Bearer ${await credentials.token({ org: '11530100015301017M', roles: ['institution'] })}` };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    credentials.cleanup();
  });

  it('refuses an operation nobody registered, with a coded bilingual error and no data', async () => {
    const result = await graphql(stack.gatewayUrl, OPEN_CATALOG);
    expect(result.status).toBe(403);
    expect(codes(result)).toEqual(['OPERATION_NOT_REGISTERED']);
    expect(result.errors![0].message).toMatch(/未登记.*not registered/);
    expect(result.data ?? null).toBeNull();
    const hashOnly = await byHash(stack.gatewayUrl, sha256(OPEN_CATALOG));
    expect(codes(hashOnly)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('exempts only admins of registered data authorities: an admin token of another institution runs nothing unregistered and registers nothing', async () => {
    // 云南省公安厅 is registered as an institution, not as an authority (Yunnan Art.6: the data authorities keep the platform).
    const police = { authorization: `Bearer ${await credentials.token({ org: '11530000015200013A', roles: ['admin'], div: '530000', sub: 'admin-police' })}` };
    const result = await graphql(stack.gatewayUrl, OPEN_CATALOG, undefined, police);
    expect(result.status).toBe(403);
    expect(codes(result)).toEqual(['OPERATION_NOT_REGISTERED']);
    const register = await graphql(stack.gatewayUrl, 'mutation($d: String!) { registerOperation(name: "OpenCatalog", document: $d) { hash } }', { d: OPEN_CATALOG }, police);
    expect(codes(register)).toEqual(['OPERATION_NOT_REGISTERED']);
    const listed: any = await graphql(stack.gatewayUrl, '{ registeredOperations(includeRetired: true) { hash } }', {}, admin);
    expect(listed.data.registeredOperations).toEqual([]);
  });

  it('does not let a client register an operation by sending it with its hash', async () => {
    const sent = await byDocumentAndHash(stack.gatewayUrl, 'query Sneaky { catalog { code name } }');
    expect(codes(sent)).toEqual(['OPERATION_NOT_REGISTERED']);
    const later = await byHash(stack.gatewayUrl, sha256('query Sneaky { catalog { code name } }'));
    expect(codes(later)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('refuses documents that do not hold exactly one operation of the given name', async () => {
    const register = 'mutation($name: String!, $document: String!) { registerOperation(name: $name, document: $document) { hash } }';
    const cases = [
      { name: 'Broken', document: 'query Broken { catalog { code }' },
      { name: 'Other', document: OPEN_CATALOG },
      { name: 'Two', document: 'query Two { catalog { code } } query Three { catalog { code } }' },
      { name: 'bad name!', document: OPEN_CATALOG },
      { name: 'Empty', document: '' },
    ];
    for (const input of cases) {
      const result = await graphql(stack.gatewayUrl, register, input, admin);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0].message).toContain(' / ');
    }
    const listed: any = await graphql(stack.gatewayUrl, '{ registeredOperations(includeRetired: true) { hash } }', {}, admin);
    expect(listed.data.registeredOperations).toEqual([]);
  });

  it('runs an operation once an admin registered it, by document and by hash only; others cannot register', async () => {
    const refused = await graphql(stack.gatewayUrl, 'mutation { registerOperation(name: "X", document: "query X { catalog { code } }") { hash } }', {}, institution);
    expect(codes(refused)).toEqual(['OPERATION_NOT_REGISTERED']);

    const registered: any = await graphql(
      stack.gatewayUrl,
      'mutation Register($document: String!) { registerOperation(name: "OpenCatalog", document: $document) { hash name registeredBy retiredAt } }',
      { document: OPEN_CATALOG },
      admin,
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data.registerOperation).toMatchObject({ hash: sha256(OPEN_CATALOG), name: 'OpenCatalog', retiredAt: null });
    expect(registered.data.registerOperation.registeredBy).toContain(ADMIN_ORG);

    const byDocument = await graphql(stack.gatewayUrl, OPEN_CATALOG);
    expect(byDocument.status).toBe(200);
    expect(byDocument.errors).toBeUndefined();
    expect(byDocument.data!.catalog.length).toBeGreaterThan(0);
    const hashOnly = await byHash(stack.gatewayUrl, sha256(OPEN_CATALOG));
    expect(hashOnly.errors).toBeUndefined();
    expect(hashOnly.data).toEqual(byDocument.data);
    // The same operation text with other whitespace is another document: not registered.
    expect(codes(await graphql(stack.gatewayUrl, `${OPEN_CATALOG} `))).toEqual(['OPERATION_NOT_REGISTERED']);
  });

  it('stops running an operation as soon as it is retired, and audits both actions', async () => {
    const hash = sha256(OPEN_CATALOG);
    const retired: any = await graphql(stack.gatewayUrl, 'mutation Retire($hash: String!) { retireOperation(hash: $hash, reason: "客户端已下线") { retiredAt retireReason } }', { hash }, admin);
    expect(retired.errors).toBeUndefined();
    expect(retired.data.retireOperation.retireReason).toBe('客户端已下线');
    expect(codes(await graphql(stack.gatewayUrl, OPEN_CATALOG))).toEqual(['OPERATION_NOT_REGISTERED']);
    expect(codes(await byHash(stack.gatewayUrl, hash))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const again: any = await graphql(stack.gatewayUrl, 'mutation($hash: String!) { retireOperation(hash: $hash, reason: "again") { hash } }', { hash }, admin);
    expect(codes(again)).toEqual(['BAD_USER_INPUT']);

    const audit: any = await graphql(stack.gatewayUrl, '{ auditRecords(first: 1000) { records { operationName decision institution errorCodes } } }', {}, admin);
    const records = audit.data.auditRecords.records as any[];
    const names = records.map((r) => r.operationName);
    expect(records.filter((r) => r.errorCodes.includes('OPERATION_NOT_REGISTERED')).length).toBeGreaterThanOrEqual(3);
    const adminActions = records.filter((r) => r.institution === ADMIN_ORG && r.errorCodes.length === 0).map((r) => r.operationName);
    expect(adminActions).toEqual(expect.arrayContaining(['Register', 'Retire']));
    expect(names).toEqual(expect.arrayContaining(['OpenCatalog']));
  });
});

describe('safelist store unreachable', () => {
  it('fails closed: the list cannot be read, so nothing is reported registered', async () => {
    const { createOperationSafelist } = await import('../gateway/limits/operation-safelist');
    const { createPlatformClient, PlatformUnavailable } = await import('../gateway/platform-client');
    // A port nothing listens on (bound then closed).
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const safelist = createOperationSafelist({ platform: createPlatformClient({ platformUrl: () => `http://127.0.0.1:${port}/graphql`, secret: 'x', timeoutMs: 500 }), cacheMs: 1000 });
    await expect(safelist.documentOf(sha256(OPEN_CATALOG))).rejects.toBeInstanceOf(PlatformUnavailable);
  });
});
