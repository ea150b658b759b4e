// Development keys for `npm start` and `npm run token`: an ES256 key pair that signs operator tokens
// and the shared secrets of the gateway, generated on first use into .keys/ (never committed).
// Production configures its own: JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL, and the secrets as env vars.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DevKeys {
  privateKeyFile: string;
  publicKeyFile: string;
  gatewaySubgraphSecret: string;
  apiKeySecret: string;
  maskHashKey: string;
  auditSubjectKey: string;
  issuer: string;
}

export const DEV_ISSUER = 'https://dev.public-data.local/issuer';

export function ensureDevKeys(dir: string): DevKeys {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyFile = path.join(dir, 'jwt-private.pem');
  const publicKeyFile = path.join(dir, 'jwt-public.pem');
  const secretsFile = path.join(dir, 'secrets.json');
  if (!fs.existsSync(privateKeyFile) || !fs.existsSync(publicKeyFile)) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  const secret = () => crypto.randomBytes(32).toString('base64url');
  const secrets = (fs.existsSync(secretsFile) ? JSON.parse(fs.readFileSync(secretsFile, 'utf8')) : {}) as Partial<DevKeys>;
  const names = ['gatewaySubgraphSecret', 'apiKeySecret', 'maskHashKey', 'auditSubjectKey'] as const;
  if (names.some((name) => !secrets[name])) {
    for (const name of names) secrets[name] ??= secret();
    fs.writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return { privateKeyFile, publicKeyFile, issuer: DEV_ISSUER, ...(secrets as Pick<DevKeys, (typeof names)[number]>) };
}

/**
 * The private key of a development key pair, when `publicKeyFile` is the public half of one made by
 * ensureDevKeys (its private half beside it, matching): the sign of a gateway running on development
 * keys, which may then hand out demo tokens. Undefined for any other key — a deployment's issuer keeps
 * its private key elsewhere.
 */
export function developmentPrivateKeyFile(publicKeyFile: string): string | undefined {
  if (path.basename(publicKeyFile) !== 'jwt-public.pem') return undefined;
  const privateKeyFile = path.join(path.dirname(publicKeyFile), 'jwt-private.pem');
  try {
    const derived = crypto.createPublicKey(crypto.createPrivateKey(fs.readFileSync(privateKeyFile, 'utf8'))).export({ type: 'spki', format: 'der' });
    const configured = crypto.createPublicKey(fs.readFileSync(publicKeyFile, 'utf8')).export({ type: 'spki', format: 'der' });
    return derived.equals(configured) ? privateKeyFile : undefined;
  } catch {
    return undefined;
  }
}
