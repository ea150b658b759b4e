// The demo identities of development sign-in (gateway/fixtures/demo-identities.json): one person per
// kind of user, each a token away. The institutions are entries of gateway/fixtures/institutions.dev.json
// (tokens count only for registered institutions); the citizen is a seeded person.
import fs from 'node:fs';
import path from 'node:path';
import { importPKCS8, SignJWT, type KeyLike } from 'jose';
import { validateCitizenId, validateCreditCode, validateDivisionCode } from '../../lib/identifiers';
import { ROOT_DIR } from '../../subgraphs/registry';

export const DEMO_IDENTITIES_FILE = path.join(ROOT_DIR, 'gateway/fixtures/demo-identities.json');

export interface DemoIdentity {
  id: string;
  label: string;
  labelEn: string;
  /** The kind of caller the gateway makes of its token. */
  kind: 'institution' | 'developer' | 'subject';
  roles: string[];
  /** The token's subject: an operator, a developer account or (citizen) an identity number. */
  sub: string;
  name?: string;
  /** Institution kinds: its credit code and registered division. */
  org?: string;
  div?: string;
  /** The citizen: index of the seeded person (subgraphs/seed personIdAt) whose identity number is sub. */
  personIndex?: number;
}

/** What the console may show of an identity (GET /console/config.json). */
export type PublicDemoIdentity = Pick<DemoIdentity, 'id' | 'label' | 'labelEn' | 'kind' | 'roles'>;

/** How long a demo token lives: a working day, short enough that a leaked one soon stops working. */
export const DEMO_TOKEN_SECONDS = 8 * 3600;

/** Reads and checks the fixture; a malformed entry stops the start (it would only fail later, at sign-in). */
export function readDemoIdentities(file = DEMO_IDENTITIES_FILE): DemoIdentity[] {
  const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoIdentity[];
  for (const entry of entries) {
    const where = `${file}: identity ${JSON.stringify(entry.id)}`;
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(entry.id ?? '')) throw new Error(`${where}: id must be lowercase letters, digits or -`);
    if (!entry.label || !entry.labelEn || !Array.isArray(entry.roles) || entry.roles.length === 0 || !entry.sub) throw new Error(`${where}: needs label, labelEn, roles and sub`);
    if (entry.kind === 'institution') {
      if (!entry.org || !validateCreditCode(entry.org).ok) throw new Error(`${where}: org must be a valid credit code`);
      if (!entry.div || !validateDivisionCode(entry.div).ok) throw new Error(`${where}: div must be a valid division code`);
    } else if (entry.kind === 'subject') {
      if (!validateCitizenId(entry.sub).ok) throw new Error(`${where}: a subject's sub must be a valid identity number`);
    } else if (entry.kind !== 'developer') throw new Error(`${where}: kind must be institution, developer or subject`);
  }
  if (new Set(entries.map((e) => e.id)).size !== entries.length) throw new Error(`${file}: identity ids must be unique`);
  return entries;
}

export function publicDemoIdentity({ id, label, labelEn, kind, roles }: DemoIdentity): PublicDemoIdentity {
  return { id, label, labelEn, kind, roles };
}

export interface DemoTokenIssuer {
  (identity: DemoIdentity): Promise<{ token: string; expiresIn: number }>;
}

/** Signs demo tokens with the development private key, for the issuer and audience the gateway checks. */
export async function demoTokenIssuer(privateKeyFile: string, options: { issuer: string; audience: string; algorithm: string }): Promise<DemoTokenIssuer> {
  const key: KeyLike = await importPKCS8(fs.readFileSync(privateKeyFile, 'utf8'), options.algorithm);
  return async (identity) => {
    const claims: Record<string, unknown> = { roles: identity.roles };
    if (identity.name) claims.name = identity.name;
    if (identity.org) claims.org = identity.org;
    if (identity.div) claims.div = identity.div;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: options.algorithm })
      .setSubject(identity.sub)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt()
      .setExpirationTime(`${DEMO_TOKEN_SECONDS}s`)
      .sign(key);
    return { token, expiresIn: DEMO_TOKEN_SECONDS };
  };
}
