// The platform's internal endpoints (audit append, policy state) answer only the gateway: each call
// is signed over its target and body with the shared secret (see lib/signature.ts).
import type http from 'node:http';
import { headerValue } from '../../lib/http/headers';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '../../lib/signature';

/** Whether `req` carries a valid gateway signature for `caller` over `signed` (the body or the target). */
export function signedByGateway(req: http.IncomingMessage, secret: string | undefined, caller: string, signed: string): boolean {
  return (
    secret !== undefined &&
    verifyRequest(secret, { timestamp: headerValue(req, TIMESTAMP_HEADER) ?? '', caller, query: signed, variables: {} }, headerValue(req, SIGNATURE_HEADER))
  );
}
