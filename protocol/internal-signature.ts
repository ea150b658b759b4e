// The platform's internal endpoints (audit append, policy state, safelist) answer only the gateway:
// each call is signed over the whole request with the shared secret, once (see signature.ts,
// replay-guard.ts).
import type http from 'node:http';
import type { PlainResponse } from '../lib/http/http-server';
import { REFUSALS, replayGuard, verifySignedRequest } from './replay-guard';
import { PLATFORM_AUDIENCE } from './signature';

/**
 * undefined when `req` carries a valid, fresh, first-seen gateway signature for `caller` (the
 * endpoint's purpose) over its method, path and `body`; otherwise the coded refusal to answer with.
 */
export async function internalRefusal(req: http.IncomingMessage, secret: string | undefined, caller: string, body = ''): Promise<PlainResponse | undefined> {
  const check = secret === undefined ? 'UNSIGNED' : await verifySignedRequest(replayGuard(), secret, req, { audience: PLATFORM_AUDIENCE, caller, body });
  if (check === 'VALID') return undefined;
  const { code, status, message } = REFUSALS[check];
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: code, message }) };
}
