// npm run --silent token -- --role institution --org <creditCode> --sub <operator> [--div <division>] [--ttl 8h]
// npm run --silent token -- --role developer --sub <developerId> [--name <display name>]   (signed in to the portal)
// npm run --silent token -- --role developer --sub <developerId> --api-key   (a development API key)
// npm run --silent token -- --role subject --sub <identity number>   (a data subject, for myAccesses)
// Prints a development credential that `npm start` trusts: a JWT signed with the key in .keys/
// (operators, providers, admins, developers, data subjects) or a development API key (developers). Never use these keys in production.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importPKCS8, SignJWT } from 'jose';
import { makeApiKey } from '../gateway/identity/api-keys';
import { DEVELOPER_ROLE, KNOWN_ROLES, SUBJECT_ROLE } from '../gateway/identity/jwt-verifier';
import { ensureDevKeys } from '../lib/dev-keys';
import { validateCitizenId, validateCreditCode, validateDivisionCode } from '../lib/identifiers';
import { ROOT_DIR } from '../subgraphs/registry';

function die(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'institution' },
      org: { type: 'string', default: '11530100015301017M' },
      sub: { type: 'string' },
      div: { type: 'string', default: '530100' },
      ttl: { type: 'string', default: '8h' },
      name: { type: 'string' },
      'api-key': { type: 'boolean', default: false },
      audience: { type: 'string', default: process.env.JWT_AUDIENCE ?? 'public-data-gateway' },
    },
  });
  const keys = ensureDevKeys(path.resolve(ROOT_DIR, process.env.DEV_KEYS_DIR ?? '.keys'));
  if (values.role === DEVELOPER_ROLE) {
    if (!values.sub) die('--sub <developerId> is required');
    if (values['api-key']) {
      console.log(makeApiKey(keys.apiKeySecret, values.sub));
      return;
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(values.sub)) die('--sub: developer id of 1–64 letters, digits, _ or -');
    const key = await importPKCS8(fs.readFileSync(keys.privateKeyFile, 'utf8'), 'ES256');
    const claims = { roles: [DEVELOPER_ROLE], ...(values.name ? { name: values.name } : {}) };
    console.log(await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setSubject(values.sub).setIssuer(keys.issuer).setAudience(values.audience!).setIssuedAt().setExpirationTime(values.ttl!).sign(key));
    return;
  }
  if (values.role === SUBJECT_ROLE) {
    if (!values.sub || !validateCitizenId(values.sub).ok) die('--sub <identity number> is required for a data subject');
    const key = await importPKCS8(fs.readFileSync(keys.privateKeyFile, 'utf8'), 'ES256');
    console.log(await new SignJWT({ roles: [SUBJECT_ROLE] }).setProtectedHeader({ alg: 'ES256' }).setSubject(values.sub).setIssuer(keys.issuer).setAudience(values.audience!).setIssuedAt().setExpirationTime(values.ttl!).sign(key));
    return;
  }
  const roles = values.role!.split(',');
  if (!roles.every((r) => (KNOWN_ROLES as readonly string[]).includes(r))) die(`--role must be developer or a comma list of ${KNOWN_ROLES.join(', ')}`);
  const org = validateCreditCode(values.org!);
  if (!org.ok) die(`--org: ${org.en}`);
  const div = validateDivisionCode(values.div!);
  if (!div.ok) die(`--div: ${div.en}`);
  const key = await importPKCS8(fs.readFileSync(keys.privateKeyFile, 'utf8'), 'ES256');
  const token = await new SignJWT({ org: values.org, div: values.div, roles })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(values.sub ?? 'operator-001')
    .setIssuer(keys.issuer)
    .setAudience(values.audience!)
    .setIssuedAt()
    .setExpirationTime(values.ttl!)
    .sign(key);
  console.log(token);
}

main().catch((error) => die(String(error)));
