// Requests to a subgraph signed the way the gateway signs them (protocol/signature.ts), with the real
// secret: for checking what a subgraph accepts and refuses, and for replaying captured requests.
import { CALLER_HEADER, signatureHeaders } from '../../protocol/signature';

export interface RawRequest {
  headers: Record<string, string>;
  body: string;
}

/** A request for `url` as the gateway would sign it for subgraph `audience` (at time `now`). */
export function signedRequest(secret: string, audience: string, url: string, caller: string, body: string, now = Date.now()): RawRequest {
  const { pathname, search } = new URL(url);
  return {
    headers: { 'content-type': 'application/json', [CALLER_HEADER]: caller, ...signatureHeaders(secret, { audience, method: 'POST', path: `${pathname}${search}`, caller, body }, now) },
    body,
  };
}

/** POSTs `request` to `url` as is; the parsed JSON answer and its status. */
export async function send(url: string, request: RawRequest): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, body: await response.json() };
}
