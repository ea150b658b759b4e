// Signing in (issue 15 item 3), over HTTP against a running stack: in development, demo identities
// (GET /console/config.json, POST /auth/dev-token); with OIDC_ISSUER, the authorization-code flow with
// PKCE run by the console's own module (console/src/auth/oidc.ts) against a local issuer the test
// starts, the issuer's token then calling /graphql as the institution operator it names. Refusals:
// a wrong PKCE verifier, a reused code, a forged state, a token of another issuer or of an impostor
// using the trusted issuer's name. Production (NODE_ENV=production) and a gateway on non-development
// keys have no dev-token route; a gateway whose issuer cannot be discovered does not start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { finishSignIn, PENDING_SIGN_IN_KEY, SignInError, startSignIn, type PendingStore } from '../console/src/auth/oidc';
import { DEFAULT_SEED, personIdAt } from '../subgraphs/seed/generator';
import { DEV_ISSUER } from '../lib/dev-keys';
import { DEMO_TOKEN_SECONDS, readDemoIdentities } from '../gateway/identity/demo-identities';
import { readGatewaySettings } from '../gateway/settings';
import { Credentials, writeGrantsFile } from './support/credentials';
import { TEST_SCALE } from './support/federation-suite';
import { replicaEnv, startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { graphql } from './support/graphql';
import { DEV_INSTITUTIONS_FILE } from './support/institutions';
import { startLocalIssuer, type LocalIssuer } from './support/oidc-issuer';
import { startStack, type Stack } from './support/stack';

const KUNMING_CIVIL_AFFAIRS = '11530100015301017M'; // 昆明市民政局, registered in institutions.dev.json
const CLIENT_ID = 'public-data-console';
const REDIRECT_URI = 'http://localhost:4000/console/callback'; // PUBLIC_BASE_URL's default + /console/callback
const AUDIENCE = 'public-data-gateway';
const OPERATOR = { sub: 'oidc-op-001', claims: { org: KUNMING_CIVIL_AFFAIRS, div: '530100', roles: ['institution'], name: '张经办' } };
const PERSONS = '{ personsByDivision(divisionCode: "530102", first: 2) { edges { node { name phone } } } }';

class MemoryStorage implements PendingStore {
  private readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const issuerOptions = (audience = AUDIENCE) => ({
  users: { operator: OPERATOR, 'no-org': { sub: 'oidc-op-002', claims: { roles: ['institution'] } } },
  defaultUser: 'operator',
  clients: [{ clientId: CLIENT_ID, redirectUris: [REDIRECT_URI] }],
  audience,
});

/** The browser's trip to the issuer: follows the authorization URL to the redirect, as a browser would. */
async function authorize(authorizationUrl: string, loginHint?: string): Promise<string> {
  const url = new URL(authorizationUrl);
  if (loginHint) url.searchParams.set('login_hint', loginHint);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const postJson = (url: string, body: string, contentType = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('sign-in settings', () => {
  it('OIDC is off without OIDC_ISSUER; with it, a client id is required and the audience defaults to JWT_AUDIENCE', () => {
    expect(readGatewaySettings({}).oidc).toBeUndefined();
    expect(readGatewaySettings({}).production).toBe(false);
    expect(readGatewaySettings({ NODE_ENV: 'production' }).production).toBe(true);
    expect(readGatewaySettings({ OIDC_ISSUER: 'https://id.example.gov.cn/realms/yn', OIDC_CLIENT_ID: 'console', JWT_AUDIENCE: 'pd' }).oidc).toEqual({
      issuer: 'https://id.example.gov.cn/realms/yn',
      clientId: 'console',
      audience: 'pd',
      scope: 'openid profile',
      jwksCooldownMs: 30_000,
    });
    expect(() => readGatewaySettings({ OIDC_ISSUER: 'https://id.example.gov.cn' })).toThrow(/OIDC_CLIENT_ID/);
    // Codes and tokens must not cross the network in clear: http only on loopback.
    expect(() => readGatewaySettings({ OIDC_ISSUER: 'http://id.example.gov.cn', OIDC_CLIENT_ID: 'console' })).toThrow(/OIDC_ISSUER must be an https URL/);
    expect(readGatewaySettings({ OIDC_ISSUER: 'http://127.0.0.1:8080', OIDC_CLIENT_ID: 'console' }).oidc?.issuer).toBe('http://127.0.0.1:8080');
    expect(() => readGatewaySettings({ OIDC_ISSUER: 'https://id.example.gov.cn', OIDC_CLIENT_ID: 'c', OIDC_JWKS_COOLDOWN_MS: '-1' })).toThrow(/OIDC_JWKS_COOLDOWN_MS/);
  });
});

describe('sign-in: demo identities and OpenID Connect with PKCE', () => {
  const credentials = new Credentials();
  let issuer: LocalIssuer;
  let stack: Stack;
  let base: string;
  let config: any;

  beforeAll(async () => {
    issuer = await startLocalIssuer(issuerOptions());
    stack = await startStack({ DATA_SCALE: TEST_SCALE, ...credentials.env(), OIDC_ISSUER: issuer.issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_JWKS_COOLDOWN_MS: '300' });
    base = stack.gatewayUrl.replace(/\/graphql$/, '');
    config = await (await fetch(`${base}/console/config.json`)).json();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await issuer?.close();
    credentials.cleanup();
  });

  describe('development', () => {
    it('GET /console/config.json lists the demo identities (what the console shows, nothing more) and the issuer', async () => {
      const response = await fetch(`${base}/console/config.json`);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(config.mode).toBe('development');
      expect(config.identities.map((i: any) => i.id)).toEqual(expect.arrayContaining(['operator', 'provider', 'admin', 'developer', 'citizen']));
      for (const identity of config.identities) expect(Object.keys(identity).sort()).toEqual(['id', 'kind', 'label', 'labelEn', 'roles']);
      expect(config.oidc).toEqual({
        issuer: issuer.issuer,
        authorizationEndpoint: `${issuer.url}/authorize`,
        tokenEndpoint: `${issuer.url}/token`,
        clientId: CLIENT_ID,
        redirectUri: REDIRECT_URI,
        scope: 'openid profile',
      });
    });

    it('the demo institutions are registered with their division; the citizen is a seeded person', () => {
      const registry = JSON.parse(fs.readFileSync(DEV_INSTITUTIONS_FILE, 'utf8')) as { creditCode: string; division: string }[];
      const identities = readDemoIdentities();
      const byId = Object.fromEntries(identities.map((i) => [i.id, i]));
      expect(byId.operator).toMatchObject({ org: '11530100015301017M', roles: ['institution'] });
      expect(byId.provider).toMatchObject({ org: '11530000015200013A', roles: ['provider'], div: '530000' });
      expect(byId.admin).toMatchObject({ org: '115300000152010080', roles: ['admin'], div: '530000' });
      expect(byId.developer).toMatchObject({ sub: 'dev-demo-001', roles: ['developer'] });
      for (const identity of identities.filter((i) => i.kind === 'institution')) {
        expect(registry).toContainEqual(expect.objectContaining({ creditCode: identity.org, division: identity.div }));
      }
      expect(byId.citizen).toMatchObject({ kind: 'subject', roles: ['subject'] });
      expect(byId.citizen.sub).toBe(personIdAt(DEFAULT_SEED, byId.citizen.personIndex!));
    });

    it('POST /auth/dev-token gives the operator an 8-hour token the gateway honours as that institution', async () => {
      const response = await postJson(`${base}/auth/dev-token`, JSON.stringify({ identity: 'operator' }));
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const { token, expiresIn } = await response.json();
      expect(expiresIn).toBe(DEMO_TOKEN_SECONDS);
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({ iss: DEV_ISSUER, aud: AUDIENCE, sub: 'km-minzheng-op-001', org: KUNMING_CIVIL_AFFAIRS, div: '530100', roles: ['institution'] });
      expect(claims.exp! - claims.iat!).toBe(8 * 3600);
      const grants: any = await graphql(stack.gatewayUrl, '{ grants { granteeId scenario } }', undefined, bearer(token));
      expect(grants.errors).toBeUndefined();
      expect(grants.data.grants.length).toBeGreaterThan(0);
      expect(new Set(grants.data.grants.map((g: any) => g.granteeId))).toEqual(new Set([KUNMING_CIVIL_AFFAIRS]));
    });

    it('the provider, the admin and the citizen sign in as what they are', async () => {
      const tokenOf = async (identity: string) => (await (await postJson(`${base}/auth/dev-token`, JSON.stringify({ identity }))).json()).token as string;
      const admin: any = await graphql(stack.gatewayUrl, '{ suspensions { id } }', undefined, bearer(await tokenOf('admin')));
      expect(admin.errors).toBeUndefined();
      const provider: any = await graphql(stack.gatewayUrl, '{ applications { id } }', undefined, bearer(await tokenOf('provider')));
      expect(provider.errors).toBeUndefined();
      // Admin-only: the provider is not an admin.
      const notAdmin: any = await graphql(stack.gatewayUrl, '{ suspensions { id } }', undefined, bearer(await tokenOf('provider')));
      expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const citizen: any = await graphql(stack.gatewayUrl, '{ myAccesses { recordedAt } }', undefined, bearer(await tokenOf('citizen')));
      expect(citizen.errors).toBeUndefined();
      const developer = decodeJwt(await tokenOf('developer'));
      expect(developer).toMatchObject({ sub: 'dev-demo-001', roles: ['developer'], iss: DEV_ISSUER, aud: AUDIENCE });
    });

    it('refuses an unknown identity, a body that is not JSON and another content type, with coded errors', async () => {
      const unknown = await postJson(`${base}/auth/dev-token`, JSON.stringify({ identity: 'root' }));
      expect(unknown.status).toBe(400);
      const body = await unknown.json();
      expect(body.errors[0].extensions.code).toBe('UNKNOWN_IDENTITY');
      expect(body.errors[0].message).toMatch(/没有该演示身份.* \/ no such demo identity/);
      const notJson = await postJson(`${base}/auth/dev-token`, '{identity: operator');
      expect(notJson.status).toBe(400);
      expect((await notJson.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
      const form = await postJson(`${base}/auth/dev-token`, 'identity=operator', 'application/x-www-form-urlencoded');
      expect(form.status).toBe(415);
      // A content type a cross-site request may send without a preflight, dressed up as JSON.
      expect((await postJson(`${base}/auth/dev-token`, JSON.stringify({ identity: 'operator' }), 'text/plain; application/json')).status).toBe(415);
      const get = await fetch(`${base}/auth/dev-token`);
      expect(get.status).toBe(404);
    });
  });

  describe('OpenID Connect: authorization code with PKCE against the local issuer', () => {
    it('signs the operator in with console/src/auth/oidc.ts; the token calls /graphql as that institution operator', async () => {
      const storage = new MemoryStorage();
      const authorizationUrl = new URL(await startSignIn(config, { storage }));
      expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${issuer.url}/authorize`);
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorizationUrl.searchParams.get('client_id')).toBe(CLIENT_ID);
      expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
      // The verifier stays in the browser; only its S256 challenge travels.
      const pending = JSON.parse(storage.getItem(PENDING_SIGN_IN_KEY)!);
      expect(authorizationUrl.toString()).not.toContain(pending.verifier);

      const callback = await authorize(authorizationUrl.toString(), 'operator');
      expect(callback.startsWith(`${REDIRECT_URI}?`)).toBe(true);
      const { token, expiresIn } = await finishSignIn(config, callback, { storage });
      expect(expiresIn).toBe(3600);
      expect(storage.getItem(PENDING_SIGN_IN_KEY)).toBeNull();
      expect(decodeJwt(token)).toMatchObject({ iss: issuer.issuer, sub: OPERATOR.sub, org: KUNMING_CIVIL_AFFAIRS });

      const grants: any = await graphql(stack.gatewayUrl, '{ grants { granteeId scenario } }', undefined, bearer(token));
      expect(grants.errors).toBeUndefined();
      expect(grants.data.grants.map((g: any) => g.granteeId)).toContain(KUNMING_CIVIL_AFFAIRS);
      // The institution's demo grant (gateway/fixtures/grants.dev.json) applies to it: names plain, phone never shared.
      const persons: any = await graphql(stack.gatewayUrl, PERSONS, undefined, { ...bearer(token), 'x-scenario-id': 'social-assistance-review' });
      expect(persons.data.personsByDivision.edges.length).toBeGreaterThan(0);
      expect(persons.data.personsByDivision.edges[0].node.name).toEqual(expect.any(String));
      expect(persons.errors.map((e: any) => e.extensions.code)).toEqual(expect.arrayContaining(['NOT_SHARED']));
      expect(issuer.hits['/jwks']).toBeGreaterThanOrEqual(1);
    });

    it('a wrong PKCE verifier is refused by the token endpoint, and the code is used up', async () => {
      const storage = new MemoryStorage();
      const callback = await authorize(await startSignIn(config, { storage }));
      const pending = JSON.parse(storage.getItem(PENDING_SIGN_IN_KEY)!);
      storage.setItem(PENDING_SIGN_IN_KEY, JSON.stringify({ ...pending, verifier: 'x'.repeat(43) }));
      const refused = await finishSignIn(config, callback, { storage }).catch((error) => error);
      expect(refused).toBeInstanceOf(SignInError);
      expect(refused.code).toBe('TOKEN_REFUSED');
      expect(refused.message).toContain('invalid_grant');
      // The right verifier now comes too late.
      const retry = await redeem(new URL(callback).searchParams.get('code')!, pending.verifier);
      expect(retry).toEqual({ status: 400, error: 'invalid_grant', description: 'code already used' });
    });

    it('a code is redeemed once: the same callback again is refused by the browser module and by the issuer', async () => {
      const storage = new MemoryStorage();
      const callback = await authorize(await startSignIn(config, { storage }));
      const { verifier } = JSON.parse(storage.getItem(PENDING_SIGN_IN_KEY)!);
      await finishSignIn(config, callback, { storage });
      const again = await finishSignIn(config, callback, { storage }).catch((error) => error);
      expect(again.code).toBe('NO_PENDING_SIGN_IN');
      const reused = await redeem(new URL(callback).searchParams.get('code')!, verifier);
      expect(reused).toEqual({ status: 400, error: 'invalid_grant', description: 'code already used' });
    });

    it('a callback with another state is refused before any code exchange', async () => {
      const storage = new MemoryStorage();
      const callback = new URL(await authorize(await startSignIn(config, { storage })));
      const { verifier } = JSON.parse(storage.getItem(PENDING_SIGN_IN_KEY)!);
      callback.searchParams.set('state', 'attacker-state');
      const refused = await finishSignIn(config, callback.toString(), { storage }).catch((error) => error);
      expect(refused.code).toBe('STATE_MISMATCH');
      expect(refused.message).toMatch(/state 不符.* \/ .*state does not match/);
      // The code was never exchanged: it is still good for its rightful owner.
      expect((await redeem(callback.searchParams.get('code')!, verifier)).status).toBe(200);
    });

    it('a refusal at the issuer (unknown user) comes back as a coded sign-in error, no token', async () => {
      const storage = new MemoryStorage();
      const callback = await authorize(await startSignIn(config, { storage }), 'nobody');
      expect(new URL(callback).searchParams.has('code')).toBe(false);
      const refused = await finishSignIn(config, callback, { storage }).catch((error) => error);
      expect(refused).toBeInstanceOf(SignInError);
      expect(refused.code).toBe('IDP_ERROR');
      expect(refused.message).toMatch(/身份提供方拒绝登录（access_denied） \/ the identity provider refused the sign-in \(access_denied\)/);
    });

    it('tokens of another issuer, of an impostor using the trusted name, or without an institution are refused (401, coded)', async () => {
      const other = await startLocalIssuer(issuerOptions());
      const impostor = await startLocalIssuer({ ...issuerOptions(), issuerName: issuer.issuer });
      try {
        const otherToken = await other.mint(OPERATOR.sub, OPERATOR.claims);
        const fromOther: any = await graphql(stack.gatewayUrl, '{ grants { id } }', undefined, bearer(otherToken));
        expect(fromOther.status).toBe(401);
        expect(fromOther.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'ISSUER' });

        const impostorToken = await impostor.mint(OPERATOR.sub, OPERATOR.claims);
        expect(decodeJwt(impostorToken).iss).toBe(issuer.issuer);
        const fromImpostor: any = await graphql(stack.gatewayUrl, '{ grants { id } }', undefined, bearer(impostorToken));
        expect(fromImpostor.status).toBe(401);
        expect(fromImpostor.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGNATURE' });
        expect(fromImpostor.errors[0].message).toMatch(/令牌签名无效 \/ token signature/);

        const storage = new MemoryStorage();
        const { token } = await finishSignIn(config, await authorize(await startSignIn(config, { storage }), 'no-org'), { storage });
        const noOrg: any = await graphql(stack.gatewayUrl, '{ grants { id } }', undefined, bearer(token));
        expect(noOrg.status).toBe(401);
        expect(noOrg.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'CLAIMS' });
      } finally {
        await other.close();
        await impostor.close();
      }
    });

    it('picks up a rotated signing key (the key set is fetched again for an unknown key id)', async () => {
      const fetched = issuer.hits['/jwks'] ?? 0;
      await issuer.rotate();
      await new Promise((resolve) => setTimeout(resolve, 400)); // OIDC_JWKS_COOLDOWN_MS=300
      const rotated = await issuer.mint(OPERATOR.sub, OPERATOR.claims);
      const answer: any = await graphql(stack.gatewayUrl, '{ grants { granteeId } }', undefined, bearer(rotated));
      expect(answer.errors).toBeUndefined();
      expect(issuer.hits['/jwks']).toBeGreaterThan(fetched);
    });
  });

  describe('other gateways', () => {
    let gateway: GatewayProcess | undefined;
    afterEach(async () => {
      await gateway?.stop();
      gateway = undefined;
    });
    const env = () => replicaEnv(stack.subgraphUrls, credentials, writeGrantsFile([]));
    const urlOf = (g: GatewayProcess) => g.url.replace(/\/graphql$/, '');

    it('NODE_ENV=production: no dev-token route (404), the config offers the issuer only, whose tokens work', async () => {
      const own = await startLocalIssuer(issuerOptions());
      try {
        // Production as deployed: every secret set, tokens only from the identity provider (no own key).
        gateway = await startGatewayProcess({ ...env(), JWT_PUBLIC_KEY_FILE: '', NODE_ENV: 'production', OIDC_ISSUER: own.issuer, OIDC_CLIENT_ID: CLIENT_ID });
        const devToken = await postJson(`${urlOf(gateway)}/auth/dev-token`, JSON.stringify({ identity: 'admin' }));
        expect(devToken.status).toBe(404);
        expect((await devToken.json()).errors[0].extensions.code).toBe('NOT_FOUND');
        const production = await (await fetch(`${urlOf(gateway)}/console/config.json`)).json();
        expect(production).toEqual({ mode: 'oidc', oidc: expect.objectContaining({ issuer: own.issuer, clientId: CLIENT_ID }) });
        const token = await own.mint(OPERATOR.sub, OPERATOR.claims);
        expect((await graphql(gateway.url, '{ grants { granteeId } }', undefined, bearer(token))).errors).toBeUndefined();
        // A development token means nothing here.
        const development: any = await graphql(gateway.url, '{ grants { granteeId } }', undefined, bearer(await credentials.token({ org: KUNMING_CIVIL_AFFAIRS })));
        expect(development.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'ISSUER' });
      } finally {
        await own.close();
      }
    });

    it('a gateway not on development keys has no dev-token route and, without OIDC, says sign-in is not configured', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-prod-key-'));
      try {
        // The same public key, without its private half beside it: how a deployment holds its issuer's key.
        const publicKeyFile = path.join(dir, 'jwt-public.pem');
        fs.copyFileSync(credentials.keys.publicKeyFile, publicKeyFile);
        gateway = await startGatewayProcess({ ...env(), JWT_PUBLIC_KEY_FILE: publicKeyFile });
        expect((await postJson(`${urlOf(gateway)}/auth/dev-token`, JSON.stringify({ identity: 'admin' }))).status).toBe(404);
        const config = await fetch(`${urlOf(gateway)}/console/config.json`);
        expect(config.status).toBe(503);
        expect((await config.json()).errors[0].extensions.code).toBe('SIGN_IN_NOT_CONFIGURED');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('an issuer that cannot be discovered stops the start with a clear error (fail closed)', async () => {
      const gone = await startLocalIssuer(issuerOptions());
      await gone.close();
      await expect(startGatewayProcess({ ...env(), OIDC_ISSUER: gone.issuer, OIDC_CLIENT_ID: CLIENT_ID })).rejects.toThrow(/OIDC_ISSUER .*discovery at .*openid-configuration failed/);
      const liar = await startLocalIssuer({ ...issuerOptions(), issuerName: 'https://someone-else.example' });
      try {
        await expect(startGatewayProcess({ ...env(), OIDC_ISSUER: liar.url, OIDC_CLIENT_ID: CLIENT_ID })).rejects.toThrow(/names the issuer "https:\/\/someone-else.example"/);
      } finally {
        await liar.close();
      }
    });

    it('when the key set cannot be read, a token of the issuer is refused with 503 IDENTITY_PROVIDER_UNAVAILABLE', async () => {
      const flaky = await startLocalIssuer(issuerOptions());
      gateway = await startGatewayProcess({ ...env(), OIDC_ISSUER: flaky.issuer, OIDC_CLIENT_ID: CLIENT_ID });
      const token = await flaky.mint(OPERATOR.sub, OPERATOR.claims);
      await flaky.close();
      const answer: any = await graphql(gateway.url, '{ grants { granteeId } }', undefined, bearer(token));
      expect(answer.status).toBe(503);
      expect(answer.errors[0].extensions.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
      expect(answer.errors[0].message).toMatch(/暂时无法验证令牌.* \/ the token cannot be checked now/);
    });
  });

  /** A raw token request, as an attacker holding a code would make it. */
  async function redeem(code: string, verifier: string): Promise<{ status: number; error?: string; description?: string }> {
    const response = await fetch(`${issuer.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, code_verifier: verifier }).toString(),
    });
    const body = await response.json();
    return response.ok ? { status: response.status } : { status: response.status, error: body.error, description: body.error_description };
  }
});
