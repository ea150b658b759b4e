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

// Keys checked before, by secret: a key's validity cannot change while the secret stays the same,
// and the HMAC is the largest part of identifying a developer. Bounded; invalid keys are not kept.
const checked = new Map<string, Map<string, string>>();

/** The developer id of a valid key, or null. */
export function verifyApiKey(secret: string, key: string): string | null {
  let known = checked.get(secret);
  const hit = known?.get(key);
  if (hit) return hit;
  const developer = checkApiKey(secret, key);
  if (developer) {
    if (!known) checked.set(secret, (known = new Map()));
    if (known.size >= 10_000) known.delete(known.keys().next().value as string);
    known.set(key, developer);
  }
  return developer;
}

function checkApiKey(secret: string, key: string): string | null {
  const [prefix, developerId, given, ...rest] = key.split('.');
  if (prefix !== 'pdk' || rest.length || !developerId || !given || !DEVELOPER_ID.test(developerId)) return null;
  const expected = Buffer.from(mac(secret, developerId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? developerId : null;
}
