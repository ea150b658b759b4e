// Real credentials for tests: JWTs signed with a key pair made for the test run (the stack trusts
// its public half through DEV_KEYS_DIR), forged and expired ones, and developer API keys.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importPKCS8, SignJWT, type KeyLike } from 'jose';
import { makeApiKey } from '../../gateway/identity/api-keys';
import { DEV_ISSUER, ensureDevKeys, type DevKeys } from '../../lib/dev-keys';
import { registeredDivision } from './institutions';

export interface TokenClaims {
  org: string;
  sub?: string;
  div?: string;
  roles?: string[];
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
}

export class Credentials {
  readonly dir: string;
  readonly keys: DevKeys;
  private signingKey?: KeyLike;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-keys-'));
    this.keys = ensureDevKeys(this.dir);
  }

  /** Environment for startStack: trust these keys. */
  env(): NodeJS.ProcessEnv {
    return { DEV_KEYS_DIR: this.dir, JWT_PUBLIC_KEY_FILE: '', API_KEY_SECRET: '', GATEWAY_SUBGRAPH_SECRET: '', MASK_HASH_KEY: '', AUDIT_SUBJECT_KEY: '' };
  }

  async token(claims: TokenClaims, key?: KeyLike): Promise<string> {
    this.signingKey ??= await importPKCS8(fs.readFileSync(this.keys.privateKeyFile, 'utf8'), 'ES256');
    // Without a division, the institution's registered one (the gateway refuses a token naming another).
    return new SignJWT({ org: claims.org, div: claims.div ?? registeredDivision(claims.org) ?? '530100', roles: claims.roles ?? ['institution'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(claims.sub ?? 'operator-001')
      .setIssuer(claims.issuer ?? DEV_ISSUER)
      .setAudience(claims.audience ?? 'public-data-gateway')
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? '1h')
      .sign(key ?? this.signingKey);
  }

  /** A data subject's token (real-name authenticated citizen): sub is the identity number. */
  async subjectToken(idNumber: string): Promise<string> {
    this.signingKey ??= await importPKCS8(fs.readFileSync(this.keys.privateKeyFile, 'utf8'), 'ES256');
    return new SignJWT({ roles: ['subject'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(idNumber)
      .setIssuer(DEV_ISSUER)
      .setAudience('public-data-gateway')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.signingKey);
  }

  /** A developer signed in to the portal (issue 15): sub is the developer account id. */
  async developerToken(developerId: string, extra: { roles?: string[]; name?: string } = {}): Promise<string> {
    this.signingKey ??= await importPKCS8(fs.readFileSync(this.keys.privateKeyFile, 'utf8'), 'ES256');
    return new SignJWT({ roles: extra.roles ?? ['developer'], ...(extra.name ? { name: extra.name } : {}) })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(developerId)
      .setIssuer(DEV_ISSUER)
      .setAudience('public-data-gateway')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.signingKey);
  }

  /** A well-formed token signed by a key the gateway does not trust. */
  async forgedToken(claims: TokenClaims): Promise<string> {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return this.token(claims, privateKey as unknown as KeyLike);
  }

  apiKey(developerId: string): string {
    return makeApiKey(this.keys.apiKeySecret, developerId);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Writes grants to a temporary file for GRANTS_FILE. */
export function writeGrantsFile(grants: unknown[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pd-grants-')), 'grants.json');
  fs.writeFileSync(file, JSON.stringify(grants));
  return file;
}
