// Tokens (JWT, verified with jose): institution operators, data providers and admins; data subjects;
// app developers signed in to the portal (issue 15).
// The trusted issuer's key comes from configuration — a PEM file or a JWKS URL.
import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import { validateCitizenId, validateCreditCode, validateDivisionCode } from '../../lib/identifiers';
import type { Caller } from '../../directives/caller';

export interface JwtSettings {
  publicKeyFile?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** Algorithm of the PEM key (JWKS keys carry their own). */
  algorithm: string;
  /** JWKS: after a token names a key the cached set lacks, how soon the set may be fetched again (a rotation is picked up then). */
  jwksCooldownMs?: number;
}

export class InvalidToken extends Error {
  constructor(readonly reason: 'EXPIRED' | 'SIGNATURE' | 'ISSUER' | 'AUDIENCE' | 'CLAIMS' | 'MALFORMED' | 'KEYS_UNAVAILABLE', message: string) {
    super(message);
  }
}

export const KNOWN_ROLES = ['institution', 'provider', 'admin'] as const;
/** A data subject's token: issued after real-name authentication; sub is the identity number. */
export const SUBJECT_ROLE = 'subject';
/** A developer signed in to the portal: sub is the developer account id (the id its grants and keys are filed under). */
export const DEVELOPER_ROLE = 'developer';
/** Developer ids: as in development API keys (gateway/identity/api-keys.ts). */
const DEVELOPER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'];

export type VerifyToken = (token: string) => Promise<Extract<Caller, { kind: 'institution' | 'subject' | 'developer' }>>;

export async function createJwtVerifier(settings: JwtSettings): Promise<VerifyToken> {
  let key: KeyLike | ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;
  if (settings.jwksUrl) key = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: settings.jwksCooldownMs ?? 30_000 });
  else if (settings.publicKeyFile) {
    key = await importSPKI(fs.readFileSync(settings.publicKeyFile, 'utf8'), settings.algorithm);
  } else throw new Error('configure JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL: the gateway must know whose tokens to trust');

  // Verified tokens are remembered until they expire: checking a signature on every request is the
  // largest single cost of identity, and a token's claims cannot change before its expiry.
  const verified = new Map<string, { caller: Awaited<ReturnType<VerifyToken>>; until: number }>();
  const remember = (token: string, caller: Awaited<ReturnType<VerifyToken>>, exp: number | undefined) => {
    if (verified.size >= 10_000) verified.delete(verified.keys().next().value as string);
    verified.set(token, { caller, until: Math.min((exp ?? 0) * 1000, Date.now() + 300_000) });
    return caller;
  };
  return async (token) => {
    const known = verified.get(token);
    if (known && Date.now() < known.until) return known.caller;
    verified.delete(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as never, { issuer: settings.issuer, audience: settings.audience, algorithms: ALGORITHMS, clockTolerance: 30 }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidToken('EXPIRED', 'token expired');
      if (error instanceof errors.JWTClaimValidationFailed) {
        if (error.claim === 'iss') throw new InvalidToken('ISSUER', 'token from an untrusted issuer');
        if (error.claim === 'aud') throw new InvalidToken('AUDIENCE', 'token for another audience');
        throw new InvalidToken('CLAIMS', `invalid claim ${error.claim}`);
      }
      if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JWKSNoMatchingKey) {
        throw new InvalidToken('SIGNATURE', 'token signature not valid for the trusted issuer');
      }
      // The issuer's key set cannot be read: no token of it can be checked (fail closed, but say so).
      if (isKeySetUnavailable(error)) throw new InvalidToken('KEYS_UNAVAILABLE', 'the issuer\'s key set cannot be read');
      throw new InvalidToken('MALFORMED', 'malformed token');
    }
    const { sub, org, div, roles, name } = payload as JWTPayload & { org?: unknown; div?: unknown; roles?: unknown; name?: unknown };
    if (Array.isArray(roles) && roles.includes(DEVELOPER_ROLE)) {
      // A developer is nothing else at once: no institution's roles ride on a developer account.
      if (roles.length !== 1) throw new InvalidToken('CLAIMS', 'a developer token carries the developer role only');
      if (typeof sub !== 'string' || !DEVELOPER_ID.test(sub)) throw new InvalidToken('CLAIMS', 'a developer token needs the developer id as sub (1–64 letters, digits, _ or -)');
      const displayName = typeof name === 'string' && name.trim() ? name.trim().slice(0, 100) : undefined;
      return remember(token, { kind: 'developer', developer: sub, ...(displayName ? { name: displayName } : {}) }, payload.exp);
    }
    if (Array.isArray(roles) && roles.length === 1 && roles[0] === SUBJECT_ROLE) {
      if (typeof sub !== 'string' || !validateCitizenId(sub).ok) throw new InvalidToken('CLAIMS', 'a subject token needs a valid identity number as sub');
      return remember(token, { kind: 'subject', idNumber: sub }, payload.exp);
    }
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) throw new InvalidToken('CLAIMS', 'token has no operator (sub)');
    if (typeof org !== 'string' || !validateCreditCode(org).ok) throw new InvalidToken('CLAIMS', 'token has no valid institution credit code (org)');
    if (typeof div !== 'string' || !validateDivisionCode(div).ok) throw new InvalidToken('CLAIMS', 'token has no valid division code (div)');
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => (KNOWN_ROLES as readonly string[]).includes(r as string))) {
      throw new InvalidToken('CLAIMS', `token roles must be a non-empty subset of ${KNOWN_ROLES.join(', ')}`);
    }
    return remember(token, { kind: 'institution', operator: sub, institution: org, division: div, roles: roles as string[] }, payload.exp);
  };
}

function isKeySetUnavailable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(error.message);
  return typeof (error as NodeJS.ErrnoException | undefined)?.syscall === 'string'; // refused, reset, not resolved
}
