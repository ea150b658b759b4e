// The gateway signs every subgraph request (HMAC-SM3 over time, caller and operation) so a subgraph
// can refuse anything that did not pass the policy: calling a subgraph directly skips nothing.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-pd-signature';
export const TIMESTAMP_HEADER = 'x-pd-timestamp';
export const CALLER_HEADER = 'x-pd-caller';

/** Signatures older or newer than this are refused (replay window). */
export const MAX_SKEW_MS = 60_000;

export interface SignedParts {
  timestamp: string;
  caller: string;
  query: string;
  variables: unknown;
}

function material({ timestamp, caller, query, variables }: SignedParts): string {
  return `${timestamp}\n${caller}\n${query}\n${JSON.stringify(variables ?? {})}`;
}

export function signRequest(secret: string, parts: SignedParts): string {
  return crypto.createHmac('sm3', secret).update(material(parts)).digest('base64url');
}

export function verifyRequest(secret: string, parts: SignedParts, signature: string | undefined, now = Date.now()): boolean {
  if (!signature || !/^\d{10,16}$/.test(parts.timestamp)) return false;
  if (Math.abs(now - Number(parts.timestamp)) > MAX_SKEW_MS) return false;
  const expected = Buffer.from(signRequest(secret, parts));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
