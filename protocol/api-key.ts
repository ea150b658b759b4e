// Platform-issued API keys (issue 15 item 2): "pdk_<keyId>_<secret>", the secret 32 random bytes.
// The platform keeps only SHA-256 of the secret (a random 256-bit value needs no salt or slow hash:
// it cannot be guessed, only stolen, and the digest gives nothing to steal). The gateway reads a
// key's state by its id over a signed internal call and compares digests itself, so the secret never
// leaves the gateway. The development keys ("pdk.<developer>.<mac>", gateway/identity/api-keys.ts)
// are another format and stay apart.
import crypto from 'node:crypto';

const PLATFORM_KEY = /^pdk_([0-9a-f]{16})_([0-9a-f]{64})$/;

/** A key as it travels in `x-api-key`, split. */
export interface PresentedKey {
  id: string;
  secret: string;
}

/** The key's parts if it has the platform's format, else undefined (it may be a development key). */
export function parsePlatformKey(key: string): PresentedKey | undefined {
  const match = PLATFORM_KEY.exec(key);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

export function isPlatformKeyFormat(key: string): boolean {
  return key.startsWith('pdk_');
}

/** A new key: its id, the whole key (shown once) and what is stored of it. */
export function newPlatformKey(): { id: string; key: string; prefix: string; secretHash: string } {
  const id = crypto.randomBytes(8).toString('hex');
  const secret = crypto.randomBytes(32).toString('hex');
  return { id, key: `pdk_${id}_${secret}`, prefix: keyPrefix(id), secretHash: secretDigest(secret) };
}

/** What a key's owner sees of it later: enough to tell keys apart, nothing of the secret. */
export function keyPrefix(id: string): string {
  return `pdk_${id}`;
}

export function secretDigest(secret: string): string {
  return crypto.createHash('sha256').update(`api-key\0${secret}`).digest('hex');
}

/** Whether `secret` is the one whose digest is stored (constant time). */
export function secretMatches(secret: string, storedDigest: string): boolean {
  const given = Buffer.from(secretDigest(secret), 'hex');
  const stored = Buffer.from(storedDigest, 'hex');
  return given.length === stored.length && crypto.timingSafeEqual(given, stored);
}

/** GET API_KEY_PATH?id= answers this (404 for an unknown id). */
export interface ApiKeyState {
  id: string;
  developer: string;
  appId: string;
  secretHash: string;
  /** ISO time after which the key no longer counts (set by a rotation's overlap), or null. */
  expiresAt: string | null;
  revoked: boolean;
  /** The app the key belongs to is no longer active. */
  appActive: boolean;
}
