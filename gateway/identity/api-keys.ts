// App developers' API keys: "pdk.<developerId>.<mac>", where mac = HMAC-SM3(secret, developerId).
// Stateless to check (no store on the hot path); a compromised key is cut off by suspending the
// developer, and rotating the secret re-issues every key.
import crypto from 'node:crypto';

const DEVELOPER_ID = /^[A-Za-z0-9_-]{1,64}$/;

function mac(secret: string, developerId: string): string {
  return crypto.createHmac('sm3', secret).update(`api-key:${developerId}`).digest('base64url');
}

export function makeApiKey(secret: string, developerId: string): string {
  if (!DEVELOPER_ID.test(developerId)) throw new Error('developer id: 1–64 letters, digits, _ or -');
  return `pdk.${developerId}.${mac(secret, developerId)}`;
}

/** The developer id of a valid key, or null. */
export function verifyApiKey(secret: string, key: string): string | null {
  const [prefix, developerId, given, ...rest] = key.split('.');
  if (prefix !== 'pdk' || rest.length || !developerId || !given || !DEVELOPER_ID.test(developerId)) return null;
  const expected = Buffer.from(mac(secret, developerId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? developerId : null;
}
