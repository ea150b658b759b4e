// The platform's internal endpoints (audit append, policy state, safelist) answer only the gateway:
// each call is signed over the whole request with the shared secret, once (see signature.ts,
// replay-guard.ts).
import type http from 'node:http';
import { jsonResponse, type PlainResponse } from '../lib/http/http-server';
import { REFUSALS, replayGuard, verifySignedRequest } from './replay-guard';
import { PLATFORM_AUDIENCE } from './signature';

/**
 * undefined when `req` carries a valid, fresh, first-seen gateway signature for `caller` (the
 * endpoint's purpose) over its method, path and `body`; otherwise the coded refusal to answer with.
 * `audience`: the receiver named in the signature (a data subgraph's internal route names its own).
 */
export async function internalRefusal(req: http.IncomingMessage, secret: string | undefined, caller: string, body = '', audience = PLATFORM_AUDIENCE): Promise<PlainResponse | undefined> {
  const check = secret === undefined ? 'UNSIGNED' : await verifySignedRequest(replayGuard(), secret, req, { audience, caller, body });
  if (check === 'VALID') return undefined;
  const { code, status, message } = REFUSALS[check];
  return jsonResponse(status, { error: code, message });
}
