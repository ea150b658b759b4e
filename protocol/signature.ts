// The gateway signs every request it makes to a subgraph or to the platform's internal endpoints, so
// a subgraph can refuse anything that did not pass the policy: calling a subgraph directly skips
// nothing. The signature (HMAC-SM3) covers the whole request — receiver, method, path, caller claim,
// timestamp, a nonce and the body bytes — so nothing in it can be altered, and the receiver refuses
// it when it is older than the window or its nonce was seen before (replay-guard.ts): a captured
// request cannot be replayed. Pure functions, no I/O.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-pd-signature';
export const TIMESTAMP_HEADER = 'x-pd-timestamp';
export const NONCE_HEADER = 'x-pd-nonce';
export const CALLER_HEADER = 'x-pd-caller';

/** Default of SIGNATURE_WINDOW_MS: a signature older (or newer, clock skew) than this is refused. */
export const DEFAULT_SIGNATURE_WINDOW_MS = 10_000;

/** The receiver's name in signatures of the platform's internal endpoints (not a subgraph name). */
export const PLATFORM_AUDIENCE = 'internal:platform';

/** Domain separation: a signature of this scheme is never valid in another use of the same key. */
const SCHEME = 'pd-request-v2';

export interface SignedParts {
  /** Who the request is for (the subgraph's name, "platform" for internal endpoints). */
  audience: string;
  method: string;
  /** Path and query string, as sent (req.url on the receiving side). */
  path: string;
  /** The caller claim (x-pd-caller) or, for internal calls, the endpoint's purpose. */
  caller: string;
  timestamp: string;
  nonce: string;
  /** The body exactly as sent ('' for a GET). */
  body: string | Buffer;
}

export function signRequest(secret: string, parts: SignedParts): string {
  // Header fields cannot contain a newline (HTTP forbids it), so the separators are unambiguous;
  // the body comes last and is hashed once, in the same pass as the rest.
  const head = `${SCHEME}\n${parts.audience}\n${parts.method.toUpperCase()}\n${parts.path}\n${parts.caller}\n${parts.timestamp}\n${parts.nonce}\n`;
  return crypto.createHmac('sm3', secret).update(head).update(parts.body).digest('base64url');
}

/** The headers a signed request carries, with a fresh timestamp and nonce (one per HTTP call). */
export function signatureHeaders(secret: string, parts: Omit<SignedParts, 'timestamp' | 'nonce'>, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = crypto.randomBytes(16).toString('base64url');
  return { [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [SIGNATURE_HEADER]: signRequest(secret, { ...parts, timestamp, nonce }) };
}

export type SignatureCheck = 'VALID' | 'UNSIGNED' | 'EXPIRED';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Whether the signature is genuine and within the window. VALID still needs the nonce claimed
 * (replay-guard.ts) before the request may be served.
 */
export function checkSignature(secret: string, parts: SignedParts, signature: string | undefined, windowMs: number, now = Date.now()): SignatureCheck {
  if (!signature || !/^\d{10,16}$/.test(parts.timestamp) || !NONCE.test(parts.nonce)) return 'UNSIGNED';
  const expected = Buffer.from(signRequest(secret, parts));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'UNSIGNED';
  // Checked after the MAC, so "expired" is only ever said of a genuine request.
  return Math.abs(now - Number(parts.timestamp)) > windowMs ? 'EXPIRED' : 'VALID';
}
